"""The products subgraph: catalog, search, categories and inventory reservations."""
