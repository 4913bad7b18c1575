"""Our composer against @apollo/composition on every fixture subgraph set.

Both must agree on success or failure; on success the API schemas must be equal
after sorting, and the join metadata (keys, field ownership, requires, provides,
overrides, interface objects) equivalent.
"""

from __future__ import annotations

from typing import Any

import pytest
from composition_fixtures import FixtureSet, all_fixtures
from graphql import build_schema, lexicographic_sort_schema, print_schema
from supergraph_joins import join_metadata

from supergraph.api_schema import print_api_schema
from supergraph.composition import CompositionFailed, compose

pytestmark = pytest.mark.oracle

FIXTURES = all_fixtures()


def _normalised(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))


def test_corpus_has_at_least_forty_sets_with_errors_and_successes() -> None:
    successes = [f for f in FIXTURES if not f.expect]
    failures = [f for f in FIXTURES if f.expect]
    assert len(FIXTURES) >= 40
    assert len(successes) >= 20
    assert len(failures) >= 20


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_composition_agrees_with_apollo(
    fixture: FixtureSet, apollo_compositions: dict[str, dict[str, Any]]
) -> None:
    apollo = apollo_compositions[fixture.name]
    try:
        ours: str | None = compose(fixture.subgraphs)
        our_codes: set[str] = set()
    except CompositionFailed as failure:
        ours = None
        our_codes = {error.code for error in failure.errors}
    apollo_codes = {error["code"] for error in apollo.get("errors", [])}

    assert (ours is None) == bool(fixture.expect), our_codes or "composed"
    assert set(fixture.expect) <= our_codes
    if fixture.apollo_differs:
        return
    assert (ours is not None) == apollo["ok"], (
        f"ours: {our_codes or 'composed'}; Apollo: {apollo.get('errors') or 'composed'}"
    )
    if fixture.expect:
        assert set(fixture.expect) <= apollo_codes, apollo_codes
        return
    assert ours is not None
    assert _normalised(print_api_schema(ours)) == _normalised(apollo["api"])
    # The API schema function reads Apollo's supergraph as well as ours.
    assert _normalised(print_api_schema(apollo["supergraph"])) == _normalised(apollo["api"])
    assert join_metadata(ours) == join_metadata(apollo["supergraph"])
