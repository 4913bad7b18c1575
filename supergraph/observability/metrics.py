"""The gateway's Prometheus metrics, kept as plain numbers and exposed at scrape time.

Every request pays for what is counted here. prometheus_client's own Counter and
Histogram take a lock and resolve labels on every call (a few microseconds each,
and a request counts a dozen things); the gateway serves from one event-loop
thread, so it keeps plain integers per label set, found in a dict, and turns
them into metric families only when /metrics is scraped.

Operation names are chosen by clients: the first `max_operation_names` distinct
names get a label of their own, later ones (and absurdly long ones) share
`OTHER_OPERATION`, so that no client can grow the number of time series without
bound.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

# Requests that never reached an operation (refused at the edge, unparsable...).
NO_OPERATION = "(none)"
ANONYMOUS_OPERATION = "(anonymous)"
OTHER_OPERATION = "(other)"
MAX_OPERATION_NAME_LENGTH = 100

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class OperationLabels:
    """Operation name -> label value, bounded (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._labels: dict[str | None, str] = {None: NO_OPERATION, "": ANONYMOUS_OPERATION}

    def __call__(self, name: str | None) -> str:
        label = self._labels.get(name)
        if label is not None:
            return label
        if len(self._labels) - 2 >= self._limit or len(name or "") > MAX_OPERATION_NAME_LENGTH:
            return OTHER_OPERATION
        assert name is not None
        self._labels[name] = name
        return name


class Count:
    """One counter time series."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def inc(self) -> None:
        self.value += 1


class Distribution:
    """One histogram time series: counts per bucket (not cumulative) and the sum."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.total += seconds

    def cumulative(self) -> list[tuple[str, float]]:
        buckets: list[tuple[str, float]] = []
        running = 0
        for bound, count in zip((*LATENCY_BUCKETS, float("inf")), self.counts, strict=True):
            running += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), running))
        return buckets


class GatewayMetrics:
    """All of the gateway's metrics, in a registry of their own."""

    def __init__(self, *, max_operation_names: int = 100) -> None:
        self.operation_label = OperationLabels(max_operation_names)
        self._requests: dict[tuple[str, str], Count] = {}
        self._latency: dict[str, Distribution] = {}
        # Keyed by raw operation name and outcome, so that a known request finds
        # both of its series with one lookup.
        self._request_series: dict[tuple[str | None, str], tuple[Count, Distribution]] = {}
        self._fetch_latency: dict[str, Distribution] = {}
        self._fetch_errors: dict[tuple[str, str], Count] = {}
        self.plan_cache_hit = Count()
        self.plan_cache_miss = Count()
        self._limit_rejections: dict[str, Count] = {}
        self.rate_limited = Count()
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(_Exposition(self))

    def request_done(self, operation: str | None, outcome: str, seconds: float) -> None:
        series = self._request_series.get((operation, outcome))
        if series is None:
            label = self.operation_label(operation)
            count = self._requests.setdefault((label, outcome), Count())
            distribution = self._latency.setdefault(label, Distribution())
            series = (count, distribution)
            if label != OTHER_OPERATION:
                self._request_series[(operation, outcome)] = series
        series[0].value += 1
        series[1].observe(seconds)

    def fetch_done(self, subgraph: str, seconds: float) -> None:
        distribution = self._fetch_latency.get(subgraph)
        if distribution is None:
            distribution = self._fetch_latency[subgraph] = Distribution()
        distribution.observe(seconds)

    def fetch_failed(self, subgraph: str, kind: str) -> None:
        self._fetch_errors.setdefault((subgraph, kind), Count()).inc()

    def limit_rejected(self, code: str) -> None:
        self._limit_rejections.setdefault(code, Count()).inc()


class _Exposition(Collector):
    """The numbers above as Prometheus metric families, built per scrape."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._metrics = metrics

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        m = self._metrics
        requests = CounterMetricFamily(
            "gateway_requests",
            "GraphQL requests by operation name and outcome.",
            labels=["operation", "outcome"],
        )
        for (operation, outcome), count in list(m._requests.items()):
            requests.add_metric([operation, outcome], count.value)
        yield requests
        yield _histogram(
            "gateway_request_duration_seconds",
            "GraphQL request latency at the gateway, by operation name.",
            "operation",
            m._latency,
        )
        yield _histogram(
            "gateway_subgraph_fetch_duration_seconds",
            "Latency of the gateway's requests to each subgraph.",
            "subgraph",
            m._fetch_latency,
        )
        errors = CounterMetricFamily(
            "gateway_subgraph_fetch_errors",
            "Subgraph requests that failed (kind=http: no usable answer; "
            "kind=graphql: errors in the answer, one per error).",
            labels=["subgraph", "kind"],
        )
        for (subgraph, kind), count in list(m._fetch_errors.items()):
            errors.add_metric([subgraph, kind], count.value)
        yield errors
        plan_cache = CounterMetricFamily(
            "gateway_query_plan_cache", "Query plan cache lookups by result.", labels=["result"]
        )
        plan_cache.add_metric(["hit"], m.plan_cache_hit.value)
        plan_cache.add_metric(["miss"], m.plan_cache_miss.value)
        yield plan_cache
        limits = CounterMetricFamily(
            "gateway_limit_rejections",
            "Operations refused by an operation limit, by error code.",
            labels=["code"],
        )
        for code, count in list(m._limit_rejections.items()):
            limits.add_metric([code], count.value)
        yield limits
        yield CounterMetricFamily(
            "gateway_rate_limited_requests",
            "Requests refused by the rate limiter (HTTP 429).",
            value=m.rate_limited.value,
        )


def _histogram(
    name: str, documentation: str, label: str, series: dict[str, Distribution]
) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=[label])
    for value, distribution in list(series.items()):
        family.add_metric([value], distribution.cumulative(), sum_value=distribution.total)
    return family
