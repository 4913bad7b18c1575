"""Planning the shared federation benchmark query."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from supergraph.model.loader import load_supergraph
from supergraph.model.types import Supergraph
from supergraph.planning.planner import Planner
from supergraph.planning.prepare import PreparedPlan, prepare_plan, select_operation

BENCHMARK = Path(__file__).resolve().parents[3] / "bench/federation/benchmark"


@pytest.fixture(scope="module")
def model() -> Supergraph:
    return load_supergraph((BENCHMARK / "supergraph.graphql").read_text())


def _plan(model: Supergraph, query: str) -> PreparedPlan:
    info = select_operation(parse(query), None)
    return prepare_plan(model, Planner(model), info, ())


def test_benchmark_query_needs_seven_fetches_in_four_waves(model: Supergraph) -> None:
    prepared = _plan(model, (BENCHMARK / "query.graphql").read_text())
    waves = [sorted(f.graph for f in wave) for wave in prepared.plan.waves]
    assert waves == [
        ["accounts", "products"],
        ["inventory", "reviews"],
        ["accounts", "products"],
        ["inventory"],
    ]


def test_provided_username_is_read_from_reviews_not_accounts(model: Supergraph) -> None:
    prepared = _plan(model, "{ topProducts { reviews { author { username } } } }")
    assert [[f.graph for f in wave] for wave in prepared.plan.waves] == [["products"], ["reviews"]]
    assert "author{username" in prepared.plan.waves[1][0].query.replace(" ", "")


def test_requires_fields_are_fetched_before_the_requiring_subgraph(model: Supergraph) -> None:
    prepared = _plan(model, "{ users { reviews { product { shippingEstimate } } } }")
    waves = [[f.graph for f in wave] for wave in prepared.plan.waves]
    assert waves == [["accounts"], ["reviews"], ["products"], ["inventory"]]
    inventory = prepared.plan.waves[3][0]
    assert inventory.inputs[0].representation.print() == "{__typename upc price weight}"


def test_requires_satisfied_by_the_parent_fetch_adds_no_wave(model: Supergraph) -> None:
    prepared = _plan(model, "{ topProducts { shippingEstimate } }")
    assert [[f.graph for f in wave] for wave in prepared.plan.waves] == [
        ["products"],
        ["inventory"],
    ]
    assert "price" in prepared.plan.waves[0][0].query


def test_field_arguments_and_variables_reach_the_subgraph(model: Supergraph) -> None:
    prepared = _plan(model, "query Q($n: Int = 2) { top: topProducts(first: $n) { name } }")
    fetch = prepared.plan.waves[0][0]
    assert fetch.query == "query($n:Int=2){top:topProducts(first: $n){name}}"
    assert fetch.variables == ("n",)
