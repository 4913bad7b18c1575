"""Session fixtures of the conformance suite: the Node side starts once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from conformance_cases import Case, load_cases
from conformance_harness import ConformanceServer, SubgraphBook, conformance_server


@pytest.fixture(scope="session")
async def node_side() -> AsyncIterator[ConformanceServer]:
    cases: list[Case] = load_cases()
    async with conformance_server(cases) as server:
        yield server


@pytest.fixture(scope="session")
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def subgraph_book(node_side: ConformanceServer, http_client: httpx.AsyncClient) -> SubgraphBook:
    return SubgraphBook(http_client, node_side.subgraphs_url)
