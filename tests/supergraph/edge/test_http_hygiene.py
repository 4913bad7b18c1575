"""The door's HTTP hygiene: CORS, security headers, the request timeout, masked errors."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from rest_compat.mount import with_rest_api
from supergraph.edge.gateway import create_edge_gateway
from supergraph.edge.settings import (
    CorsSettings,
    EdgeSettings,
    HttpSettings,
    PersistedSettings,
    RateLimitSettings,
)
from supergraph.server.graphiql import GraphiQL
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

SHOP = "https://shop.example"
CORS = CorsSettings(allow_origins=(SHOP,), allow_credentials=True)


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


@pytest.fixture
async def door_client(supergraph_sdl: str) -> AsyncIterator[Callable[..., Any]]:
    """Gateways (the door), optionally with an app mounted at /api, over a chosen base URL."""
    async with AsyncExitStack() as stack:

        async def open_gateway(
            edge: EdgeSettings,
            *,
            api: Any = None,
            wrap: Callable[[Any], Any] | None = None,
            base_url: str = "http://test",
        ) -> httpx.AsyncClient:
            door = create_edge_gateway(supergraph_sdl, GatewaySettings(), edge).app
            if api is not None:
                door.mount("/api", api)
            app = wrap(door) if wrap is not None else door
            client: httpx.AsyncClient = await stack.enter_async_context(app_client(app, base_url))
            return client

        yield open_gateway


async def test_an_allowed_origin_gets_cors_headers(door_client: Callable[..., Any]) -> None:
    client = await door_client(EdgeSettings(cors=CORS))
    response = await client.post("/graphql", json={"query": "{ public }"}, headers={"origin": SHOP})
    assert response.json() == {"data": {"public": "hello"}}
    assert response.headers["access-control-allow-origin"] == SHOP
    assert response.headers["access-control-allow-credentials"] == "true"
    exposed = response.headers["access-control-expose-headers"].split(", ")
    # A browser app may read when to retry, and the ids to quote in a support request.
    assert {"retry-after", "x-request-id", "traceresponse"} <= set(exposed)
    assert "Origin" in response.headers["vary"]


async def test_a_disallowed_origin_gets_no_cors_header(door_client: Callable[..., Any]) -> None:
    client = await door_client(EdgeSettings(cors=CORS))
    evil = {"origin": "https://evil.example"}
    response = await client.post("/graphql", json={"query": "{ public }"}, headers=evil)
    assert response.status_code == 200  # the browser, not the server, withholds it
    assert _cors_headers(response) == {}
    preflight = await client.options(
        "/graphql", headers={**evil, "access-control-request-method": "POST"}
    )
    assert preflight.status_code == 403
    assert _cors_headers(preflight) == {}


async def test_without_configured_origins_nobody_gets_cors_headers(
    door_client: Callable[..., Any],
) -> None:
    client = await door_client(EdgeSettings())
    response = await client.post("/graphql", json={"query": "{ public }"}, headers={"origin": SHOP})
    assert _cors_headers(response) == {}


async def test_a_preflight_is_answered_at_the_door(door_client: Callable[..., Any]) -> None:
    client = await door_client(EdgeSettings(cors=CORS))
    preflight = await client.options(
        "/graphql",
        headers={
            "origin": SHOP,
            "access-control-request-method": "POST",
            "access-control-request-headers": "Content-Type, Authorization",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed = preflight.headers["access-control-allow-headers"]
    assert "authorization" in allowed
    assert "content-type" in allowed
    assert preflight.headers["access-control-max-age"] == "600"
    odd_header = await client.options(
        "/graphql",
        headers={
            "origin": SHOP,
            "access-control-request-method": "POST",
            "access-control-request-headers": "x-not-allowed",
        },
    )
    assert odd_header.status_code == 403
    odd_method = await client.options(
        "/graphql", headers={"origin": SHOP, "access-control-request-method": "DELETE"}
    )
    assert odd_method.status_code == 403


async def test_security_headers_on_api_answers_errors_and_mounted_apps(
    door_client: Callable[..., Any],
) -> None:
    async def api(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    client = await door_client(EdgeSettings(), api=api)
    answers = [
        await client.post("/graphql", json={"query": "{ public }"}),
        await client.post("/graphql", content=b"{not json", headers={"content-type": "x"}),
        await client.get("/health"),
        await client.get("/api/anything"),
    ]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'none'" in policy
        assert "strict-transport-security" not in response.headers  # plain http


async def test_graphiql_page_carries_a_policy_that_lets_its_own_script_run(
    door_client: Callable[..., Any],
) -> None:
    client = await door_client(EdgeSettings())
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    scripts = policy["script-src"].split()
    assert "'self'" in scripts
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    inline = re.findall(rb"<script>(.*?)</script>", GraphiQL().page(), re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode()
    assert f"'sha256-{digest}'" in scripts
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert page.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("base_url", "trusted_proxies", "forwarded_proto", "expect_hsts"),
    [
        pytest.param("https://test", 0, None, True, id="tls-at-the-gateway"),
        pytest.param("http://test", 1, "https", True, id="tls-at-a-trusted-proxy"),
        pytest.param("http://test", 0, "https", False, id="untrusted-forwarded-proto"),
        pytest.param("http://test", 1, "http", False, id="plain-http-behind-the-proxy"),
    ],
)
async def test_hsts_only_when_the_client_came_over_tls(
    door_client: Callable[..., Any],
    base_url: str,
    trusted_proxies: int,
    forwarded_proto: str | None,
    expect_hsts: bool,
) -> None:
    edge = EdgeSettings(http=HttpSettings(trusted_proxies=trusted_proxies))
    client = await door_client(edge, base_url=base_url)
    headers = {"x-forwarded-proto": forwarded_proto} if forwarded_proto else {}
    response = await client.post("/graphql", json={"query": "{ public }"}, headers=headers)
    assert response.status_code == 200
    if expect_hsts:
        assert response.headers["strict-transport-security"] == "max-age=31536000"
    else:
        assert "strict-transport-security" not in response.headers


async def test_a_request_over_the_timeout_gets_504_and_the_gateway_keeps_serving(
    door_client: Callable[..., Any],
) -> None:
    client = await door_client(EdgeSettings(http=HttpSettings(request_timeout_s=0.5)))
    slow = await client.post("/graphql", json={"query": "{ slow(seconds: 20) }"})
    assert slow.status_code == 504
    error = slow.json()["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert "0.5 s" in error["message"]
    assert slow.headers["x-content-type-options"] == "nosniff"
    quick = await client.post("/graphql", json={"query": "{ slow(seconds: 0) public }"})
    assert quick.json() == {"data": {"slow": 0.0, "public": "hello"}}


async def test_an_unexpected_error_is_masked_with_a_request_id_and_logged(
    door_client: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise RuntimeError("connection to db://admin:hunter2@10.1.2.3 failed")

    client = await door_client(EdgeSettings(), api=broken)
    with caplog.at_level(logging.ERROR, logger="supergraph.edge.errors"):
        response = await client.get("/api/orders")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    (error,) = response.json()["errors"]
    request_id = error["extensions"]["requestId"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert request_id in error["message"]
    assert response.headers["x-request-id"] == request_id
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = [r for r in caplog.records if r.name == "supergraph.edge.errors"]
    assert any(request_id in r.getMessage() and r.exc_info for r in logged)
    assert "hunter2" in caplog.text  # the details are for the operator
    # The gateway serves on.
    fine = await client.post("/graphql", json={"query": "{ public }"})
    assert fine.json() == {"data": {"public": "hello"}}


async def test_a_sane_request_id_from_the_client_is_kept_and_an_odd_one_replaced(
    door_client: Callable[..., Any],
) -> None:
    client = await door_client(EdgeSettings())
    kept = await client.get("/health", headers={"x-request-id": "abc-123.def"})
    assert kept.headers["x-request-id"] == "abc-123.def"
    odd = await client.get("/health", headers={"x-request-id": "a b\tc<script>"})
    assert odd.headers["x-request-id"] != "a b\tc<script>"
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"]), odd.headers


async def test_the_rest_layer_is_served_behind_the_door(door_client: Callable[..., Any]) -> None:
    """rest_compat mounts itself inside the door: its answers get the door's headers, its
    bodies the size limit, its paths the route rules."""
    edge = EdgeSettings(
        http=HttpSettings(max_body_bytes=10_000),
        rate_limit=RateLimitSettings(routes={"/api/users/login": "1/minute"}),
    )
    client = await door_client(edge, wrap=with_rest_api)
    spec = await client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert spec.headers["x-content-type-options"] == "nosniff"
    assert spec.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    docs = await client.get("/api/docs")
    assert docs.headers["content-type"].startswith("text/html")
    assert docs.headers["x-frame-options"] == "DENY"
    # Swagger UI's page has its own inline script: its policy is the REST layer's to set.
    assert "content-security-policy" not in docs.headers
    big = await client.post("/api/users/register", content=b"x" * 20_000)
    assert big.status_code == 413
    # The REST layer answers the door's refusals in its own error shape.
    assert big.json()["code"] == "PAYLOAD_TOO_LARGE"
    login = {"email": "a@example.test", "password": "whatever-it-is"}
    first = await client.post("/api/users/login", json=login)
    assert first.status_code != 429
    second = await client.post("/api/users/login", json=login)
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) >= 1


async def test_a_failure_inside_the_graphql_stack_is_masked_too(
    door_client: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Persisted queries kept in a Redis that is down: the store's connection error is
    an unexpected exception on the GraphQL path, and the client sees only its id."""
    dead_port = free_port()
    persisted = PersistedSettings(redis_url=f"redis://127.0.0.1:{dead_port}/0")
    client = await door_client(EdgeSettings(persisted=persisted))
    hash_ = hashlib.sha256(b"{ public }").hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": hash_}}
    with caplog.at_level(logging.ERROR, logger="supergraph.edge.errors"):
        response = await client.post("/graphql", json={"extensions": extensions})
    assert response.status_code == 500
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert str(dead_port) not in response.text
    assert error["extensions"]["requestId"] in caplog.text
    assert str(dead_port) in caplog.text
    plain = await client.post("/graphql", json={"query": "{ public }"})
    assert plain.json() == {"data": {"public": "hello"}}
