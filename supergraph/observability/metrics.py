"""The gateway's Prometheus metrics, with label children bound once and reused.

Every request pays for what is counted here, so a request looks up children it
has seen before in a dict instead of asking the client library to resolve labels
(which builds tuples and takes a lock per call). Operation names are chosen by
clients: the first `max_operation_names` distinct names get a label of their
own, later ones (and absurdly long ones) share `OTHER_OPERATION`, so that no
client can grow the number of time series without bound.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

# Requests that never reached an operation (refused at the edge, unparsable...).
NO_OPERATION = "(none)"
ANONYMOUS_OPERATION = "(anonymous)"
OTHER_OPERATION = "(other)"
MAX_OPERATION_NAME_LENGTH = 100

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


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


class GatewayMetrics:
    """All of the gateway's metrics, in a registry of their own."""

    def __init__(self, *, max_operation_names: int = 100) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.operation_label = OperationLabels(max_operation_names)
        self._requests = Counter(
            "gateway_requests",
            "GraphQL requests by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "gateway_request_duration_seconds",
            "GraphQL request latency at the gateway, by operation name.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._fetch_latency = Histogram(
            "gateway_subgraph_fetch_duration_seconds",
            "Latency of the gateway's requests to each subgraph.",
            ["subgraph"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._fetch_errors = Counter(
            "gateway_subgraph_fetch_errors",
            "Subgraph requests that failed (kind=http: no usable answer; "
            "kind=graphql: the answer carried errors).",
            ["subgraph", "kind"],
            registry=self.registry,
        )
        plan_cache = Counter(
            "gateway_query_plan_cache",
            "Query plan cache lookups by result.",
            ["result"],
            registry=self.registry,
        )
        self.plan_cache_hit = plan_cache.labels("hit")
        self.plan_cache_miss = plan_cache.labels("miss")
        self._limit_rejections = Counter(
            "gateway_limit_rejections",
            "Operations refused by an operation limit, by error code.",
            ["code"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "gateway_rate_limited_requests",
            "Requests refused by the rate limiter (HTTP 429).",
            registry=self.registry,
        )
        self._request_children: dict[tuple[str | None, str], tuple[Any, Any]] = {}
        self._fetch_children: dict[str, Any] = {}

    def request_done(self, operation: str | None, outcome: str, seconds: float) -> None:
        children = self._request_children.get((operation, outcome))
        if children is None:
            label = self.operation_label(operation)
            children = (self._requests.labels(label, outcome), self._latency.labels(label))
            if label != OTHER_OPERATION:
                self._request_children[(operation, outcome)] = children
        children[0].inc()
        children[1].observe(seconds)

    def fetch_done(self, subgraph: str, seconds: float) -> None:
        child = self._fetch_children.get(subgraph)
        if child is None:
            child = self._fetch_children[subgraph] = self._fetch_latency.labels(subgraph)
        child.observe(seconds)

    def fetch_failed(self, subgraph: str, kind: str) -> None:
        self._fetch_errors.labels(subgraph, kind).inc()

    def limit_rejected(self, code: str) -> None:
        self._limit_rejections.labels(code).inc()
