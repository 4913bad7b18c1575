"""OpenTelemetry spans for the gateway, exported over OTLP/HTTP when configured.

Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and `OTEL_SDK_DISABLED` is not
`true`; the exporter reads the other standard `OTEL_EXPORTER_OTLP_*` variables
(headers, timeout, compression) and the batch processor `OTEL_BSP_*`. Off, the
gateway creates no spans at all: the SDK's work per span would be paid on every
request for nothing, while trace ids still flow without it (see middleware.py).
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from supergraph.observability.trace_context import TraceParent

_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def tracing_configured() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(os.environ.get(name) for name in _ENDPOINT_VARIABLES)


def tracer_provider(service_name: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """A provider batching spans to `exporter` (by default OTLP/HTTP from the environment).

    `OTEL_SERVICE_NAME` overrides `service_name`.
    """
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def tracer_from_environment(service_name: str = "gateway") -> trace.Tracer | None:
    """The gateway's tracer when tracing is configured, else None."""
    if not tracing_configured():
        return None
    return tracer_provider(service_name).get_tracer("supergraph")


def remote_parent(parent: TraceParent) -> trace.Span:
    """The caller's span, as a parent for ours."""
    return NonRecordingSpan(
        SpanContext(
            int(parent.trace_id, 16),
            int(parent.span_id, 16),
            is_remote=True,
            trace_flags=TraceFlags(int(parent.flags, 16)),
        )
    )


def traceparent_of(span: trace.Span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"
