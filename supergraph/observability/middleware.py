"""The gateway's observability as the outermost ASGI middleware.

For each request (to GraphQL, or to a mounted app such as the REST layer, whose
in-process GraphQL calls then report to that same request) it settles a request
id (the caller's when sane) and a trace context (the caller's `traceparent` or a
new trace), puts both in the headers the router forwards to subgraphs, returns
them to the caller (`x-request-id`, and `traceresponse` as W3C Trace Context
Level 2 names it), opens the request span when tracing, and at the end counts
the request by operation name and outcome. It also answers `GET /metrics`
(Prometheus text). Probes and GraphiQL's static files pass untouched.

Being outermost, it sees refusals of every edge layer: their status tells the
outcome when the request never reached the pipeline (401, 413, 429).
"""

from __future__ import annotations

import os
import re
import time

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send
from supergraph.observability import recording
from supergraph.observability.logs import (
    configure_json_logging_from_environment,
    install_log_context,
)
from supergraph.observability.metrics import GatewayMetrics
from supergraph.observability.recording import RequestRecord, current_request
from supergraph.observability.trace_context import new_span_id, new_trace_id, parse_traceparent
from supergraph.observability.tracing import (
    remote_parent,
    traceparent_of,
    tracer_from_environment,
)
from supergraph.observability.worker_metrics import (
    SharedWorkerMetrics,
    shared_worker_metrics_from_environment,
)
from supergraph.server.graphiql import GraphiQL

_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_GRAPHQL_PATHS = frozenset(("/graphql", "/graphql/"))
# Probes and static files: counting or tracing them would only add noise.
_UNOBSERVED_PATHS = frozenset(("/health", "/ready", "/favicon.ico"))
_REPLACED_HEADERS = frozenset((b"x-request-id", b"traceparent"))
_OUTCOME_BY_STATUS = {
    401: recording.UNAUTHENTICATED,
    413: recording.BODY_TOO_LARGE,
    429: recording.RATE_LIMITED,
}


class ObservedGateway:
    def __init__(
        self,
        app: ASGIApp,
        metrics: GatewayMetrics | None = None,
        tracer: trace.Tracer | None = None,
        *,
        metrics_path: str = "/metrics",
        shared: SharedWorkerMetrics | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics or GatewayMetrics()
        self.shared = shared
        self.tracer = tracer
        self.metrics_path = metrics_path
        install_log_context()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == self.metrics_path and scope["method"] in ("GET", "HEAD"):
            await self._send_metrics(send)
        elif path in _UNOBSERVED_PATHS or path.startswith(GraphiQL.ASSET_PREFIX):
            await self.app(scope, receive, send)
        else:
            await self._observed(scope, receive, send)

    async def _observed(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        given_id = given_parent = None
        kept: list[tuple[bytes, bytes]] = []
        for name, value in scope["headers"]:
            if name in _REPLACED_HEADERS:
                if name == b"x-request-id":
                    given_id = value
                else:
                    given_parent = value
            else:
                kept.append((name, value))
        parent = parse_traceparent(given_parent)
        span = None
        if self.tracer is not None:
            path = scope["path"]
            span = self.tracer.start_span(
                # A span name must not hold ids: other paths are named by method only.
                f"{scope['method']} /graphql" if path in _GRAPHQL_PATHS else scope["method"],
                context=trace.set_span_in_context(remote_parent(parent)) if parent else None,
                kind=SpanKind.SERVER,
                attributes={"url.path": path},
            )
            traceparent = traceparent_of(span)
            trace_id = traceparent[3:35]
        elif parent is not None:
            # Not tracing: pass the caller's context on untouched, as W3C asks of
            # an intermediary that records nothing.
            trace_id = parent.trace_id
            traceparent = parent.header()
        else:
            trace_id = new_trace_id()
            traceparent = f"00-{trace_id}-{new_span_id()}-01"
        if given_id is not None and _SANE_REQUEST_ID.fullmatch(given_id):
            request_id = given_id.decode("ascii")
        else:
            # The trace id is already random and unique: reuse it rather than pay for a uuid.
            request_id = trace_id
        request_id_bytes = request_id.encode("ascii")
        traceparent_bytes = traceparent.encode("ascii")
        kept.append((b"x-request-id", request_id_bytes))
        kept.append((b"traceparent", traceparent_bytes))
        scope = {**scope, "headers": kept}
        record = RequestRecord(request_id, trace_id, self.metrics, self.tracer)
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                # An inner layer (error masking) may have set the same id already.
                if not any(name == b"x-request-id" for name, _ in headers):
                    headers.append((b"x-request-id", request_id_bytes))
                headers.append((b"traceresponse", traceparent_bytes))
                message["headers"] = headers
            await send(message)

        record_token = current_request.set(record)
        span_token = otel_context.attach(trace.set_span_in_context(span)) if span else None
        try:
            await self.app(scope, receive, send_observed)
        finally:
            if span_token is not None:
                otel_context.detach(span_token)
            current_request.reset(record_token)
            outcome = record.outcome or _outcome_of_status(status)
            self.metrics.request_done(record.operation, outcome, time.perf_counter() - started)
            if status == 429:
                self.metrics.rate_limited.inc()
            if self.shared is not None:
                self.shared.counted()
            if span is not None:
                _finish_span(span, record, outcome, status)

    async def _send_metrics(self, send: Send) -> None:
        body = generate_latest(self.metrics.registry) + generate_latest(REGISTRY)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", CONTENT_TYPE_LATEST.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _outcome_of_status(status: int) -> str:
    known = _OUTCOME_BY_STATUS.get(status)
    if known is not None:
        return known
    if status >= 500:
        return recording.INTERNAL_ERROR
    if status >= 400:
        return recording.BAD_REQUEST
    return recording.NOT_EXECUTED


def _finish_span(span: trace.Span, record: RequestRecord, outcome: str, status: int) -> None:
    if record.operation is not None:
        span.set_attribute("graphql.operation.name", record.operation)
    if record.plan_cache_hit is not None:
        span.set_attribute("supergraph.plan_cache_hit", record.plan_cache_hit)
    span.set_attribute("supergraph.outcome", outcome)
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("supergraph.request_id", record.request_id)
    if status >= 500:
        span.set_status(StatusCode.ERROR)
    span.end()


def observe_gateway(app: ASGIApp) -> ObservedGateway:
    """`app` observed as the environment configures it.

    Tracing: the `OTEL_*` variables (see tracing.py). Metrics: at most
    `SUPERGRAPH_METRICS_MAX_OPERATION_NAMES` (100) operation names get a label of
    their own; with several workers, SUPERGRAPH_METRICS_DIR (set by `serve`) sums
    them (see worker_metrics.py). Logs: JSON lines when `SUPERGRAPH_LOG_FORMAT=json` (see logs.py).
    """
    configure_json_logging_from_environment()
    limit = int(os.environ.get("SUPERGRAPH_METRICS_MAX_OPERATION_NAMES", "100"))
    metrics = GatewayMetrics(max_operation_names=limit)
    return ObservedGateway(
        app,
        metrics,
        tracer_from_environment("gateway"),
        shared=shared_worker_metrics_from_environment(metrics),
    )
