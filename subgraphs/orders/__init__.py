"""The orders subgraph: carts, order placement across services, tracking, payments."""
