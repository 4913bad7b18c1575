"""The supergraph as an in-memory model the planner can query cheaply."""
