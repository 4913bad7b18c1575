"""The benchmark's four subgraphs as a real process, and our router in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from benchmark_subgraphs import BENCHMARK, BenchmarkSubgraphs, benchmark_settings

from supergraph.server.app import create_gateway_app
from tests.support.graphql import app_client
from tests.support.processes import PYTHON, free_port, running_process


@pytest.fixture(scope="session")
def benchmark_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchmarkSubgraphs]:
    port = free_port()
    argv = [PYTHON, "-m", "bench.federation.subgraphs", "--port", str(port)]
    base_url = f"http://127.0.0.1:{port}"
    with running_process(
        "benchmark-subgraphs",
        argv,
        log_dir=tmp_path_factory.mktemp("benchmark-subgraphs"),
        health_url=f"{base_url}/_stats",
    ):
        yield BenchmarkSubgraphs(base_url)


@pytest.fixture
async def benchmark_router(
    benchmark_subgraphs: BenchmarkSubgraphs,
) -> AsyncIterator[httpx.AsyncClient]:
    """Our router, in-process, over the benchmark subgraphs on real HTTP."""
    sdl = (BENCHMARK / "supergraph.graphql").read_text()
    app = create_gateway_app(sdl, benchmark_settings(benchmark_subgraphs, expose_query_plan=True))
    async with app_client(app) as client:  # type: ignore[arg-type]
        yield client
