"""The Apollo side of the conformance suite works for every case and operation.

Independent of our router: each case composes with @apollo/composition, each
operation runs through @apollo/gateway over the fixture subgraphs, and the answer
carries data with no error or null the case does not declare. This keeps the
fixtures honest (a missing record shows up as an unexpected null here).
"""

from __future__ import annotations

import httpx
import pytest
from conformance_cases import REQUIRED_COVERAGE, Case, Operation, load_cases
from conformance_harness import (
    APOLLO_TAG,
    ConformanceServer,
    SubgraphBook,
    ask,
    differences,
    null_paths,
)

pytestmark = pytest.mark.oracle

CASES = load_cases()
OPERATIONS = [op for case in CASES for op in case.operations]


def test_suite_has_enough_cases_and_operations() -> None:
    assert len(CASES) >= 40, f"{len(CASES)} cases"
    assert len(OPERATIONS) >= 250, f"{len(OPERATIONS)} operations"


def test_suite_covers_every_planning_feature() -> None:
    covered = set().union(*(case.covers for case in CASES))
    assert REQUIRED_COVERAGE - covered == set()
    assert covered - REQUIRED_COVERAGE == set(), "unknown coverage tags"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_composes_with_apollo(case: Case, node_side: ConformanceServer) -> None:
    assert node_side.composition_errors(case.name) == []


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
async def test_apollo_gateway_answers(
    op: Operation,
    node_side: ConformanceServer,
    http_client: httpx.AsyncClient,
    subgraph_book: SubgraphBook,
) -> None:
    assert node_side.composition_errors(op.case) == []
    answer = await ask(
        http_client, f"{node_side.gateway_url}/{op.case}/graphql", subgraph_book, APOLLO_TAG, op
    )
    if op.spec_answer is not None:
        # Apollo is known to be wrong here: only check the note is still needed.
        assert op.why, "a case that overrides Apollo's answer must say why"
        assert op.spec_fetches is not None, "a spec answer must bound the fetches it needs"
        assert differences(op.spec_answer, answer) != [], (
            "Apollo now gives the spec's answer: drop spec_answer from the case"
        )
        return
    # Apollo reports null-propagation errors it raises itself under
    # extensions.valueCompletion, not in `errors` as the spec requires: such an
    # operation needs the spec's answer.
    assert "valueCompletion" not in (answer.body.get("extensions") or {}), (
        "Apollo moved a field error out of `errors`: give the case a spec_answer"
    )
    errors = answer.body.get("errors")
    if op.expect_errors:
        assert errors, "the case declares errors but Apollo's answer has none"
    else:
        assert errors is None, errors
        assert answer.status == 200
        assert answer.data is not None
    if not op.expect_nulls and not op.expect_errors:
        assert null_paths(answer.data) == [], "unexpected nulls (fixture data missing?)"
