"""GraphiQL opens in headless Chromium with no internet access and runs a query.

The gateway serves GraphiQL's page and its assets itself (from the npm packages of
supergraph/server/graphiql, installed by the project's npm step). Chromium gets a
dead proxy for everything but loopback, so any asset from a CDN would fail to load.
"""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import quote

import pytest
from benchmark_subgraphs import BENCHMARK, SUBGRAPHS, BenchmarkSubgraphs

from tests.support.processes import PYTHON, free_port, running_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed here")
def test_graphiql_loads_offline_and_runs_a_query(
    benchmark_subgraphs: BenchmarkSubgraphs, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert CHROMIUM is not None
    port = free_port()
    argv = [
        PYTHON, "-m", "supergraph", "serve",
        "--supergraph", str(BENCHMARK / "supergraph.graphql"),
        "--port", str(port),
    ]  # fmt: skip
    for name in SUBGRAPHS:
        argv += ["--subgraph-url", f"{name}={benchmark_subgraphs.base_url}/{name}"]
    page = f"http://127.0.0.1:{port}/graphql?editorQuery={quote('{ me { username } }')}&autorun"
    with running_process(
        "gateway",
        argv,
        log_dir=tmp_path_factory.mktemp("gateway"),
        health_url=f"http://127.0.0.1:{port}/health",
    ):
        browser = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--proxy-server=127.0.0.1:9",  # nothing beyond loopback is reachable
                "--virtual-time-budget=15000",
                "--dump-dom",
                page,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = browser.stdout
    assert "graphiql-container" in dom, browser.stderr[-2000:]
    assert "urigo" in dom  # the answer to the query, shown in the result pane
