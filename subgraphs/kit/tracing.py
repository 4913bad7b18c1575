"""W3C trace context in a service: continue the caller's trace, pass it on, export spans.

Each request continues the trace named by its `traceparent` (the gateway's fetch
span, or another service's call span), or starts one. When
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set
and `OTEL_SDK_DISABLED` is not `true`, the service records a server span per
request and a client span per call to another service, exported over OTLP/HTTP
(service name: `OTEL_SERVICE_NAME`, else the service's own). Otherwise no span
is made, and the trace context goes on as it came, so logs still correlate.
"""

from __future__ import annotations

import contextvars
import os
import random
import re

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")

# What to send on as `traceparent` when no span of ours is recording.
outgoing_traceparent_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "outgoing_traceparent", default=None
)

_tracers: dict[str, trace.Tracer | None] = {}
_active: trace.Tracer | None = None


def parse_traceparent(value: str) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) of a valid `traceparent`, else None."""
    match = _TRACEPARENT.fullmatch(value.strip())
    if match is None:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    return trace_id, span_id, flags


def new_traceparent() -> str:
    return f"00-{random.getrandbits(128) or 1:032x}-{random.getrandbits(64) or 1:016x}-01"


def traceparent_of(span: trace.Span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def remote_parent(trace_id: str, span_id: str, flags: str) -> trace.Span:
    return NonRecordingSpan(
        SpanContext(
            int(trace_id, 16),
            int(span_id, 16),
            is_remote=True,
            trace_flags=TraceFlags(int(flags, 16)),
        )
    )


def tracing_configured() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(os.environ.get(name) for name in _ENDPOINT_VARIABLES)


def service_tracer(service_name: str) -> trace.Tracer | None:
    """This process's tracer for `service_name` (one provider per name), or None when off.

    The last one made is also the one service-to-service calls use (`active_tracer`).
    """
    global _active
    if service_name not in _tracers:
        _tracers[service_name] = _build(service_name) if tracing_configured() else None
    _active = _tracers[service_name]
    return _active


def active_tracer() -> trace.Tracer | None:
    return _active


def _build(service_name: str) -> trace.Tracer:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider.get_tracer("shopgraph")
