"""Request ids, trace context and HTTP metrics for a service app, as pure ASGI middleware."""

from __future__ import annotations

import re
import time
import uuid

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraphs.kit.logs import request_id_var, trace_id_var
from subgraphs.kit.tracing import (
    new_traceparent,
    outgoing_traceparent_var,
    parse_traceparent,
    remote_parent,
    traceparent_of,
)

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Probes and scrapes every few seconds would bury the traces worth reading.
_UNTRACED_PATHS = frozenset(("/health", "/ready", "/metrics"))


class HTTPMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests served.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency.",
            ["method", "route"],
            registry=registry,
        )


class RequestContextMiddleware:
    """Gives every request an id (the caller's, if sane), continues its trace, times it.

    With a tracer (see kit/tracing.py) each request is a server span, child of the
    caller's span named in `traceparent`.
    """

    def __init__(
        self, app: ASGIApp, metrics: HTTPMetrics, tracer: trace.Tracer | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        incoming = headers.get(b"traceparent", b"").decode("latin-1")
        parent = parse_traceparent(incoming)
        span: trace.Span | None = None
        if self.tracer is not None and scope["path"] not in _UNTRACED_PATHS:
            span = self.tracer.start_span(
                f"{scope['method']} {scope['path']}",
                context=trace.set_span_in_context(remote_parent(*parent)) if parent else None,
                kind=SpanKind.SERVER,
            )
            traceparent = traceparent_of(span)
        else:
            traceparent = incoming.strip() if parent else new_traceparent()
        request_token = request_id_var.set(request_id)
        trace_token = trace_id_var.set(traceparent[3:35])
        outgoing_token = outgoing_traceparent_var.set(traceparent)
        span_token = otel_context.attach(trace.set_span_in_context(span)) if span else None
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            route_name = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], route_name, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route_name).observe(
                time.perf_counter() - started
            )
            if span is not None:
                assert span_token is not None
                otel_context.detach(span_token)
                span.set_attribute("http.route", route_name)
                span.set_attribute("http.response.status_code", status)
                span.set_attribute("shopgraph.request_id", request_id)
                if status >= 500:
                    span.set_status(StatusCode.ERROR)
                span.end()
            outgoing_traceparent_var.reset(outgoing_token)
            request_id_var.reset(request_token)
            trace_id_var.reset(trace_token)
