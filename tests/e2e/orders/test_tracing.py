"""One trace across the gateway, orders and products for a `placeOrder` call.

The real gateway and the real services run as processes on PostgreSQL, each with
OpenTelemetry export configured by the standard environment variables to an OTLP
receiver the test runs. A `placeOrder` sent through the gateway must show up as
one trace: the gateway's request span under the client's, its fetch to orders,
orders' server span under that fetch, and products' server span under orders'
call to products.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.orders.otlp_receiver import OtlpReceiver, ReceivedSpan
from tests.subgraphs.orders.peers import (
    Keys,
    ServiceProcess,
    create_product,
    migrated_database,
    register_customer,
    shared_env,
)
from tests.support import databases
from tests.support.processes import PYTHON, free_port, running_process
from tests.support.supergraph import compose_shop_supergraph

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

PLACE = "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }"
INTERNAL, SERVER, CLIENT = 1, 2, 3  # OTLP span kinds


@dataclass
class TracedPlatform:
    receiver: OtlpReceiver
    users: ServiceProcess
    products: ServiceProcess
    orders: ServiceProcess
    gateway_url: str
    keys: Keys


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracedPlatform]:
    directory = tmp_path_factory.mktemp("tracing-e2e")
    keys = Keys.create(directory / "keys")
    ports = {name: free_port() for name in ("users", "products", "orders", "gateway")}
    with OtlpReceiver().running() as receiver:
        tracing = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",  # export within a tenth of a second
        }
        env = {**shared_env(directory, keys, ports["users"]), **tracing}
        urls = [asyncio.run(migrated_database(name)) for name in ("users", "products", "orders")]
        services = {
            name: ServiceProcess(
                name,
                f"subgraphs.{name}.app:create_app",
                ports[name],
                {**env, f"SHOPGRAPH_{name.upper()}_DATABASE_URL": url},
                directory / "logs",
            )
            for name, url in zip(("users", "products", "orders"), urls, strict=True)
        }
        services["orders"].env.update(
            SHOPGRAPH_ORDERS_USERS_URL=services["users"].graphql_url,
            SHOPGRAPH_ORDERS_PRODUCTS_URL=services["products"].graphql_url,
        )
        try:
            for service in services.values():
                service.start()
            with _gateway(directory, services, ports["gateway"], tracing) as gateway_url:
                yield TracedPlatform(
                    receiver,
                    services["users"],
                    services["products"],
                    services["orders"],
                    gateway_url,
                    keys,
                )
        finally:
            for service in services.values():
                service.stop()
            for url in urls:
                asyncio.run(databases.drop_database(url))


@contextlib.contextmanager
def _gateway(
    directory: Path, services: dict[str, ServiceProcess], port: int, tracing: dict[str, str]
) -> Iterator[str]:
    supergraph = compose_shop_supergraph(directory)
    argv = [
        PYTHON,
        "-m",
        "supergraph",
        "serve",
        "--supergraph",
        str(supergraph),
        "--port",
        str(port),
    ]
    for name, service in services.items():
        argv += ["--subgraph-url", f"{name}={service.graphql_url}"]
    with running_process(
        "gateway",
        argv,
        log_dir=directory,
        health_url=f"http://127.0.0.1:{port}/health",
        env={
            **tracing,
            "SUPERGRAPH_LOG_FORMAT": "json",
            # The shop's schema requires a verified caller for placeOrder.
            "SHOPGRAPH_JWKS_URL": f"{services['users'].base_url}/.well-known/jwks.json",
        },
    ):
        yield f"http://127.0.0.1:{port}"


async def _place_order(platform: TracedPlatform, headers: dict[str, str]) -> httpx.Response:
    buyer = await register_customer(platform.users.base_url)
    product = await create_product(
        platform.products.base_url, platform.keys.admin_token(), price="3.00", stock=5
    )
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": PLACE,
                "variables": {"input": {"items": [{"productId": str(product), "quantity": 2}]}},
            },
            headers={"authorization": f"Bearer {buyer.token}", **headers},
        )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()
    return response


def _wait_for_spans(receiver: OtlpReceiver, trace_id: str) -> dict[str, list[ReceivedSpan]]:
    """The trace's spans by service, once gateway, orders and products have all exported."""
    deadline = time.monotonic() + 60
    while True:
        by_service: dict[str, list[ReceivedSpan]] = {}
        for span in receiver.in_trace(trace_id):
            by_service.setdefault(span.service, []).append(span)
        # A process exports a request's client spans before its server span (which
        # ends last), so wait for each process's server span, not just any span.
        served = {service for service, found in by_service.items() if _has_server(found)}
        if {"gateway", "orders", "products"} <= served or time.monotonic() > deadline:
            return by_service
        time.sleep(0.2)


def _has_server(spans: list[ReceivedSpan]) -> bool:
    return any(span.kind == SERVER for span in spans)


def _one(spans: list[ReceivedSpan], name: str, kind: int) -> ReceivedSpan:
    matching = [span for span in spans if span.name == name and span.kind == kind]
    assert len(matching) == 1, (name, spans)
    return matching[0]


def _assert_one_trace_through_gateway_orders_and_products(
    spans: dict[str, list[ReceivedSpan]], client_span_id: str | None
) -> None:
    assert {"gateway", "orders", "products"} <= spans.keys(), spans
    gateway = _one(spans["gateway"], "POST /graphql", SERVER)
    if client_span_id is not None:
        assert gateway.parent_span_id == client_span_id
    fetch_orders = _one(spans["gateway"], "fetch orders", CLIENT)
    assert fetch_orders.parent_span_id == gateway.span_id

    orders = _one(spans["orders"], "POST /graphql", SERVER)
    assert orders.parent_span_id == fetch_orders.span_id
    call_products = [s for s in spans["orders"] if s.name == "call products" and s.kind == CLIENT]
    assert call_products
    assert all(call.parent_span_id == orders.span_id for call in call_products)

    # products' span descends from orders': orders' server span -> its call -> products.
    products = [s for s in spans["products"] if s.kind == SERVER]
    assert products
    call_ids = {call.span_id for call in call_products}
    assert all(span.parent_span_id in call_ids for span in products)


async def test_place_order_with_client_traceparent_is_one_trace_across_processes(
    platform: TracedPlatform,
) -> None:
    trace_id = uuid.uuid4().hex
    client_span = uuid.uuid4().hex[:16]
    response = await _place_order(platform, {"traceparent": f"00-{trace_id}-{client_span}-01"})

    assert response.headers["traceresponse"].split("-")[1] == trace_id
    spans = await asyncio.to_thread(_wait_for_spans, platform.receiver, trace_id)
    _assert_one_trace_through_gateway_orders_and_products(spans, client_span)
    # The module's first placeOrder: the gateway parsed, validated and planned it.
    gateway = _one(spans["gateway"], "POST /graphql", SERVER)
    for step in ("graphql.parse", "graphql.validate", "graphql.plan"):
        assert _one(spans["gateway"], step, INTERNAL).parent_span_id == gateway.span_id


async def test_place_order_without_traceparent_gets_a_trace_started_at_the_gateway(
    platform: TracedPlatform,
) -> None:
    response = await _place_order(platform, {})

    trace_id = response.headers["traceresponse"].split("-")[1]
    spans = await asyncio.to_thread(_wait_for_spans, platform.receiver, trace_id)
    _assert_one_trace_through_gateway_orders_and_products(spans, None)
    gateway_root = _one(spans["gateway"], "POST /graphql", SERVER)
    assert gateway_root.parent_span_id == ""
