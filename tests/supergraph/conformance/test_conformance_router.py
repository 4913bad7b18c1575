"""Our router answers every conformance operation as @apollo/gateway does.

Both routers run over the same Apollo-composed supergraph and the same running
fixture subgraphs. For each operation the responses must be equal (data with its
key order, where errors point, whether `data` is present) and our router must not
make more subgraph fetches than Apollo's. Where Apollo is wrong by the spec, the
case carries the spec's answer (`spec_answer`, with `why`) and ours must give that.

Operations our router cannot answer yet are listed in PENDING.md and reported as
strict xfails: one that starts passing fails the run until the list is updated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from conformance_cases import Operation, load_cases, load_pending, pending_reason
from conformance_harness import (
    APOLLO_TAG,
    OURS_TAG,
    ConformanceServer,
    SubgraphBook,
    ask,
    differences,
)

from tests.support.graphql import app_client

pytestmark = pytest.mark.oracle

CASES = load_cases()
PENDING = load_pending()


def _param(op: Operation) -> object:
    reason = pending_reason(PENDING, op)
    marks = [pytest.mark.xfail(reason=f"PENDING.md: {reason}", strict=True)] if reason else []
    return pytest.param(op, id=op.id, marks=marks)


OPERATIONS = [_param(op) for case in CASES for op in case.operations]

RouterFor = Callable[[str], Awaitable[httpx.AsyncClient]]


def _create_router_app(supergraph_sdl: str) -> object:
    # Imported here so a router that does not load yet fails (or xfails) each
    # operation instead of breaking collection of the whole suite.
    from supergraph.server import app, settings

    return app.create_gateway_app(supergraph_sdl, settings.GatewaySettings())


@pytest.fixture(scope="session")
async def our_router(node_side: ConformanceServer) -> AsyncIterator[RouterFor]:
    """Our router per case, in-process, started on first use and kept for the session."""
    clients: dict[str, httpx.AsyncClient] = {}
    async with AsyncExitStack() as stack:

        async def router_for(case: str) -> httpx.AsyncClient:
            if case not in clients:
                app = _create_router_app(node_side.supergraph(case, OURS_TAG))
                clients[case] = await stack.enter_async_context(app_client(app))  # type: ignore[arg-type]
            return clients[case]

        yield router_for


def test_pending_list_names_only_existing_cases_and_operations() -> None:
    known = {"*"} | {case.name for case in CASES}
    known |= {op.id for case in CASES for op in case.operations}
    assert set(PENDING) - known == set()


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("op", OPERATIONS)
async def test_router_answers_like_apollo(
    op: Operation,
    node_side: ConformanceServer,
    http_client: httpx.AsyncClient,
    subgraph_book: SubgraphBook,
    our_router: RouterFor,
) -> None:
    assert node_side.composition_errors(op.case) == []
    apollo = await ask(
        http_client, f"{node_side.gateway_url}/{op.case}/graphql", subgraph_book, APOLLO_TAG, op
    )
    ours = await ask(await our_router(op.case), "/graphql", subgraph_book, OURS_TAG, op)

    comparison = {
        "unordered_lists": op.unordered_lists,
        "ignore_error_paths": op.ignore_error_paths,
    }
    if op.spec_answer is not None:
        assert differences(op.spec_answer, ours, **comparison) == []
        assert op.spec_fetches is not None
        assert ours.fetches <= op.spec_fetches, (
            f"our router made {ours.fetches} subgraph fetches, the case allows {op.spec_fetches}"
        )
        return
    assert differences(apollo, ours, **comparison) == []
    assert ours.fetches <= apollo.fetches, (
        f"our router made {ours.fetches} subgraph fetches, Apollo's {apollo.fetches}"
    )
