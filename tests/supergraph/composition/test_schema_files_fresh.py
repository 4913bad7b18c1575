"""The checked-in schema/supergraph.graphql is the composition of supergraph.yaml.

Regenerate with `python -m supergraph compose --config supergraph.yaml --out
schema/supergraph.graphql` after changing a subgraph's exported SDL.
"""

from __future__ import annotations

from composition_fixtures import ROOT

from supergraph.composition import SubgraphSource, compose
from supergraph.config import load_config, read_sdl

SUPERGRAPH_FILE = ROOT / "schema" / "supergraph.graphql"
FIX = "python -m supergraph compose --config supergraph.yaml --out schema/supergraph.graphql"


def test_root_supergraph_yaml_lists_the_shop_subgraphs_with_file_schemas() -> None:
    config = load_config(ROOT / "supergraph.yaml")
    assert {s.name: s.routing_url for s in config.subgraphs} == {
        "users": "http://127.0.0.1:4001/graphql",
        "products": "http://127.0.0.1:4002/graphql",
        "orders": "http://127.0.0.1:4003/graphql",
    }
    for subgraph in config.subgraphs:
        assert subgraph.schema_file == ROOT / "schema" / f"{subgraph.name}.graphql"


def test_checked_in_supergraph_is_the_composition_of_the_checked_in_subgraphs() -> None:
    config = load_config(ROOT / "supergraph.yaml")
    assert SUPERGRAPH_FILE.exists(), f"{SUPERGRAPH_FILE} is missing: run {FIX}"
    composed = compose(
        [SubgraphSource(s.name, s.routing_url, read_sdl(s)) for s in config.subgraphs]
    )
    assert SUPERGRAPH_FILE.read_text() == composed, f"{SUPERGRAPH_FILE} is stale: run {FIX}"
