"""The gateway's own counters and histograms as Prometheus reads them."""

from __future__ import annotations

from gateway_scrape import Scrape
from prometheus_client import generate_latest

from supergraph.observability.metrics import GatewayMetrics


def _scrape(metrics: GatewayMetrics) -> Scrape:
    return Scrape(generate_latest(metrics.registry).decode())


def test_histogram_buckets_are_cumulative_with_bounds_inclusive() -> None:
    metrics = GatewayMetrics()
    for seconds in (0.001, 0.003, 20.0):
        metrics.fetch_done("products", seconds)

    scrape = _scrape(metrics)
    bucket = "gateway_subgraph_fetch_duration_seconds_bucket"
    assert scrape.value(bucket, subgraph="products", le="0.001") == 1
    assert scrape.value(bucket, subgraph="products", le="0.0025") == 1
    assert scrape.value(bucket, subgraph="products", le="0.005") == 2
    assert scrape.value(bucket, subgraph="products", le="10.0") == 2
    assert scrape.value(bucket, subgraph="products", le="+Inf") == 3
    assert scrape.value("gateway_subgraph_fetch_duration_seconds_count", subgraph="products") == 3
    total = scrape.value("gateway_subgraph_fetch_duration_seconds_sum", subgraph="products")
    assert abs(total - 20.004) < 1e-9


def test_counters_start_at_zero_and_count_per_label_set() -> None:
    metrics = GatewayMetrics()
    metrics.request_done("Top", "ok", 0.01)
    metrics.request_done("Top", "graphql_errors", 0.01)
    metrics.request_done("Top", "ok", 0.02)
    metrics.limit_rejected("MAX_DEPTH_EXCEEDED")
    metrics.fetch_failed("reviews", "graphql")

    scrape = _scrape(metrics)
    assert scrape.value("gateway_requests_total", operation="Top", outcome="ok") == 2
    assert scrape.value("gateway_requests_total", operation="Top", outcome="graphql_errors") == 1
    assert scrape.value("gateway_request_duration_seconds_count", operation="Top") == 3
    assert scrape.value("gateway_limit_rejections_total", code="MAX_DEPTH_EXCEEDED") == 1
    assert (
        scrape.value("gateway_subgraph_fetch_errors_total", subgraph="reviews", kind="graphql") == 1
    )
    assert scrape.value("gateway_query_plan_cache_total", result="hit") == 0
    assert "gateway_rate_limited_requests_total 0.0" in scrape.text
