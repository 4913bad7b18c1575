"""The request in flight, as the pipeline and the subgraph transport see it.

The middleware puts a `RequestRecord` in a context variable; code deeper in the
router reports to it through the functions here, which do nothing when no record
is set (the pipeline run by a command or a test without the middleware).
Context variables follow the request into the tasks that fetch in parallel.
"""

from __future__ import annotations

import contextlib
import contextvars
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace

from supergraph.observability.metrics import GatewayMetrics

# Outcomes of a GraphQL request, the `outcome` label of gateway_requests_total.
OK = "ok"
GRAPHQL_ERRORS = "graphql_errors"  # executed; the response carries errors (partial data)
PARSE_FAILED = "parse_failed"
VALIDATION_FAILED = "validation_failed"
LIMIT_REJECTED = "limit_rejected"  # depth, aliases, tokens, cost... (see edge/limits.py)
BAD_REQUEST = "bad_request"
PLAN_FAILED = "plan_failed"
UNAUTHENTICATED = "unauthenticated"
RATE_LIMITED = "rate_limited"
BODY_TOO_LARGE = "body_too_large"
NOT_EXECUTED = "not_executed"  # answered at the edge without an error status (an APQ miss)
INTERNAL_ERROR = "internal_error"


@dataclass(slots=True)
class RequestRecord:
    request_id: str
    trace_id: str
    metrics: GatewayMetrics
    tracer: trace.Tracer | None
    operation: str | None = None  # "" for an anonymous operation
    outcome: str | None = None
    plan_cache_hit: bool | None = None


current_request: contextvars.ContextVar[RequestRecord | None] = contextvars.ContextVar(
    "supergraph_current_request", default=None
)

_NO_SPAN: AbstractContextManager[Any] = contextlib.nullcontext()


def span(name: str) -> AbstractContextManager[Any]:
    """A child span of the current one while tracing, else a shared no-op."""
    record = current_request.get()
    if record is None or record.tracer is None:
        return _NO_SPAN
    return record.tracer.start_as_current_span(name)


def operation_resolved(name: str | None) -> None:
    record = current_request.get()
    if record is not None:
        record.operation = name or ""


def outcome(kind: str) -> None:
    record = current_request.get()
    if record is not None:
        record.outcome = kind


def refused_by_limits(errors: list[dict[str, Any]]) -> None:
    record = current_request.get()
    if record is None:
        return
    record.outcome = LIMIT_REJECTED
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        record.metrics.limit_rejected(code if isinstance(code, str) else "UNKNOWN")


def plan_cache(hit: bool) -> None:
    record = current_request.get()
    if record is None:
        return
    record.plan_cache_hit = hit
    (record.metrics.plan_cache_hit if hit else record.metrics.plan_cache_miss).inc()


def executed(body: dict[str, Any]) -> None:
    """The response of an executed operation; counts subgraph errors it carries."""
    record = current_request.get()
    if record is None:
        return
    errors = body.get("errors")
    if not errors:
        record.outcome = OK
        return
    record.outcome = GRAPHQL_ERRORS
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if not isinstance(extensions, dict):
            continue
        service = extensions.get("serviceName")
        # Transport failures are counted where they happen (kind=http).
        if isinstance(service, str) and extensions.get("code") != "SUBREQUEST_HTTP_ERROR":
            record.metrics.fetch_failed(service, "graphql")
