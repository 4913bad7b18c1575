"""The gateway's /metrics: requests by operation and outcome, latencies, caches, refusals."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway_scrape import scrape
from observed_subgraphs import ROOT, SUPERGRAPH, TOP_PRODUCTS, HeaderRecorder, edge_settings

from supergraph.edge.gateway import create_edge_gateway
from supergraph.edge.settings import AuthSettings, LimitSettings, RateLimitSettings
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client, execute
from tests.support.processes import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

REQUESTS = "gateway_requests_total"


async def test_served_request_is_counted_by_operation_with_latencies_and_plan_cache(
    gateway: httpx.AsyncClient,
) -> None:
    first = await execute(gateway, TOP_PRODUCTS)
    second = await execute(gateway, TOP_PRODUCTS)
    metrics = await scrape(gateway)

    assert first.ok() == second.ok()
    assert metrics.value(REQUESTS, operation="TopProducts", outcome="ok") == 2
    assert metrics.value("gateway_request_duration_seconds_count", operation="TopProducts") == 2
    assert metrics.value("gateway_query_plan_cache_total", result="miss") == 1
    assert metrics.value("gateway_query_plan_cache_total", result="hit") == 1
    for subgraph in ("products", "reviews", "accounts"):
        count = metrics.value("gateway_subgraph_fetch_duration_seconds_count", subgraph=subgraph)
        assert count == 2, subgraph
    assert metrics.value("gateway_subgraph_fetch_duration_seconds_count", subgraph="inventory") == 0


async def test_refused_documents_are_counted_by_why(gateway: httpx.AsyncClient) -> None:
    await execute(gateway, "{ topProducts { ")
    await execute(gateway, "query Wrong { topProducts { nope } }")
    await execute(gateway, "query Anon { topProducts { upc } } query Other { me { id } }")
    await execute(gateway, "{ topProducts(first: 1) { upc } }")
    metrics = await scrape(gateway)

    assert metrics.value(REQUESTS, operation="(none)", outcome="parse_failed") == 1
    assert metrics.value(REQUESTS, operation="(none)", outcome="validation_failed") == 1
    # Two operations and no operationName: the request names no operation to run.
    assert metrics.value(REQUESTS, operation="(none)", outcome="bad_request") == 1
    assert metrics.value(REQUESTS, operation="(anonymous)", outcome="ok") == 1


async def test_limit_rejection_is_counted_with_its_code(recorder: HeaderRecorder) -> None:
    edge = create_edge_gateway(
        SUPERGRAPH,
        GatewaySettings(subgraph_urls=recorder.urls()),
        edge_settings(limits=LimitSettings(max_depth=2, max_cost=1_000_000)),
    )
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        for _ in range(2):
            refused = await execute(client, "query Deep { me { reviews { product { upc } } } }")
            assert "MAX_DEPTH_EXCEEDED" in refused.error_codes
        metrics = await scrape(client)

    assert metrics.value(REQUESTS, operation="(none)", outcome="limit_rejected") == 2
    assert metrics.value("gateway_limit_rejections_total", code="MAX_DEPTH_EXCEEDED") == 2


async def test_rate_limited_request_is_counted(recorder: HeaderRecorder) -> None:
    edge = create_edge_gateway(
        SUPERGRAPH,
        GatewaySettings(subgraph_urls=recorder.urls()),
        edge_settings(rate_limit=RateLimitSettings(per_ip="2/minute")),
    )
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        statuses = [(await execute(client, TOP_PRODUCTS)).status for _ in range(3)]
        metrics = await scrape(client)

    assert statuses == [200, 200, 429]
    assert metrics.value(REQUESTS, operation="(none)", outcome="rate_limited") == 1
    assert metrics.value("gateway_rate_limited_requests_total") == 1
    assert metrics.value(REQUESTS, operation="TopProducts", outcome="ok") == 2


async def test_refused_token_is_counted_as_unauthenticated(
    recorder: HeaderRecorder, tmp_path: pytest.TempPathFactory
) -> None:
    trusted, stranger = (rsa.generate_private_key(65537, 2048) for _ in range(2))
    public_key = tmp_path / "public.pem"  # type: ignore[operator]
    public_key.write_bytes(
        trusted.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    edge = create_edge_gateway(
        SUPERGRAPH,
        GatewaySettings(subgraph_urls=recorder.urls()),
        edge_settings(auth=AuthSettings(public_key_file=str(public_key))),
    )
    forged = jwt.encode({"sub": "someone"}, stranger, algorithm="RS256")
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        refused = await execute(client, TOP_PRODUCTS, token=forged)
        metrics = await scrape(client)

    assert refused.status == 401
    assert metrics.value(REQUESTS, operation="(none)", outcome="unauthenticated") == 1


async def test_operation_names_past_the_limit_share_one_label(
    recorder: HeaderRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPERGRAPH_METRICS_MAX_OPERATION_NAMES", "3")
    edge = create_edge_gateway(
        SUPERGRAPH, GatewaySettings(subgraph_urls=recorder.urls()), edge_settings()
    )
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        for number in range(20):
            (
                await execute(client, f"query Name{number} {{ topProducts(first: 1) {{ upc }} }}")
            ).ok()
        long_name = "N" * 500
        (await execute(client, f"query {long_name} {{ topProducts(first: 1) {{ upc }} }}")).ok()
        metrics = await scrape(client)

    labels = metrics.label_values(REQUESTS, "operation")
    assert labels == {"Name0", "Name1", "Name2", "(other)"}
    assert metrics.value(REQUESTS, operation="(other)", outcome="ok") == 18


async def test_unreachable_subgraph_counts_an_http_fetch_error(recorder: HeaderRecorder) -> None:
    urls = {**recorder.urls(), "reviews": f"http://127.0.0.1:{free_port()}/reviews"}
    edge = create_edge_gateway(SUPERGRAPH, GatewaySettings(subgraph_urls=urls), edge_settings())
    async with app_client(edge.app) as client:  # type: ignore[arg-type]
        partial = await execute(client, TOP_PRODUCTS)
        metrics = await scrape(client)

    assert "SUBREQUEST_HTTP_ERROR" in partial.error_codes
    assert metrics.value(REQUESTS, operation="TopProducts", outcome="graphql_errors") == 1
    assert (
        metrics.value("gateway_subgraph_fetch_errors_total", subgraph="reviews", kind="http") == 1
    )
    assert (
        metrics.value("gateway_subgraph_fetch_errors_total", subgraph="products", kind="http") == 0
    )


async def test_metrics_include_the_process_collectors(gateway: httpx.AsyncClient) -> None:
    metrics = await scrape(gateway)
    assert "process_cpu_seconds_total" in metrics.text or "python_info" in metrics.text


async def test_mounted_app_calling_graphql_in_process_is_counted_with_its_operation(
    recorder: HeaderRecorder,
) -> None:
    edge = create_edge_gateway(
        SUPERGRAPH, GatewaySettings(subgraph_urls=recorder.urls()), edge_settings()
    )
    door = edge.app

    async def rest_like(scope: dict[str, Any], receive: Any, send: Any) -> None:
        """A REST route answering from one GraphQL operation run through the door."""
        forwarded = {
            name.decode(): value.decode()
            for name, value in scope["headers"]
            if name in (b"x-request-id", b"traceparent")
        }
        transport = httpx.ASGITransport(app=door)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://door") as inner:
            answer = await inner.post("/graphql", json={"query": TOP_PRODUCTS}, headers=forwarded)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer.content})

    door.mount("/api", rest_like)
    async with app_client(door) as client:  # type: ignore[arg-type]
        response = await client.get("/api/top")
        metrics = await scrape(client)

    assert response.status_code == 200
    assert response.json()["data"]["topProducts"]
    assert metrics.value(REQUESTS, operation="TopProducts", outcome="ok") == 1
    [headers] = recorder.headers_for("products")
    assert headers["x-request-id"] == response.headers["x-request-id"]


async def test_every_gateway_series_the_alert_rules_use_is_exposed(
    gateway: httpx.AsyncClient,
) -> None:
    alerts = (ROOT / "deploy/monitoring/alerts.yml").read_text()
    used = set(re.findall(r"\b(gateway_[a-z_]+)", alerts))
    (await execute(gateway, TOP_PRODUCTS)).ok()
    text = (await scrape(gateway)).text
    # A family without samples yet (no fetch failed) still has its HELP line.
    exposed = set(re.findall(r"^(?:# HELP )?(gateway_[a-z_]+)", text, re.M))

    assert used
    assert used <= exposed, used - exposed
