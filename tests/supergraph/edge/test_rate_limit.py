"""Rate limiting: per address, per user, per route and per root field; 429, recovery, Redis.

Clients are told apart by X-Forwarded-For behind one trusted proxy (the in-process
transport has one peer address). Windows are short where a test waits for them
to pass, and the waits are bounded polls, never timing assertions.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from conftest import JwksServer, Keys, auth_settings

from rest_compat.transport import InProcessRouter
from supergraph.edge.gateway import create_edge_gateway
from supergraph.edge.settings import EdgeSettings, HttpSettings, RateLimitSettings
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import PYTHON, free_port, running_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

REDIS_URL = "redis://127.0.0.1:6379/0"
LOGIN = 'mutation { login(email: "a@example.test", password: "wrong") }'


def _settings(published: JwksServer | None = None, **rules: Any) -> EdgeSettings:
    return EdgeSettings(
        auth=auth_settings(published) if published else EdgeSettings().auth,
        http=HttpSettings(trusted_proxies=1),
        rate_limit=RateLimitSettings(**rules),
    )


def _from(address: str, **headers: str) -> dict[str, str]:
    return {"x-forwarded-for": address, **headers}


async def _post(
    client: httpx.AsyncClient, query: str, address: str = "10.0.0.1", **headers: str
) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=_from(address, **headers))


def _assert_rate_limited(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["RATE_LIMITED"]
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    return retry_after


@pytest.fixture
async def mounted_gateway(
    supergraph_sdl: str,
) -> AsyncIterator[Callable[..., Any]]:
    """Gateways (the door) with an app mounted at /api, as the REST layer mounts itself."""
    async with AsyncExitStack() as stack:

        async def open_gateway(edge: EdgeSettings, api: Any) -> httpx.AsyncClient:
            door = create_edge_gateway(supergraph_sdl, GatewaySettings(), edge).app
            door.mount("/api", api(door))
            client: httpx.AsyncClient = await stack.enter_async_context(app_client(door))  # type: ignore[arg-type]
            return client

        yield open_gateway


def _login_endpoint(door: Any) -> Any:
    """A REST-style `/api/users/login` running the `login` mutation through the gateway in
    process, as rest_compat does (the real transport, not a copy of it)."""
    router = InProcessRouter(door)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        reply = await router.execute(LOGIN, {}, {})
        body = orjson.dumps(reply.body)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


async def test_a_client_over_the_limit_gets_429_then_recovers_after_the_window(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await gateway_for(_settings(per_ip="2/2 seconds"))
    for _ in range(2):
        assert (await _post(client, "{ public }")).status_code == 200
    refused = await _post(client, "{ public }")
    retry_after = _assert_rate_limited(refused)
    assert retry_after <= 2
    deadline = time.monotonic() + 30
    while (response := await _post(client, "{ public }")).status_code == 429:
        assert time.monotonic() < deadline, "the window never let the client in again"
        await asyncio.sleep(0.2)
    assert response.json() == {"data": {"public": "hello"}}


async def test_per_ip_rule_counts_each_address_and_ignores_what_the_client_prepends(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await gateway_for(_settings(per_ip="2/minute"))
    assert (await _post(client, "{ public }", "10.0.0.1")).status_code == 200
    # The trusted proxy appends the real peer; the entry left of it is the client's word.
    spoofed = "10.9.9.9, 10.0.0.1"
    assert (await _post(client, "{ public }", spoofed)).status_code == 200
    _assert_rate_limited(await _post(client, "{ public }", "10.0.0.1"))
    assert (await _post(client, "{ public }", "10.0.0.2")).status_code == 200
    assert (await client.get("/health", headers=_from("10.0.0.1"))).status_code == 200


async def test_forwarded_for_counts_for_nothing_without_a_trusted_proxy(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    settings = EdgeSettings(rate_limit=RateLimitSettings(per_ip="2/minute"))
    client = await gateway_for(settings)
    assert (await _post(client, "{ public }", "10.0.0.1")).status_code == 200
    assert (await _post(client, "{ public }", "10.0.0.2")).status_code == 200
    _assert_rate_limited(await _post(client, "{ public }", "10.0.0.3"))


async def test_per_user_rule_counts_each_signed_in_user_on_its_own(
    gateway_for: Callable[[EdgeSettings], Any], published: JwksServer, keys: Keys
) -> None:
    client = await gateway_for(_settings(published, per_user="2/minute"))
    alice = {"authorization": f"Bearer {keys.token(sub='alice')}"}
    bob = {"authorization": f"Bearer {keys.token(sub='bob')}"}
    # From two addresses: the user's counter follows the user, not the address.
    assert (await _post(client, "{ public }", "10.0.0.1", **alice)).status_code == 200
    assert (await _post(client, "{ public }", "10.0.0.2", **alice)).status_code == 200
    _assert_rate_limited(await _post(client, "{ public }", "10.0.0.3", **alice))
    assert (await _post(client, "{ public }", "10.0.0.1", **bob)).status_code == 200
    for _ in range(3):  # anonymous callers have no user counter
        assert (await _post(client, "{ public }", "10.0.0.1")).status_code == 200


async def test_field_rule_limits_login_per_address_and_leaves_other_fields_alone(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await gateway_for(_settings(fields={"login": "2/minute"}))
    for _ in range(2):
        response = await _post(client, LOGIN)
        assert response.json() == {"data": {"login": None}}
    refused = await _post(client, LOGIN)
    _assert_rate_limited(refused)
    assert "field login" in refused.json()["errors"][0]["message"]
    assert (await _post(client, '{ echo(text: "login") }')).status_code == 200
    assert (await _post(client, LOGIN, "10.0.0.2")).status_code == 200


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param([{"query": LOGIN}] * 3, id="batch-of-three"),
        pytest.param(
            {
                "query": 'mutation { a: login(email: "a", password: "b") b: login(email: "a", '
                'password: "b") c: login(email: "a", password: "b") }'
            },
            id="three-aliases",
        ),
        pytest.param(
            {
                "query": "mutation { ...A ...B } fragment A on Mutation { ...L x: register(email: "
                '"e") } fragment B on Mutation { ...L ... on Mutation { ...L } } '
                'fragment L on Mutation { login(email: "a", password: "b") }'
            },
            id="fragments",
        ),
    ],
)
async def test_every_login_in_a_request_counts(
    gateway_for: Callable[[EdgeSettings], Any], request_body: Any
) -> None:
    client = await gateway_for(_settings(fields={"login": "2/minute"}))
    response = await client.post("/graphql", json=request_body, headers=_from("10.0.0.1"))
    _assert_rate_limited(response)


async def test_field_rule_sees_escaped_json_and_get_requests(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await gateway_for(_settings(fields={"login": "2/minute"}))
    # JSON may spell any character as an escape; the rule must see the decoded query.
    raw = orjson.dumps({"query": LOGIN}).replace(b"login(", b"\\u006cogin(")
    assert b"login" not in raw
    first = await client.post(
        "/graphql", content=raw, headers=_from("10.0.0.1", **{"content-type": "application/json"})
    )
    assert first.json() == {"data": {"login": None}}
    assert (await _post(client, LOGIN)).status_code == 200
    by_get = await client.get("/graphql", params={"query": LOGIN}, headers=_from("10.0.0.1"))
    _assert_rate_limited(by_get)


async def test_route_rule_limits_a_rest_path_per_address(
    mounted_gateway: Callable[..., Any],
) -> None:
    client = await mounted_gateway(
        _settings(routes={"/api/users/login": "2/minute"}), _login_endpoint
    )
    for _ in range(2):
        response = await client.post("/api/users/login", headers=_from("10.0.0.1"))
        assert response.json() == {"data": {"login": None}}
    _assert_rate_limited(await client.post("/api/users/login", headers=_from("10.0.0.1")))
    assert (await client.post("/api/users/login", headers=_from("10.0.0.2"))).status_code == 200
    # A prefix matches whole path segments only.
    assert (await client.post("/api/users/loginx", headers=_from("10.0.0.1"))).status_code == 200


async def test_a_mounted_app_calling_the_graph_in_process_is_counted_per_client_once(
    mounted_gateway: Callable[..., Any],
) -> None:
    """The REST layer's in-process GraphQL call carries no address of its own: the field
    rule must count the real client, and the per-address rule must not count it twice."""
    client = await mounted_gateway(
        _settings(per_ip="4/minute", fields={"login": "2/minute"}), _login_endpoint
    )
    for _ in range(2):
        response = await client.post("/api/users/login", headers=_from("10.0.0.1"))
        assert response.json() == {"data": {"login": None}}
    refused = await client.post("/api/users/login", headers=_from("10.0.0.1"))
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await client.post("/api/users/login", headers=_from("10.0.0.2"))).status_code == 200
    # Three requests from 10.0.0.1 so far, each counted once by the per-address rule.
    assert (await _post(client, "{ public }", "10.0.0.1")).status_code == 200
    _assert_rate_limited(await _post(client, "{ public }", "10.0.0.1"))


async def test_counters_in_redis_are_shared_by_two_gateways_in_one_process(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    rules = {"per_ip": "3/minute", "redis_url": REDIS_URL, "key_prefix": uuid.uuid4().hex}
    first = await gateway_for(_settings(**rules))
    second = await gateway_for(_settings(**rules))
    assert (await _post(first, "{ public }")).status_code == 200
    assert (await _post(second, "{ public }")).status_code == 200
    assert (await _post(first, "{ public }")).status_code == 200
    _assert_rate_limited(await _post(second, "{ public }"))


async def test_requests_pass_when_the_counters_are_unreachable(
    gateway_for: Callable[[EdgeSettings], Any], caplog: pytest.LogCaptureFixture
) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    client = await gateway_for(_settings(per_ip="1/minute", redis_url=dead_redis))
    with caplog.at_level(logging.ERROR, logger="supergraph.edge.rate_limit"):
        for _ in range(2):
            assert (await _post(client, "{ public }")).status_code == 200
    assert "rate-limit counters unavailable" in caplog.text


async def test_two_gateway_processes_share_their_counters_through_redis(
    supergraph_sdl: str, tmp_path: Path
) -> None:
    supergraph_file = tmp_path / "supergraph.graphql"
    supergraph_file.write_text(supergraph_sdl)
    env = {
        "SHOPGRAPH_GATEWAY_CONFIG": "",
        "SHOPGRAPH_GATEWAY_RATE_LIMIT_FIELDS": "login=3/minute",
        "SHOPGRAPH_GATEWAY_RATE_LIMIT_REDIS_URL": REDIS_URL,
        "SHOPGRAPH_GATEWAY_RATE_LIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    ports = [free_port(), free_port()]
    async with AsyncExitStack() as stack:
        for index, port in enumerate(ports):
            argv = [PYTHON, "-m", "supergraph", "serve", "--supergraph", str(supergraph_file)]
            stack.enter_context(
                running_process(
                    f"gateway-{index}",
                    [*argv, "--port", str(port)],
                    log_dir=tmp_path,
                    env=env,
                    health_url=f"http://127.0.0.1:{port}/health",
                    startup_timeout=120,
                )
            )
        first, second = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
            )
            for port in ports
        ]
        answers = [
            await client.post("/graphql", json={"query": LOGIN})
            for client in (first, second, first)
        ]
        assert [a.json() for a in answers] == [{"data": {"login": None}}] * 3
        _assert_rate_limited(await second.post("/graphql", json={"query": LOGIN}))
        _assert_rate_limited(await first.post("/graphql", json={"query": LOGIN}))
        assert (await second.post("/graphql", json={"query": "{ public }"})).status_code == 200
