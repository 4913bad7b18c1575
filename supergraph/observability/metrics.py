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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import orjson
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


def _cumulative(counts: list[int]) -> list[tuple[str, float]]:
    buckets: list[tuple[str, float]] = []
    running = 0
    for bound, count in zip((*LATENCY_BUCKETS, float("inf")), counts, strict=True):
        running += count
        buckets.append(("+Inf" if bound == float("inf") else repr(bound), running))
    return buckets


Histogram = tuple[list[int], float]  # counts per bucket (not cumulative), sum
Key = TypeVar("Key")


@dataclass
class Totals:
    """Every series' current value as plain data: what one worker shares with the
    others (see worker_metrics.py) and what a scrape turns into metric families.

    Every series is a counter or a histogram, so the totals of several workers
    are their sum.
    """

    requests: dict[tuple[str, str], int] = field(default_factory=dict)
    latency: dict[str, Histogram] = field(default_factory=dict)
    fetch_latency: dict[str, Histogram] = field(default_factory=dict)
    fetch_errors: dict[tuple[str, str], int] = field(default_factory=dict)
    plan_cache: dict[str, int] = field(default_factory=lambda: {"hit": 0, "miss": 0})
    limit_rejections: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0

    def add(self, other: Totals) -> None:
        _add_counts(self.requests, other.requests)
        _add_counts(self.fetch_errors, other.fetch_errors)
        _add_counts(self.plan_cache, other.plan_cache)
        _add_counts(self.limit_rejections, other.limit_rejections)
        _add_histograms(self.latency, other.latency)
        _add_histograms(self.fetch_latency, other.fetch_latency)
        self.rate_limited += other.rate_limited

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "requests": [[*key, value] for key, value in self.requests.items()],
                "latency": [[key, *value] for key, value in self.latency.items()],
                "fetch_latency": [[key, *value] for key, value in self.fetch_latency.items()],
                "fetch_errors": [[*key, value] for key, value in self.fetch_errors.items()],
                "plan_cache": self.plan_cache,
                "limit_rejections": self.limit_rejections,
                "rate_limited": self.rate_limited,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> Totals:
        """Totals written by `to_json`; ValueError (or a KeyError, TypeError) otherwise."""
        raw = orjson.loads(data)
        return cls(
            requests={(op, outcome): int(n) for op, outcome, n in raw["requests"]},
            latency={
                key: (_bucket_counts(counts), float(total)) for key, counts, total in raw["latency"]
            },
            fetch_latency={
                key: (_bucket_counts(counts), float(total))
                for key, counts, total in raw["fetch_latency"]
            },
            fetch_errors={(sg, kind): int(n) for sg, kind, n in raw["fetch_errors"]},
            plan_cache={
                "hit": int(raw["plan_cache"]["hit"]),
                "miss": int(raw["plan_cache"]["miss"]),
            },
            limit_rejections={str(k): int(v) for k, v in raw["limit_rejections"].items()},
            rate_limited=int(raw["rate_limited"]),
        )


def _add_counts(mine: dict[Key, int], theirs: dict[Key, int]) -> None:
    for key, value in theirs.items():
        mine[key] = mine.get(key, 0) + value


def _add_histograms(mine: dict[str, Histogram], theirs: dict[str, Histogram]) -> None:
    for key, (counts, total) in theirs.items():
        own = mine.get(key)
        if own is None:
            mine[key] = (list(counts), total)
        else:
            mine[key] = ([a + b for a, b in zip(own[0], counts, strict=True)], own[1] + total)


def _bucket_counts(counts: list[int]) -> list[int]:
    if len(counts) != len(LATENCY_BUCKETS) + 1:
        raise ValueError("histogram with other buckets")
    return [int(count) for count in counts]


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
        # The totals of this gateway's other workers, added at scrape time (none
        # when it runs as one process; see worker_metrics.py).
        self.peers: Callable[[], Iterable[Totals]] = tuple
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

    def own_totals(self) -> Totals:
        """This process's values, copied (the live series go on changing)."""
        return Totals(
            requests={key: count.value for key, count in list(self._requests.items())},
            latency={key: _histogram_of(d) for key, d in list(self._latency.items())},
            fetch_latency={key: _histogram_of(d) for key, d in list(self._fetch_latency.items())},
            fetch_errors={key: count.value for key, count in list(self._fetch_errors.items())},
            plan_cache={"hit": self.plan_cache_hit.value, "miss": self.plan_cache_miss.value},
            limit_rejections={
                key: count.value for key, count in list(self._limit_rejections.items())
            },
            rate_limited=self.rate_limited.value,
        )

    def totals(self) -> Totals:
        """What a scrape shows: this process's values plus its peers'."""
        totals = self.own_totals()
        for peer in self.peers():
            totals.add(peer)
        return totals


def _histogram_of(distribution: Distribution) -> Histogram:
    return list(distribution.counts), distribution.total


class _Exposition(Collector):
    """The numbers above as Prometheus metric families, built per scrape."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._metrics = metrics

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        totals = self._metrics.totals()
        requests = CounterMetricFamily(
            "gateway_requests",
            "GraphQL requests by operation name and outcome.",
            labels=["operation", "outcome"],
        )
        for (operation, outcome), count in totals.requests.items():
            requests.add_metric([operation, outcome], count)
        yield requests
        yield _histogram(
            "gateway_request_duration_seconds",
            "GraphQL request latency at the gateway, by operation name.",
            "operation",
            totals.latency,
        )
        yield _histogram(
            "gateway_subgraph_fetch_duration_seconds",
            "Latency of the gateway's requests to each subgraph.",
            "subgraph",
            totals.fetch_latency,
        )
        errors = CounterMetricFamily(
            "gateway_subgraph_fetch_errors",
            "Subgraph requests that failed (kind=http: no usable answer; "
            "kind=graphql: errors in the answer, one per error).",
            labels=["subgraph", "kind"],
        )
        for (subgraph, kind), count in totals.fetch_errors.items():
            errors.add_metric([subgraph, kind], count)
        yield errors
        plan_cache = CounterMetricFamily(
            "gateway_query_plan_cache", "Query plan cache lookups by result.", labels=["result"]
        )
        plan_cache.add_metric(["hit"], totals.plan_cache["hit"])
        plan_cache.add_metric(["miss"], totals.plan_cache["miss"])
        yield plan_cache
        limits = CounterMetricFamily(
            "gateway_limit_rejections",
            "Operations refused by an operation limit, by error code.",
            labels=["code"],
        )
        for code, count in totals.limit_rejections.items():
            limits.add_metric([code], count)
        yield limits
        yield CounterMetricFamily(
            "gateway_rate_limited_requests",
            "Requests refused by the rate limiter (HTTP 429).",
            value=totals.rate_limited,
        )


def _histogram(
    name: str, documentation: str, label: str, series: dict[str, Histogram]
) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=[label])
    for value, (counts, total) in series.items():
        family.add_metric([value], _cumulative(counts), sum_value=total)
    return family
