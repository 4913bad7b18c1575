"""Automatic persisted queries (memory and Redis) and trusted documents."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from supergraph.edge.settings import EdgeSettings, PersistedSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUERY = "{ accounts { id name } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
REDIS_URL = "redis://127.0.0.1:6379/0"


def _apq(hash_: str = HASH, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": hash_}}}
    if query is not None:
        body["query"] = query
    return body


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def _open(open_gateway: Callable[[EdgeSettings], Any], **persisted: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await open_gateway(
        EdgeSettings(persisted=PersistedSettings(**persisted))
    )
    return client


EXPECTED = {"accounts": [{"id": "1", "name": "Account 1"}, {"id": "2", "name": "Account 2"}]}


async def test_apq_miss_then_register_then_hit(gateway_for: Callable[[EdgeSettings], Any]) -> None:
    client = await _open(gateway_for)
    miss = await client.post("/graphql", json=_apq())
    assert miss.status_code == 200
    assert _codes(miss) == ["PERSISTED_QUERY_NOT_FOUND"]
    registered = await client.post("/graphql", json=_apq(query=QUERY))
    assert registered.json() == {"data": EXPECTED}
    hit = await client.post("/graphql", json=_apq())
    assert hit.json() == {"data": EXPECTED}
    extensions = json.dumps(_apq()["extensions"])
    by_get = await client.get("/graphql", params={"extensions": extensions})
    assert by_get.json() == {"data": EXPECTED}


async def test_apq_refuses_a_hash_that_does_not_match_the_query(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    client = await _open(gateway_for)
    wrong = await client.post("/graphql", json=_apq(hash_="0" * 64, query=QUERY))
    assert wrong.status_code == 400
    assert _codes(wrong) == ["INVALID_SHA256"]
    assert _codes(await client.post("/graphql", json=_apq(hash_="0" * 64))) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


async def test_apq_registrations_are_shared_through_redis(
    gateway_for: Callable[[EdgeSettings], Any],
) -> None:
    prefix = f"test:apq:{uuid.uuid4().hex}:"
    first = await _open(gateway_for, redis_url=REDIS_URL, redis_prefix=prefix)
    second = await _open(gateway_for, redis_url=REDIS_URL, redis_prefix=prefix)
    assert _codes(await second.post("/graphql", json=_apq())) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert (await first.post("/graphql", json=_apq(query=QUERY))).json() == {"data": EXPECTED}
    assert (await second.post("/graphql", json=_apq())).json() == {"data": EXPECTED}


def _manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": "accounts-v1", "name": "Accounts", "type": "query", "body": QUERY}
                ],
            }
        )
    )
    return path


async def test_trusted_document_runs_by_id(
    gateway_for: Callable[[EdgeSettings], Any], tmp_path: Path
) -> None:
    client = await _open(gateway_for, manifest_file=str(_manifest(tmp_path)))
    response = await client.post("/graphql", json={"documentId": "accounts-v1"})
    assert response.json() == {"data": EXPECTED}
    # Without trusted_only, other operations still run.
    other = await client.post("/graphql", json={"query": "{ public }"})
    assert other.json() == {"data": {"public": "hello"}}


async def test_trusted_only_refuses_everything_not_in_the_manifest(
    gateway_for: Callable[[EdgeSettings], Any], tmp_path: Path
) -> None:
    client = await _open(gateway_for, manifest_file=str(_manifest(tmp_path)), trusted_only=True)
    assert (await client.post("/graphql", json={"documentId": "accounts-v1"})).json() == {
        "data": EXPECTED
    }
    assert (await client.post("/graphql", json={"query": QUERY})).json() == {"data": EXPECTED}
    freeform = await client.post("/graphql", json={"query": "{ public }"})
    assert freeform.status_code == 400
    assert _codes(freeform) == ["QUERY_NOT_IN_SAFELIST"]
    unknown = await client.post("/graphql", json={"documentId": "nope"})
    assert unknown.status_code == 400
    assert _codes(unknown) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    # APQ cannot be used to slip a new operation in.
    sneaky = "{ public }"
    sneaky_hash = hashlib.sha256(sneaky.encode()).hexdigest()
    registration = await client.post("/graphql", json=_apq(sneaky_hash, sneaky))
    assert _codes(registration) == ["QUERY_NOT_IN_SAFELIST"]
    by_get = await client.get("/graphql", params={"query": sneaky})
    assert _codes(by_get) == ["QUERY_NOT_IN_SAFELIST"]
