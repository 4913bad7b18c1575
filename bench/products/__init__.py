"""The products subgraph benchmark: search and filtered listing over a large catalog."""
