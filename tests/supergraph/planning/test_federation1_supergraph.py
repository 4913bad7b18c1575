"""Federation 1 supergraphs (`@core`, join v0.1 with `@join__owner`) load and plan."""

from __future__ import annotations

import pytest
from graphql import parse, print_schema

from supergraph.api_schema import build_api_schema
from supergraph.model.loader import load_supergraph
from supergraph.model.types import Supergraph
from supergraph.planning.planner import Planner
from supergraph.planning.prepare import prepare_plan, select_operation

FED1_SUPERGRAPH = """
schema
  @core(feature: "https://specs.apollo.dev/core/v0.1")
  @core(feature: "https://specs.apollo.dev/join/v0.1")
{ query: Query }

directive @core(feature: String!) repeatable on SCHEMA
directive @join__owner(graph: join__Graph!) on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on OBJECT | INTERFACE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet)
  on FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE

scalar join__FieldSet

enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "http://accounts/graphql")
  REVIEWS @join__graph(name: "reviews", url: "http://reviews/graphql")
}

type Query {
  me: User @join__field(graph: ACCOUNTS)
  topReviews: [Review] @join__field(graph: REVIEWS)
}

type Review @join__owner(graph: REVIEWS) @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  body: String
  author: User @join__field(graph: REVIEWS, provides: "username")
  rating: Rating
}

type Rating {
  stars: Int
}

type User
  @join__owner(graph: ACCOUNTS)
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID! @join__field(graph: ACCOUNTS)
  name: String @join__field(graph: ACCOUNTS)
  username: String @join__field(graph: ACCOUNTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}
"""


@pytest.fixture(scope="module")
def model() -> Supergraph:
    return load_supergraph(FED1_SUPERGRAPH)


def _waves(model: Supergraph, query: str) -> list[list[str]]:
    info = select_operation(parse(query), None)
    plan = prepare_plan(model, Planner(model), info, ()).plan
    return [[f.graph for f in wave] for wave in plan.waves]


def test_fed1_api_schema_drops_core_and_join_machinery() -> None:
    printed = print_schema(build_api_schema(FED1_SUPERGRAPH))
    assert "join__" not in printed
    assert "@core" not in printed
    assert "type User {" in printed


def test_fed1_owner_fields_are_resolved_by_the_owner(model: Supergraph) -> None:
    assert _waves(model, "{ me { name reviews { body rating { stars } } } }") == [
        ["accounts"],
        ["reviews"],
    ]


def test_fed1_extending_subgraph_provides_its_key_fields(model: Supergraph) -> None:
    # reviews knows User only by its key: it hands accounts the id directly.
    assert _waves(model, "{ topReviews { author { id username name } } }") == [
        ["reviews"],
        ["accounts"],
    ]
    assert _waves(model, "{ topReviews { author { username } } }") == [["reviews"]]
