"""Query planning: an operation and the supergraph become a plan of subgraph fetches."""
