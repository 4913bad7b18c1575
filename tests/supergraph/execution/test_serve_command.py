"""`python -m supergraph serve` runs the router alone on a supergraph file."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest
from benchmark_subgraphs import BENCHMARK, SUBGRAPHS, BenchmarkSubgraphs

from tests.support.processes import PYTHON, free_port, running_process


def test_serve_answers_the_benchmark_query_over_http(
    benchmark_subgraphs: BenchmarkSubgraphs, tmp_path_factory: pytest.TempPathFactory
) -> None:
    port = free_port()
    argv = [
        PYTHON, "-m", "supergraph", "serve",
        "--supergraph", str(BENCHMARK / "supergraph.graphql"),
        "--port", str(port),
    ]  # fmt: skip
    for name in SUBGRAPHS:
        argv += ["--subgraph-url", f"{name}={benchmark_subgraphs.base_url}/{name}"]
    with running_process(
        "gateway",
        argv,
        log_dir=tmp_path_factory.mktemp("gateway"),
        health_url=f"http://127.0.0.1:{port}/health",
    ):
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": (BENCHMARK / "query.graphql").read_text()},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    assert response.json() == json.loads((BENCHMARK / "expected-response.json").read_text())


def test_plan_command_prints_seven_fetches_in_four_waves() -> None:
    completed = subprocess.run(
        [
            PYTHON,
            "-m",
            "supergraph",
            "plan",
            "--supergraph",
            str(BENCHMARK / "supergraph.graphql"),
            str(BENCHMARK / "query.graphql"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    plan = json.loads(completed.stdout)
    assert [len(wave["nodes"]) for wave in plan["nodes"]] == [2, 2, 2, 1]
    assert "7 fetches in 4 waves" in completed.stderr
