"""Summing the metrics of a gateway's workers through their shared files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from supergraph.observability import worker_metrics
from supergraph.observability.metrics import GatewayMetrics, Totals
from supergraph.observability.worker_metrics import SharedWorkerMetrics, WorkerMetricsFiles
from tests.supergraph.observability.gateway_scrape import Scrape


def _busy_worker(requests: int, seconds: float) -> GatewayMetrics:
    metrics = GatewayMetrics()
    for _ in range(requests):
        metrics.request_done("Top", "ok", seconds)
    metrics.fetch_done("products", seconds)
    metrics.fetch_failed("products", "http")
    metrics.plan_cache_hit.inc()
    metrics.limit_rejected("MAX_DEPTH_EXCEEDED")
    metrics.rate_limited.inc()
    return metrics


def _scrape(metrics: GatewayMetrics) -> Scrape:
    return Scrape(generate_latest(metrics.registry).decode())


def test_a_scrape_sums_every_workers_series(tmp_path: Path) -> None:
    first, second = _busy_worker(3, 0.002), _busy_worker(5, 0.2)
    SharedWorkerMetrics(first, WorkerMetricsFiles(tmp_path))
    other_files = WorkerMetricsFiles(tmp_path)
    SharedWorkerMetrics(second, other_files)
    other_files.write(second.own_totals())

    scrape = _scrape(first)
    assert scrape.value("gateway_requests_total", operation="Top", outcome="ok") == 8
    latency = "gateway_request_duration_seconds_bucket"
    assert scrape.value(latency, operation="Top", le="0.0025") == 3
    assert scrape.value(latency, operation="Top", le="0.25") == 8
    assert scrape.value("gateway_request_duration_seconds_sum", operation="Top") == pytest.approx(
        3 * 0.002 + 5 * 0.2
    )
    assert scrape.value("gateway_subgraph_fetch_duration_seconds_count", subgraph="products") == 2
    assert (
        scrape.value("gateway_subgraph_fetch_errors_total", subgraph="products", kind="http") == 2
    )
    assert scrape.value("gateway_query_plan_cache_total", result="hit") == 2
    assert scrape.value("gateway_limit_rejections_total", code="MAX_DEPTH_EXCEEDED") == 2
    assert scrape.value("gateway_rate_limited_requests_total") == 2


def test_a_workers_own_file_is_not_counted_twice(tmp_path: Path) -> None:
    metrics = _busy_worker(4, 0.01)
    files = WorkerMetricsFiles(tmp_path)
    SharedWorkerMetrics(metrics, files)
    files.write(metrics.own_totals())
    metrics.request_done("Top", "ok", 0.01)  # live numbers win over its own file
    assert _scrape(metrics).value("gateway_requests_total", operation="Top", outcome="ok") == 5


def test_an_unreadable_file_is_left_out_and_the_scrape_still_answers(tmp_path: Path) -> None:
    metrics = _busy_worker(2, 0.01)
    SharedWorkerMetrics(metrics, WorkerMetricsFiles(tmp_path))
    (tmp_path / "1-torn.json").write_bytes(b'{"requests": [["Top", "ok"')
    (tmp_path / "2-other.json").write_bytes(b'{"requests": []}')
    other = _busy_worker(1, 0.01).own_totals()
    (tmp_path / "3-good.json").write_bytes(other.to_json())
    assert _scrape(metrics).value("gateway_requests_total", operation="Top", outcome="ok") == 3


def test_totals_survive_their_json_form() -> None:
    totals = _busy_worker(3, 0.05).own_totals()
    assert Totals.from_json(totals.to_json()) == totals


async def test_counted_requests_reach_the_file_once_within_the_delay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_metrics, "WRITE_DELAY_S", 0.05)
    metrics = GatewayMetrics()
    files = WorkerMetricsFiles(tmp_path)
    shared = SharedWorkerMetrics(metrics, files)
    for _ in range(3):
        metrics.request_done("Top", "ok", 0.01)
        shared.counted()
    assert not files.own_file.exists()  # not on every request
    await asyncio.sleep(0.2)
    assert Totals.from_json(files.own_file.read_bytes()) == metrics.own_totals()
