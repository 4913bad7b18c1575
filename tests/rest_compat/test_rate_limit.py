"""429 over REST: the gateway's route rules apply to /api, and the refusal keeps the REST shape.

A second gateway on the same services, with a tight rule for one route (the shared
platform's gateway has no rate rules, so that the other tests are never throttled).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.rest_compat.platform import RestPlatform, running_gateway

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

SEARCH = "/api/products/search"


@pytest.fixture(scope="module")
def limited_gateway(
    platform: RestPlatform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    jwks = f"{platform.peers.users.base_url}/.well-known/jwks.json"
    settings = {
        "SHOPGRAPH_GATEWAY_RATE_LIMIT_ROUTES": f"{SEARCH}=2/minute",
        "SHOPGRAPH_GATEWAY_RATE_LIMIT_FIELDS": "login=1/minute",
    }
    with running_gateway(
        platform.supergraph,
        platform.routes,
        jwks,
        tmp_path_factory.mktemp("rest-limited-gateway"),
        name="limited-gateway",
        settings=settings,
    ) as base_url:
        yield base_url


async def test_a_route_over_its_rule_is_429_with_retry_after(limited_gateway: str) -> None:
    async with httpx.AsyncClient(base_url=limited_gateway, timeout=60) as client:
        answers = [await client.get(SEARCH, params={"q": "laptop"}) for _ in range(3)]
        other_route = await client.get("/api/products", params={"limit": 1})
    assert [answer.status_code for answer in answers[:2]] == [200, 200]
    refused = answers[2]
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) >= 1
    body = refused.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "RATE_LIMITED"
    assert body["details"]["retryAfter"] >= 1
    assert other_route.status_code == 200  # the rule is the route's alone


async def test_a_graphql_field_rule_applies_to_its_rest_endpoint(limited_gateway: str) -> None:
    # `login` is limited as a root field: the REST login runs that field in process.
    body = {"email": "nobody@example.com", "password": "not the password"}
    async with httpx.AsyncClient(base_url=limited_gateway, timeout=60) as client:
        first = await client.post("/api/users/login", json=body)
        second = await client.post("/api/users/login", json=body)
    assert first.status_code == 401
    assert second.status_code == 429, second.text
    assert second.json()["code"] == "RATE_LIMITED"
    assert int(second.headers["retry-after"]) >= 1
