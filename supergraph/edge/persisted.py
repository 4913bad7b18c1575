"""Persisted queries: automatic (APQ) and trusted documents from a manifest.

APQ: a client sends `extensions.persistedQuery.sha256Hash` without the query;
the gateway answers `PERSISTED_QUERY_NOT_FOUND` until the client sends the query
with its hash once, which registers it (in memory, or in Redis when configured,
so that every replica knows it).

Trusted documents: a manifest (Apollo's `apollo-persisted-query-manifest` JSON,
or a plain `{id: body}` object) names the operations by id; a client may send
`documentId` or the APQ hash of one of them instead of its text. With
`trusted_only`, anything that is not in the manifest is refused and APQ
registration is off.

This is ASGI middleware: it rewrites the request so the router sees an ordinary
GraphQL request with its query, and touches nothing when no persisted query is
involved (a body without `persistedQuery` or `documentId` is not even parsed
unless only trusted documents are allowed).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode

import orjson

from supergraph.edge.asgi import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    read_body,
    replay,
    send_graphql_error,
)


class QueryStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, query: str) -> None: ...


class MemoryStore:
    """A bounded LRU of registered queries."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, str] = OrderedDict()

    async def get(self, key: str) -> str | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    async def put(self, key: str, query: str) -> None:
        self._items[key] = query
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class RedisStore:
    """Registered queries in Redis, shared by every gateway replica."""

    def __init__(self, url: str, prefix: str, ttl_s: int) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self.ttl_s = ttl_s

    async def get(self, key: str) -> str | None:
        found = await self.redis.get(self.prefix + key)
        return found.decode() if isinstance(found, bytes) else None

    async def put(self, key: str, query: str) -> None:
        await self.redis.set(self.prefix + key, query, ex=self.ttl_s)

    async def close(self) -> None:
        await self.redis.aclose()


def load_manifest(path: str | Path) -> dict[str, str]:
    """Operation bodies by id, from an Apollo persisted-query manifest or `{id: body}`."""
    raw = json.loads(Path(path).read_text())
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        return {str(op["id"]): str(op["body"]) for op in raw["operations"]}
    if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        return {str(k): v for k, v in raw.items()}
    raise ValueError(f"{path}: not a persisted-query manifest")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Outcome:
    payload: dict[str, Any] | None = None  # the rewritten request, or None to pass through
    error: tuple[int, str, str] | None = None  # status, message, code


class PersistedQueries:
    def __init__(
        self,
        app: ASGIApp,
        store: QueryStore,
        manifest: dict[str, str] | None = None,
        *,
        trusted_only: bool = False,
        apq: bool = True,
    ) -> None:
        self.app = app
        self.store = store
        self.manifest = manifest or {}
        self.trusted_bodies = {body: id_ for id_, body in self.manifest.items()}
        self.trusted_only = trusted_only
        self.apq = apq and not trusted_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/graphql":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            await self._post(scope, receive, send)
        elif scope["method"] == "GET":
            await self._get(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        outcome = _Outcome()
        if self.trusted_only or b"persistedQuery" in body or b"documentId" in body:
            try:
                payload = orjson.loads(body)
            except orjson.JSONDecodeError:
                payload = None  # the router reports bad JSON
            if isinstance(payload, dict):
                outcome = await self._resolve(payload)
        if outcome.error is not None:
            await send_graphql_error(send, *outcome.error)
            return
        if outcome.payload is not None:
            body = orjson.dumps(outcome.payload)
        await self.app(scope, replay(body), send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = {
            k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()
        }
        payload: dict[str, Any] = dict(params)
        if "extensions" in params:
            try:
                payload["extensions"] = orjson.loads(params["extensions"])
            except orjson.JSONDecodeError:
                payload.pop("extensions")
        outcome = (
            await self._resolve(payload)
            if self.trusted_only or "extensions" in payload or "documentId" in payload
            else _Outcome()
        )
        if outcome.error is not None:
            await send_graphql_error(send, *outcome.error)
            return
        if outcome.payload is not None:
            rewritten = {
                k: (v if isinstance(v, str) else json.dumps(v))
                for k, v in outcome.payload.items()
                if v is not None
            }
            scope = {**scope, "query_string": urlencode(rewritten).encode()}
        await self.app(scope, receive, send)

    async def _resolve(self, payload: dict[str, Any]) -> _Outcome:
        query = payload.get("query")
        extensions = payload.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        document_id = payload.get("documentId")
        if document_id is None and isinstance(persisted, dict):
            document_id = persisted.get("sha256Hash")
        if document_id is not None and not isinstance(document_id, str):
            return _Outcome(error=(400, "The persisted query id must be a string.", "BAD_REQUEST"))
        if isinstance(query, str):
            if self.trusted_only and query not in self.trusted_bodies:
                return _Outcome(
                    error=(
                        400,
                        "Only trusted documents are accepted; this operation is not one.",
                        "QUERY_NOT_IN_SAFELIST",
                    )
                )
            if document_id is not None and self.apq and document_id not in self.manifest:
                if sha256(query) != document_id:
                    return _Outcome(
                        error=(400, "provided sha does not match query", "INVALID_SHA256")
                    )
                await self.store.put(document_id, query)
            return _Outcome()
        if document_id is None:
            if self.trusted_only:
                return _Outcome(
                    error=(400, "Only trusted documents are accepted.", "QUERY_NOT_IN_SAFELIST")
                )
            return _Outcome()
        found = self.manifest.get(document_id)
        if found is None and self.apq:
            found = await self.store.get(document_id)
        if found is None:
            if self.trusted_only:
                return _Outcome(
                    error=(
                        400,
                        f"Persisted query {document_id} is not in the trusted documents.",
                        "PERSISTED_QUERY_NOT_IN_LIST",
                    )
                )
            if not self.apq:
                return _Outcome(
                    error=(
                        400,
                        "Automatic persisted queries are off.",
                        "PERSISTED_QUERY_NOT_SUPPORTED",
                    )
                )
            return _Outcome(error=(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"))
        rewritten = {k: v for k, v in payload.items() if k != "documentId"}
        rewritten["query"] = found
        return _Outcome(payload=rewritten)
