"""Federation 2 composition: subgraph SDLs in, Apollo-format supergraph SDL out.

The pipeline, one module per step:

- `subgraph`: parse an SDL, resolve `@link` names (`links`), drop federation plumbing;
- `upgrade`: rewrite Federation 1 subgraphs the way Apollo upgrades them;
- `facts`: what the directives mean per field (external, shareable, key, used);
- `validate_subgraph`: field sets of @key/@requires/@provides, @external use, @override;
- `merge`: types, fields, arguments, enums and inputs across subgraphs, with join metadata;
- `validate_supergraph` and `satisfiability`: checks on the merged result;
- `printer`: the supergraph SDL (link/v1.0, join/v0.5), byte-for-byte deterministic.

Every problem is a `CompositionError` with Apollo's code; `compose` raises
`CompositionFailed` carrying all of them.
"""

from supergraph.composition.compose import SubgraphSource, compose
from supergraph.composition.errors import CompositionError, CompositionFailed

__all__ = ["CompositionError", "CompositionFailed", "SubgraphSource", "compose"]
