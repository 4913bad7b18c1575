"""Federation 2 composition: subgraph SDLs in, Apollo-format supergraph SDL out."""

from supergraph.composition.compose import SubgraphSource, compose
from supergraph.composition.errors import CompositionError, CompositionFailed

__all__ = ["CompositionError", "CompositionFailed", "SubgraphSource", "compose"]
