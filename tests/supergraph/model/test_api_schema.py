"""The API schema we derive equals Apollo's `toAPISchema` on the same supergraph."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from graphql import build_schema, lexicographic_sort_schema, print_schema

from supergraph.api_schema import build_api_schema, print_api_schema

ORACLES = Path(__file__).resolve().parents[2] / "oracles"
BENCHMARK = Path(__file__).resolve().parents[3] / "bench/federation/benchmark"

FED2 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@inaccessible", "@tag", "@external", "@composeDirective",'
    ' "@interfaceObject"])\n'
)

SUBGRAPH_SETS = {
    "inaccessible_everywhere": [
        {
            "name": "a",
            "url": "http://a",
            "sdl": FED2
            + """
            type Query { products(filter: Filter): [Product] secret: String @inaccessible }
            input Filter { name: String hidden: Int @inaccessible }
            enum Color { RED GREEN @inaccessible }
            type Product @key(fields: "id") {
              id: ID! @tag(name: "public")
              color: Color
              internal(arg: Int @inaccessible, other: String): String
            }
            type Hidden @inaccessible { x: Int }
            """,
        },
        {
            "name": "b",
            "url": "http://b",
            "sdl": FED2
            + """
            type Product @key(fields: "id") { id: ID! reviews: [String] @tag(name: "x") }
            """,
        },
    ],
    "abstract_types": [
        {
            "name": "a",
            "url": "http://a",
            "sdl": FED2
            + """
            type Query { node(id: ID!): Node search: [Result] }
            interface Node { id: ID! }
            type Book implements Node @key(fields: "id") { id: ID! title: String }
            type Movie implements Node @key(fields: "id") {
              id: ID! director: String @deprecated(reason: "no")
            }
            union Result = Book | Movie
            scalar DateTime @specifiedBy(url: "https://example.com")
            """,
        },
        {
            "name": "b",
            "url": "http://b",
            "sdl": FED2
            + """
            type Book @key(fields: "id") { id: ID! published: DateTime }
            scalar DateTime
            type Mutation { rate(id: ID!, stars: Int = 5): Book }
            """,
        },
    ],
}


def _canonical(sdl: str) -> str:
    """Order-independent print: Apollo's type order is an artefact of its builder."""
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))


def _run_node(script: str, payload: object) -> dict[str, dict[str, str]]:
    completed = subprocess.run(
        ["node", str(ORACLES / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, dict[str, str]] = json.loads(completed.stdout)
    return result


@pytest.fixture(scope="module")
def composed() -> dict[str, dict[str, str]]:
    return _run_node("compose.js", SUBGRAPH_SETS)


def test_benchmark_supergraph_api_schema_matches_apollo() -> None:
    sdl = (BENCHMARK / "supergraph.graphql").read_text()
    apollo = _run_node("api_schema.js", {"benchmark": sdl})["benchmark"]
    assert apollo["ok"]
    assert _canonical(print_api_schema(sdl)) == _canonical(apollo["api"])


@pytest.mark.parametrize("name", sorted(SUBGRAPH_SETS))
def test_composed_supergraph_api_schema_matches_apollo(
    composed: dict[str, dict[str, str]], name: str
) -> None:
    result = composed[name]
    assert result["ok"], result
    assert _canonical(print_api_schema(result["supergraph"])) == _canonical(result["api"])


def test_inaccessible_elements_cannot_be_queried(composed: dict[str, dict[str, str]]) -> None:
    schema = build_api_schema(composed["inaccessible_everywhere"]["supergraph"])
    query_type = schema.query_type
    assert query_type is not None
    assert "secret" not in query_type.fields
    assert "Hidden" not in schema.type_map
    assert "join__Graph" not in schema.type_map
    assert all(not name.startswith(("join__", "link__")) for name in schema.type_map)
    assert {d.name for d in schema.directives} >= {"deprecated", "skip", "include"}
    assert all(d.name not in ("tag", "inaccessible", "link") for d in schema.directives)
