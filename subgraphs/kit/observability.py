"""Request ids and HTTP metrics for a service app, as pure ASGI middleware."""

from __future__ import annotations

import re
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraphs.kit.logs import request_id_var, trace_id_var

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


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
    """Gives every request an id (the caller's, if sane), logs it, times it."""

    def __init__(self, app: ASGIApp, metrics: HTTPMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        traceparent = _TRACEPARENT.match(headers.get(b"traceparent", b"").decode("latin-1"))
        request_token = request_id_var.set(request_id)
        trace_token = trace_id_var.set(traceparent.group(1) if traceparent else None)
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
            request_id_var.reset(request_token)
            trace_id_var.reset(trace_token)
