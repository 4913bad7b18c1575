"""The federation gateway benchmark: fast local subgraphs and the side-by-side harness.

`benchmark/` is a copy of the shared benchmark's inputs (supergraph, subgraph
schemas, query, data, expected response) so that a fresh clone can run it.
"""
