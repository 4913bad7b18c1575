"""The benchmark subgraphs as a real process, and the edge gateway in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from observed_subgraphs import SUPERGRAPH, HeaderRecorder, edge_settings

from supergraph.edge.gateway import create_edge_gateway
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import PYTHON, free_port, running_process


@pytest.fixture(scope="session")
def benchmark_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with running_process(
        "benchmark-subgraphs",
        [PYTHON, "-m", "bench.federation.subgraphs", "--port", str(port)],
        log_dir=tmp_path_factory.mktemp("observability-subgraphs"),
        health_url=f"{base_url}/_stats",
    ):
        yield base_url


@pytest.fixture
def recorder(benchmark_subgraphs: str) -> Iterator[HeaderRecorder]:
    with HeaderRecorder(benchmark_subgraphs).running() as running:
        yield running


@pytest_asyncio.fixture
async def gateway(recorder: HeaderRecorder) -> AsyncIterator[httpx.AsyncClient]:
    """The whole edge gateway in process (tracing off: no OTEL_* variables in tests)."""
    edge = create_edge_gateway(
        SUPERGRAPH, GatewaySettings(subgraph_urls=recorder.urls()), edge_settings()
    )
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        yield client
