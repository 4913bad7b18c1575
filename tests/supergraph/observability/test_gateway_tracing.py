"""Trace context through the gateway: ids always, spans when tracing is on."""

from __future__ import annotations

import logging

import httpx
import pytest
from observed_subgraphs import SUPERGRAPH, TOP_PRODUCTS, HeaderRecorder
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from supergraph.observability.metrics import GatewayMetrics
from supergraph.observability.middleware import ObservedGateway
from supergraph.observability.trace_context import parse_traceparent
from supergraph.observability.tracing import tracer_from_environment
from supergraph.server.app import create_gateway_app
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client, execute

pytestmark = pytest.mark.asyncio(loop_scope="session")

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"
CLIENT_TRACEPARENT = f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"
FETCHED = ("products", "reviews", "accounts")


async def test_client_trace_context_reaches_every_subgraph_untouched_when_not_tracing(
    gateway: httpx.AsyncClient, recorder: HeaderRecorder
) -> None:
    response = await gateway.post(
        "/graphql",
        json={"query": TOP_PRODUCTS},
        headers={"traceparent": CLIENT_TRACEPARENT, "x-request-id": "order-page-17"},
    )

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "order-page-17"
    assert response.headers["traceresponse"] == CLIENT_TRACEPARENT
    for subgraph in FETCHED:
        [headers] = recorder.headers_for(subgraph)
        assert headers["traceparent"] == CLIENT_TRACEPARENT, subgraph
        assert headers["x-request-id"] == "order-page-17", subgraph


async def test_gateway_starts_a_trace_and_a_request_id_when_the_client_sends_none(
    gateway: httpx.AsyncClient, recorder: HeaderRecorder
) -> None:
    first = await gateway.post("/graphql", json={"query": TOP_PRODUCTS})
    second = await gateway.post(
        "/graphql", json={"query": TOP_PRODUCTS}, headers={"x-request-id": "bad id; drop"}
    )

    started = [parse_traceparent(r.headers["traceresponse"].encode()) for r in (first, second)]
    assert started[0] is not None
    assert started[1] is not None
    assert started[0].trace_id != started[1].trace_id
    for index, response in enumerate((first, second)):
        trace = started[index]
        assert trace is not None
        # An insane caller id is replaced; the gateway's own id is the trace id.
        assert response.headers["x-request-id"] == trace.trace_id
        for subgraph in FETCHED:
            headers = recorder.headers_for(subgraph)[index]
            assert headers["x-request-id"] == trace.trace_id
            assert headers["traceparent"] == trace.header()


async def test_invalid_traceparent_from_the_client_starts_a_new_trace(
    gateway: httpx.AsyncClient, recorder: HeaderRecorder
) -> None:
    invalid = f"00-{'0' * 32}-{CLIENT_SPAN}-01"
    response = await gateway.post(
        "/graphql", json={"query": TOP_PRODUCTS}, headers={"traceparent": invalid}
    )

    started = parse_traceparent(response.headers["traceresponse"].encode())
    assert started is not None
    assert recorder.headers_for("products")[0]["traceparent"] == started.header()


def _tracing_gateway(recorder: HeaderRecorder) -> tuple[ObservedGateway, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    router = create_gateway_app(SUPERGRAPH, GatewaySettings(subgraph_urls=recorder.urls()))
    observed = ObservedGateway(router, GatewayMetrics(), provider.get_tracer("test"))  # type: ignore[arg-type]
    return observed, exporter


def _by_name(spans: tuple[ReadableSpan, ...]) -> dict[str, ReadableSpan]:
    return {span.name: span for span in spans}


async def test_spans_for_parse_validate_plan_and_each_fetch_under_the_request_span(
    recorder: HeaderRecorder,
) -> None:
    observed, exporter = _tracing_gateway(recorder)
    async with app_client(observed) as client:  # type: ignore[arg-type]
        response = await execute(client, TOP_PRODUCTS, headers={"traceparent": CLIENT_TRACEPARENT})
    response.ok()

    spans = _by_name(exporter.get_finished_spans())
    request = spans["POST /graphql"]
    assert request.kind == SpanKind.SERVER
    assert request.context is not None
    assert f"{request.context.trace_id:032x}" == CLIENT_TRACE
    assert request.parent is not None
    assert f"{request.parent.span_id:016x}" == CLIENT_SPAN
    assert request.attributes is not None
    assert request.attributes["graphql.operation.name"] == "TopProducts"
    assert request.attributes["supergraph.outcome"] == "ok"
    for name in ("graphql.parse", "graphql.validate", "graphql.plan"):
        child = spans[name]
        assert child.parent is not None
        assert child.parent.span_id == request.context.span_id, name
    for subgraph in FETCHED:
        fetch = spans[f"fetch {subgraph}"]
        assert fetch.kind == SpanKind.CLIENT
        assert fetch.parent is not None
        assert fetch.parent.span_id == request.context.span_id
        assert fetch.context is not None
        [headers] = recorder.headers_for(subgraph)
        # The subgraph's parent is the fetch span itself.
        assert headers["traceparent"] == f"00-{CLIENT_TRACE}-{fetch.context.span_id:016x}-01"
    assert "fetch inventory" not in spans


async def test_cached_document_and_plan_make_no_parse_validate_or_plan_spans(
    recorder: HeaderRecorder,
) -> None:
    observed, exporter = _tracing_gateway(recorder)
    async with app_client(observed) as client:  # type: ignore[arg-type]
        (await execute(client, TOP_PRODUCTS)).ok()
        exporter.clear()
        (await execute(client, TOP_PRODUCTS)).ok()

    names = sorted(span.name for span in exporter.get_finished_spans())
    assert names == ["POST /graphql", "fetch accounts", "fetch products", "fetch reviews"]
    [request] = [s for s in exporter.get_finished_spans() if s.name == "POST /graphql"]
    assert request.attributes is not None
    assert request.attributes["supergraph.plan_cache_hit"] is True


async def test_log_records_made_during_a_request_carry_its_ids(
    recorder: HeaderRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    class LogsOnce:
        """A router stand-in's neighbour: logs from inside the observed request."""

        def __init__(self, app: object) -> None:
            self.app = app

        async def __call__(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
            if scope["type"] == "http":
                logging.getLogger("test.inside").warning("inside the request")
            await self.app(scope, receive, send)  # type: ignore[operator]

    router = create_gateway_app(SUPERGRAPH, GatewaySettings(subgraph_urls=recorder.urls()))
    observed = ObservedGateway(LogsOnce(router), GatewayMetrics())  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="test.inside"):
        async with app_client(observed) as client:  # type: ignore[arg-type]
            await execute(
                client,
                TOP_PRODUCTS,
                headers={"traceparent": CLIENT_TRACEPARENT, "x-request-id": "r-1"},
            )

    [record] = [r for r in caplog.records if r.name == "test.inside"]
    assert record.request_id == "r-1"  # type: ignore[attr-defined]
    assert record.trace_id == CLIENT_TRACE  # type: ignore[attr-defined]


async def test_tracing_is_off_unless_an_otlp_endpoint_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert tracer_from_environment() is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert tracer_from_environment() is not None
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracer_from_environment() is None
