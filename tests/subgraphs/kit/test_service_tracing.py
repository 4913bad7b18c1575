"""A service continues the caller's trace: ids in its context, a server span when tracing."""

from __future__ import annotations

from pathlib import Path

import strawberry
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry

from subgraphs.kit.app import create_service_app
from subgraphs.kit.graphql_errors import ServiceSchema
from subgraphs.kit.logs import trace_id_var
from subgraphs.kit.observability import HTTPMetrics, RequestContextMiddleware
from subgraphs.kit.settings import ServiceSettings, service_config
from subgraphs.kit.tracing import outgoing_traceparent_var, parse_traceparent
from tests.support.graphql import app_client, execute

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE}-{CALLER_SPAN}-01"


class TracedSettings(ServiceSettings):
    model_config = service_config("TRACED")
    service_name: str = "traced"


@strawberry.type
class Query:
    @strawberry.field
    def trace_id(self) -> str | None:
        return trace_id_var.get()

    @strawberry.field
    def passed_on(self) -> str | None:
        """What a call to another service would carry as `traceparent`."""
        return outgoing_traceparent_var.get()


def traced_app(tmp_path: Path) -> FastAPI:
    settings = TracedSettings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'traced.sqlite3'}",
    )
    return create_service_app(settings=settings, schema=ServiceSchema(query=Query))


async def test_the_callers_trace_is_continued_and_passed_on(tmp_path: Path) -> None:
    async with app_client(traced_app(tmp_path)) as client:
        result = await execute(client, "{ traceId passedOn }", headers={"traceparent": TRACEPARENT})

    assert result.ok() == {"traceId": TRACE, "passedOn": TRACEPARENT}


async def test_a_request_without_trace_context_starts_a_trace(tmp_path: Path) -> None:
    async with app_client(traced_app(tmp_path)) as client:
        first = (await execute(client, "{ traceId passedOn }")).ok()
        second = (
            await execute(client, "{ traceId passedOn }", headers={"traceparent": "junk"})
        ).ok()

    for data in (first, second):
        parsed = parse_traceparent(data["passedOn"])
        assert parsed is not None
        assert parsed[0] == data["traceId"]
    assert first["traceId"] != second["traceId"]


async def test_with_a_tracer_each_request_is_a_server_span_under_the_callers_span() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    seen: dict[str, str | None] = {}
    app = FastAPI()

    @app.get("/thing")
    async def thing() -> dict[str, str]:
        seen["trace_id"] = trace_id_var.get()
        seen["passed_on"] = outgoing_traceparent_var.get()
        return {"ok": "yes"}

    app.add_middleware(
        RequestContextMiddleware,
        metrics=HTTPMetrics(CollectorRegistry()),
        tracer=provider.get_tracer("test"),
    )
    async with app_client(app) as client:
        response = await client.get("/thing", headers={"traceparent": TRACEPARENT})

    assert response.status_code == 200
    [span] = exporter.get_finished_spans()
    assert span.kind == SpanKind.SERVER
    assert span.context is not None
    assert span.parent is not None
    assert f"{span.context.trace_id:032x}" == TRACE
    assert f"{span.parent.span_id:016x}" == CALLER_SPAN
    assert seen["trace_id"] == TRACE
    # Calls to other services go on from this service's span, not the caller's.
    assert seen["passed_on"] == f"00-{TRACE}-{span.context.span_id:016x}-01"
