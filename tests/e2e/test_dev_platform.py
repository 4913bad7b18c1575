"""README command 1 end to end: `shopgraph dev` on SQLite in a fresh folder, over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.platform import DevPlatform, running_dev

pytestmark = pytest.mark.e2e

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken user { id email } }
}
"""
LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken user { id } }
}
"""
ME = "query { me { id email firstName lastName role } }"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevPlatform]:
    with running_dev(tmp_path_factory.mktemp("dev")) as running:
        yield running


def graphql(
    url: str, query: str, variables: dict[str, object] | None = None, token: str = ""
) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        url, json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def test_register_then_login_then_me_over_http_on_the_users_port(platform: DevPlatform) -> None:
    email = f"reader-{uuid.uuid4().hex[:8]}@example.com"
    users = platform.url("users")
    registered = graphql(
        users,
        REGISTER,
        {
            "input": {
                "email": email,
                "password": "correct horse battery",
                "firstName": "Ada",
                "lastName": "Reader",
            }
        },
    )["register"]
    login = graphql(users, LOGIN, {"email": email, "password": "correct horse battery"})["login"]
    assert login["user"]["id"] == registered["user"]["id"]

    me = graphql(users, ME, token=login["accessToken"])["me"]

    assert me == {
        "id": registered["user"]["id"],
        "email": email,
        "firstName": "Ada",
        "lastName": "Reader",
        "role": "CUSTOMER",
    }


def test_dev_keeps_its_databases_and_keys_in_the_data_folder(platform: DevPlatform) -> None:
    assert (platform.data_dir / "users.sqlite3").is_file()
    assert (platform.data_dir / "keys" / "users-signing.pem").is_file()


def test_dev_announces_the_endpoints_it_started(platform: DevPlatform) -> None:
    announced = platform.announced_urls()
    assert announced["users"] == platform.url("users")
    for name, url in announced.items():
        health = httpx.get(url.removesuffix("/graphql") + "/health", timeout=10)
        assert health.status_code == 200, (name, health.text)


def test_every_running_subgraph_is_healthy_and_ready(platform: DevPlatform) -> None:
    for name in platform.announced_urls():
        if name == "gateway":
            continue
        ready = httpx.get(platform.url(name, "/ready"), timeout=10)
        assert ready.json() == {"status": "ready", "database": "ok"}, name


def test_the_demo_accounts_the_banner_prints_can_log_in(platform: DevPlatform) -> None:
    accounts = platform.announced_demo_accounts()
    assert accounts, "the banner lists no demo account"
    for email, password in accounts:
        login = graphql(platform.url("users"), LOGIN, {"email": email, "password": password})
        me = graphql(platform.url("users"), ME, token=login["login"]["accessToken"])["me"]
        assert me["email"] == email


def test_the_gateway_serves_the_composed_graph(platform: DevPlatform) -> None:
    assert platform.announced_urls()["gateway"] == platform.url("gateway")
    email, password = platform.announced_demo_accounts()[-1]
    token = graphql(platform.url("users"), LOGIN, {"email": email, "password": password})
    # One operation, two subgraphs: the router plans and joins them.
    data = graphql(
        platform.url("gateway"),
        "{ me { email } products(first: 1) { edges { node { id name } } } }",
        token=token["login"]["accessToken"],
    )
    assert data["me"]["email"] == email
    assert len(data["products"]["edges"]) == 1


def test_the_gateway_in_dev_applies_the_router_section_rate_rules(platform: DevPlatform) -> None:
    # supergraph.yaml's router section allows 5 registrations a minute per address;
    # `shopgraph dev` hands the section to its gateway, so the sixth is refused.
    statuses = []
    for attempt in range(6):
        variables = {
            "input": {
                "email": f"rate-{attempt}-{uuid.uuid4().hex[:8]}@example.com",
                "password": "correct horse battery",
                "firstName": "Rate",
                "lastName": "Limited",
            }
        }
        response = httpx.post(
            platform.url("gateway"),
            json={"query": REGISTER, "variables": variables},
            timeout=30,
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5, statuses
    assert statuses[5] == 429
    assert response.headers["retry-after"].isdigit()
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
