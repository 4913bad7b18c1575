"""@authenticated, @requiresScopes and @policy enforced by the router before any fetch.

An unauthorized field becomes null (or its nearest nullable parent does, when it
is non-null) with an error at its path; the rest of the response is served.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import Keys

pytestmark = pytest.mark.asyncio(loop_scope="session")

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


async def _run(
    client: httpx.AsyncClient,
    query: str,
    token: str | None = None,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _denied(body: dict[str, Any]) -> list[list[Any]]:
    return [e["path"] for e in body.get("errors", []) if e["extensions"]["code"] == UNAUTHORIZED]


async def test_supergraph_carries_the_directives(supergraph_sdl: str) -> None:
    assert '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)' in (
        supergraph_sdl
    )
    [me] = [line for line in supergraph_sdl.splitlines() if line.strip().startswith("me:")]
    assert me.endswith("@authenticated")
    assert '@requiresScopes(scopes: [["admin"], ["auditor", "reports"]])' in supergraph_sdl
    assert '@policy(policies: [["vip"]])' in supergraph_sdl


async def test_authenticated_field_is_null_for_anonymous_and_the_rest_is_served(
    gateway: httpx.AsyncClient,
) -> None:
    body = await _run(gateway, "{ public me { name } }")
    assert body["data"] == {"public": "hello", "me": None}
    assert _denied(body) == [["me"]]


async def test_authenticated_field_is_served_to_a_signed_in_caller(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    body = await _run(gateway, "{ me { name email } }", keys.token())
    assert body == {"data": {"me": {"name": "Account 1", "email": "a1@example.test"}}}


async def test_denied_field_inside_a_list_is_null_in_every_item(
    gateway: httpx.AsyncClient,
) -> None:
    body = await _run(gateway, "{ accounts { name mail: email } }")
    assert body["data"] == {
        "accounts": [{"name": "Account 1", "mail": None}, {"name": "Account 2", "mail": None}]
    }
    assert _denied(body) == [["accounts", "mail"]]


async def test_required_scope_is_enforced(gateway: httpx.AsyncClient, keys: Keys) -> None:
    customer = await _run(gateway, "{ adminReport public }", keys.token(roles=["customer"]))
    assert customer["data"] == {"adminReport": None, "public": "hello"}
    assert _denied(customer) == [["adminReport"]]
    admin = await _run(gateway, "{ adminReport }", keys.token(roles=["admin"]))
    assert admin == {"data": {"adminReport": "all good"}}


async def test_scope_alternatives_need_every_scope_of_one_alternative(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    both = await _run(gateway, "{ adminReport }", keys.token(roles=[], scope="auditor reports"))
    assert both == {"data": {"adminReport": "all good"}}
    one = await _run(gateway, "{ adminReport }", keys.token(roles=[], scope="auditor"))
    assert one["data"] == {"adminReport": None}
    assert _denied(one) == [["adminReport"]]


async def test_policy_is_enforced_from_the_policy_claim(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    query = '{ account(id: "3") { name perks } }'
    plain = await _run(gateway, query, keys.token())
    assert plain["data"] == {"account": {"name": "Account 3", "perks": None}}
    assert _denied(plain) == [["account", "perks"]]
    vip = await _run(gateway, query, keys.token(policies=["vip"]))
    assert vip == {"data": {"account": {"name": "Account 3", "perks": "lounge"}}}


async def test_denied_non_null_field_nulls_its_nullable_parent(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    body = await _run(gateway, '{ public account(id: "2") { name badge } }', keys.token())
    assert body["data"] == {"public": "hello", "account": None}
    assert _denied(body) == [["account", "badge"]]


async def test_denied_non_null_field_without_a_nullable_parent_nulls_data(
    gateway: httpx.AsyncClient,
) -> None:
    body = await _run(gateway, "{ accounts { badge } }")
    assert body["data"] is None
    assert _denied(body) == [["accounts", "badge"]]


async def test_denied_mutation_does_not_run(gateway: httpx.AsyncClient, keys: Keys) -> None:
    denied = await _run(gateway, "mutation { reset }", keys.token())
    assert denied["data"] is None
    assert _denied(denied) == [["reset"]]
    allowed = await _run(gateway, "mutation { reset }", keys.token(roles=["admin"]))
    assert allowed == {"data": {"reset": True}}


async def test_variables_of_denied_fields_are_dropped_with_them(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    query = "query Log($limit: Int!) { public auditLog(limit: $limit) }"
    denied = await _run(gateway, query, keys.token(), {"limit": 2})
    assert denied["data"] == {"public": "hello", "auditLog": None}
    assert _denied(denied) == [["auditLog"]]
    allowed = await _run(gateway, query, keys.token(roles=["admin"]), {"limit": 2})
    assert allowed["data"] == {"public": "hello", "auditLog": ["entry 0", "entry 1"]}


async def test_fragments_and_skipped_fields_are_authorized_where_they_land(
    gateway: httpx.AsyncClient,
) -> None:
    query = (
        "query ($show: Boolean!) { accounts { ...Contact } me @include(if: $show) { id } }"
        " fragment Contact on Account { name email }"
    )
    body = await _run(gateway, query, variables={"show": False})
    assert body["data"] == {
        "accounts": [{"name": "Account 1", "email": None}, {"name": "Account 2", "email": None}]
    }
    # `me` was skipped, so it is not in the data; its error still tells the caller
    # that the field is withheld from them.
    assert _denied(body) == [["accounts", "email"], ["me"]]
