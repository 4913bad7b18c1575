"""Running plans: subgraph requests, merging entity results, shaping the response."""
