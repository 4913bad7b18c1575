"""Mutation plans: each root field resolved completely before the next one is sent."""

from __future__ import annotations

import pytest
from graphql import parse

from supergraph.composition import SubgraphSource, compose
from supergraph.model.loader import load_supergraph
from supergraph.model.types import Supergraph
from supergraph.planning.planner import Planner
from supergraph.planning.prepare import prepare_plan, select_operation

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])\n'
CART = (
    _LINK
    + """
type Query { ping: String! }
type Mutation { add(sku: String!): Receipt! }
type Receipt @key(fields: "id") { id: ID! }
"""
)
PAYMENTS = (
    _LINK
    + """
type Mutation { charge(amount: Int!): Int! }
type Receipt @key(fields: "id") { id: ID! seenLog: [String!]! }
"""
)


@pytest.fixture(scope="module")
def model() -> Supergraph:
    return load_supergraph(
        compose(
            [
                SubgraphSource("cart", "http://cart/graphql", CART),
                SubgraphSource("payments", "http://payments/graphql", PAYMENTS),
            ]
        )
    )


def _waves(model: Supergraph, query: str) -> list[list[tuple[str, str]]]:
    """Per wave, each fetch's subgraph and query."""
    info = select_operation(parse(query), None)
    plan = prepare_plan(model, Planner(model), info, ()).plan
    return [[(f.graph, f.query) for f in wave] for wave in plan.waves]


def test_fields_without_followups_share_one_fetch(model: Supergraph) -> None:
    waves = _waves(model, 'mutation { a: add(sku: "p") { id } b: add(sku: "q") { id } }')
    assert waves == [[("cart", 'mutation{a:add(sku: "p"){id} b:add(sku: "q"){id}}')]]


def test_a_field_with_followups_is_resolved_before_the_next_field_is_sent(
    model: Supergraph,
) -> None:
    waves = _waves(
        model,
        'mutation { a: add(sku: "p") { seenLog } b: add(sku: "q") { seenLog }'
        " c: charge(amount: 2) }",
    )
    assert [[graph for graph, _ in wave] for wave in waves] == [
        ["cart"],
        ["payments"],
        ["cart"],
        ["payments"],
        ["payments"],
    ]
    assert waves[0][0][1] == 'mutation{a:add(sku: "p"){id __typename}}'
    assert waves[2][0][1] == 'mutation{b:add(sku: "q"){id __typename}}'
    assert waves[4][0][1] == "mutation{c:charge(amount: 2)}"


def test_a_field_without_followups_joins_the_fetch_of_the_next_field(model: Supergraph) -> None:
    # `a` is complete once the subgraph ran it, so `b` may be sent with it; b's
    # follow-up then runs before `c`.
    waves = _waves(
        model,
        'mutation { a: add(sku: "p") { id } b: add(sku: "q") { seenLog } c: add(sku: "r") { id } }',
    )
    assert [[graph for graph, _ in wave] for wave in waves] == [["cart"], ["payments"], ["cart"]]
    assert waves[0][0][1] == 'mutation{a:add(sku: "p"){id} b:add(sku: "q"){id __typename}}'
    assert waves[2][0][1] == 'mutation{c:add(sku: "r"){id}}'
