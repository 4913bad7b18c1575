"""Operation limits: each at its limit (served) and over it (refused before validation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from supergraph.edge.settings import EdgeSettings, LimitSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _limited(open_gateway: Callable[[EdgeSettings], Any], **limits: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await open_gateway(EdgeSettings(limits=LimitSettings(**limits)))
    return client


async def _post(client: httpx.AsyncClient, query: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query})


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def _assert_served(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await _post(client, query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _assert_refused(client: httpx.AsyncClient, query: str, code: str) -> str:
    response = await _post(client, query)
    assert response.status_code == 400, response.text
    assert _codes(response) == [code]
    message: str = response.json()["errors"][0]["message"]
    return message


async def test_depth_at_the_limit_is_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_depth=2)
    await _assert_served(client, '{ account(id: "1") { name } }')
    # One level deeper is refused by the limit, before validation would object.
    message = await _assert_refused(
        client, '{ account(id: "1") { name { deeper } } }', "MAX_DEPTH_EXCEEDED"
    )
    assert "nested 3, over the limit of 2" in message


async def test_depth_counts_through_fragments(gateway_for: Callable[[EdgeSettings], Any]) -> None:
    client = await _limited(gateway_for, max_depth=2)
    query = '{ account(id: "1") { ...A } } fragment A on Account { name { deeper } }'
    await _assert_refused(client, query, "MAX_DEPTH_EXCEEDED")


async def test_aliases_at_the_limit_are_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_aliases=3)
    body = await _assert_served(client, "{ a: public b: public c: public }")
    assert body["data"] == {"a": "hello", "b": "hello", "c": "hello"}
    await _assert_refused(
        client, "{ a: public b: public c: public d: public }", "MAX_ALIASES_EXCEEDED"
    )


async def test_root_fields_at_the_limit_are_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_root_fields=2)
    await _assert_served(client, "{ public caller { userId } }")
    await _assert_refused(
        client,
        "{ public caller { userId } ...R } fragment R on Query { accounts { id } }",
        "MAX_ROOT_FIELDS_EXCEEDED",
    )


async def test_total_fields_at_the_limit_are_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_fields=3)
    await _assert_served(client, "{ accounts { id name } }")
    await _assert_refused(client, "{ accounts { id name } public }", "MAX_FIELDS_EXCEEDED")


async def test_fragment_bomb_is_counted_at_its_expanded_size(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_fields=1000)
    # Each fragment spreads the next twice: 2^20 fields once expanded, 60 lines of text.
    fragments = [f"fragment F{i} on Account {{ ...F{i + 1} ...F{i + 1} }}" for i in range(20)]
    fragments.append("fragment F20 on Account { name }")
    query = '{ account(id: "1") { ...F0 } } ' + " ".join(fragments)
    message = await _assert_refused(client, query, "MAX_FIELDS_EXCEEDED")
    assert str(2**20 + 1) in message


async def test_tokens_at_the_limit_are_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_tokens=5)
    await _assert_served(client, "{ caller { userId } }")  # { caller { userId } } = 5 tokens
    await _assert_refused(client, "{ caller { userId roles } }", "MAX_TOKENS_EXCEEDED")


async def test_directives_per_field_at_the_limit_are_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_directives_per_field=2)
    await _assert_served(client, "{ public @include(if: true) @skip(if: false) }")
    await _assert_refused(
        client,
        "{ public @include(if: true) @skip(if: false) @include(if: true) }",
        "MAX_DIRECTIVES_EXCEEDED",
    )


async def test_introspection_depth_at_the_limit_is_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_introspection_depth=4)
    await _assert_served(client, "{ __schema { types { fields { name } } } }")
    await _assert_refused(
        client,
        "{ __schema { types { fields { type { name } } } } }",
        "MAX_INTROSPECTION_DEPTH_EXCEEDED",
    )


async def test_introspection_can_be_turned_off(gateway_for: Callable[[EdgeSettings], Any]) -> None:
    client = await _limited(gateway_for, introspection=False)
    await _assert_refused(client, "{ __schema { queryType { name } } }", "INTROSPECTION_DISABLED")
    await _assert_refused(client, '{ __type(name: "Query") { name } }', "INTROSPECTION_DISABLED")
    body = await _assert_served(client, "{ __typename public }")
    assert body["data"] == {"__typename": "Query", "public": "hello"}


async def test_fragment_cycle_is_refused(gateway_for: Callable[[EdgeSettings], Any]) -> None:
    client = await _limited(gateway_for)
    query = "{ accounts { ...A } } fragment A on Account { id ...B } fragment B on Account { ...A }"
    message = await _assert_refused(client, query, "GRAPHQL_VALIDATION_FAILED")
    assert "within itself" in message


async def test_abusive_requests_are_refused_and_the_gateway_keeps_serving(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for)  # the defaults
    deep = "{ " + "account(id: 1) { " * 200 + "id" + " }" * 201
    aliases = "{ " + " ".join(f"a{i}: public" for i in range(10_000)) + " }"
    cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    attempts = [
        (deep, 400, "MAX_DEPTH_EXCEEDED"),
        (aliases, 400, "MAX_TOKENS_EXCEEDED"),
        (cycle, 400, "GRAPHQL_VALIDATION_FAILED"),
    ]
    for query, status, code in attempts:
        # How fast refusals are is measured in bench/edge (no timing in tests); here:
        # the right refusal, and the gateway still serves.
        response = await _post(client, query)
        assert response.status_code == status, response.text
        assert _codes(response) == [code]
        assert (await _assert_served(client, "{ public }"))["data"] == {"public": "hello"}
    big = b'{"query": "{ public }", "padding": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = await client.post(
        "/graphql", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert _codes(response) == ["PAYLOAD_TOO_LARGE"]
    assert (await _assert_served(client, "{ public }"))["data"] == {"public": "hello"}


async def test_aliases_are_limited_even_within_the_token_budget(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(
        gateway_for, max_tokens=100_000, max_root_fields=100_000, max_fields=100_000
    )
    aliases = "{ " + " ".join(f"a{i}: public" for i in range(10_000)) + " }"
    await _assert_refused(client, aliases, "MAX_ALIASES_EXCEEDED")


async def test_cost_at_the_limit_is_served_and_over_it_refused(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_cost=40)
    # accounts(first: 5): 5 items x (1 for the object + 7 for @cost(weight: 7) on score)
    body = await _assert_served(client, "{ accounts(first: 5) { id score } }")
    assert len(body["data"]["accounts"]) == 5
    message = await _assert_refused(
        client, "{ accounts(first: 6) { id score } }", "MAX_COST_EXCEEDED"
    )
    assert "cost 48 is over the limit of 40" in message


async def test_cost_reads_slicing_arguments_from_variables_and_defaults(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _limited(gateway_for, max_cost=16)
    query = "query ($n: Int!) { accounts(first: $n) { score } }"
    served = await client.post("/graphql", json={"query": query, "variables": {"n": 2}})
    assert served.status_code == 200, served.text
    refused = await client.post("/graphql", json={"query": query, "variables": {"n": 3}})
    assert refused.status_code == 400
    assert _codes(refused) == ["MAX_COST_EXCEEDED"]
    await _assert_served(client, "{ accounts { score } }")  # first defaults to 2: cost 16
