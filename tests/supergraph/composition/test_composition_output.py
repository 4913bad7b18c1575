"""Our composer's own promises: byte-identical output, Apollo's format, full error reports."""

from __future__ import annotations

import pytest
from composition_fixtures import all_fixtures

from supergraph.composition import CompositionFailed, compose
from supergraph.model.loader import load_supergraph

FIXTURES = {f.name: f for f in all_fixtures()}
SUCCESSES = [f for f in all_fixtures() if not f.expect]


@pytest.mark.parametrize("fixture", SUCCESSES, ids=[f.name for f in SUCCESSES])
def test_same_subgraphs_in_any_order_give_the_same_bytes(fixture) -> None:  # type: ignore[no-untyped-def]
    first = compose(fixture.subgraphs)
    again = compose(fixture.subgraphs)
    reversed_order = compose(tuple(reversed(fixture.subgraphs)))
    assert first.encode() == again.encode() == reversed_order.encode()


def test_supergraph_uses_link_v1_and_join_v05_with_routing_urls() -> None:
    sdl = compose(FIXTURES["entity_basic"].subgraphs)
    assert '@link(url: "https://specs.apollo.dev/link/v1.0")' in sdl
    assert '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)' in sdl
    assert 'ORDERS @join__graph(name: "orders", url: "http://orders.local/graphql")' in sdl
    assert '@join__type(graph: USERS, key: "id")' in sdl


def test_inaccessible_and_tag_are_kept_for_the_router() -> None:
    sdl = compose(FIXTURES["tag_everywhere"].subgraphs)
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in sdl
    assert 'name: String @join__field(graph: A) @tag(name: "public") @tag(name: "catalog")' in sdl
    hidden = compose(FIXTURES["inaccessible_field"].subgraphs)
    assert "email: String @inaccessible @join__field(graph: A)" in hidden


def test_all_errors_of_a_run_are_reported_together_with_code_subgraph_coordinate_and_fix() -> None:
    with pytest.raises(CompositionFailed) as failure:
        compose(FIXTURES["err_several_errors_reported_together"].subgraphs)
    by_code = {error.code: error for error in failure.value.errors}
    assert set(by_code) == {"KEY_INVALID_FIELDS", "REQUIRES_INVALID_FIELDS"}
    key_error = by_code["KEY_INVALID_FIELDS"]
    assert key_error.subgraphs == ("a",)
    assert key_error.coordinate == "Product"
    assert key_error.hint
    requires_error = by_code["REQUIRES_INVALID_FIELDS"]
    assert requires_error.subgraphs == ("b",)
    assert requires_error.coordinate == "Review.body"
    assert "REQUIRES_INVALID_FIELDS at Review.body [b]" in str(failure.value)


def test_field_sharing_error_names_every_resolving_subgraph() -> None:
    with pytest.raises(CompositionFailed) as failure:
        compose(FIXTURES["err_invalid_field_sharing"].subgraphs)
    (error,) = failure.value.errors
    assert error.code == "INVALID_FIELD_SHARING"
    assert error.coordinate == "Product.name"
    assert error.subgraphs == ("a", "b")
    assert "@shareable" in (error.hint or "")


@pytest.mark.parametrize("fixture", SUCCESSES, ids=[f.name for f in SUCCESSES])
def test_router_loads_every_supergraph_we_compose(fixture) -> None:  # type: ignore[no-untyped-def]
    supergraph = load_supergraph(compose(fixture.subgraphs))
    assert set(supergraph.graphs) == {s.name for s in fixture.subgraphs}
