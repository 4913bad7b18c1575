"""Rate limiting per client address and per signed-in user, per route and per root field.

The issue asked for slowapi. slowapi is a thin layer for Starlette/FastAPI routes
(decorators on endpoints, a Request object per call) over the `limits` library,
which does the counting. The gateway is plain ASGI with no endpoint functions to
decorate, and its rules must also see inside GraphQL requests, so this module
uses `limits` directly: the same counting and storage as slowapi (a moving
window, in memory, or in Redis when configured so that every replica shares the
counters). slowapi stays a dependency of the project; nothing here imports it.

Two layers, because what they count differs:
- at the door (`DoorRateLimit`, outside every route): `per_ip` counts each HTTP
  request per client address, and `routes` (path prefix -> rule) each request
  under a prefix (`/api/users/login`), per address;
- around the router (`GraphQLRateLimit`, inside authentication and persisted
  queries, so it knows the user and the operation a hash stands for): `per_user`
  counts each GraphQL request of a signed-in caller per subject, and `fields`
  (root field -> rule) counts every selection of that root field per address:
  each operation of a batch (a JSON array body), each alias, each fragment,
  from POST bodies and GET query strings alike.

A request over a rule is answered HTTP 429 with `Retry-After` (seconds until the
window lets the next one through) and `RATE_LIMITED`. When the storage fails
(Redis down) the request is let through and the failure logged: an outage of
the counters must not become an outage of the shop.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from limits import RateLimitItem
from limits import parse as parse_rule
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from supergraph.edge.asgi import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    read_body,
    replay,
    send_graphql_error,
)
from supergraph.edge.authentication import current_principal
from supergraph.edge.door import current_client
from supergraph.edge.settings import RateLimitSettings

logger = logging.getLogger("supergraph.edge.rate_limit")

_OPEN_PATHS = ("/health", "/ready", "/metrics")
# Selections of one field counted in one request at most: far over any rule, and
# small enough that a fragment bomb cannot make a huge number of it.
_MAX_COUNT = 10_000


@dataclass(frozen=True)
class _Check:
    rule: str  # what the counter is for (part of its key, and of the refusal message)
    item: RateLimitItem
    who: str
    cost: int = 1


class RateLimits:
    """The rules and the counters, shared by the door's layer and the router's."""

    def __init__(self, settings: RateLimitSettings, *, max_tokens: int) -> None:
        self.per_ip = parse_rule(settings.per_ip) if settings.per_ip else None
        self.per_user = parse_rule(settings.per_user) if settings.per_user else None
        self.routes = {prefix: parse_rule(rule) for prefix, rule in settings.routes.items()}
        self.fields = {name: parse_rule(rule) for name, rule in settings.fields.items()}
        self.max_tokens = max_tokens
        # Our own pool, so that shutdown can close its connections (`limits` has no close).
        self._pool = ConnectionPool.from_url(settings.redis_url) if settings.redis_url else None
        storage: Storage = (
            RedisStorage(
                "async+redis://",
                implementation="redispy",
                key_prefix=settings.key_prefix,
                wrap_exceptions=True,
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            if self._pool is not None
            else MemoryStorage()
        )
        self.limiter = MovingWindowRateLimiter(storage)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    async def refused(self, checks: Iterable[_Check]) -> tuple[str, int] | None:
        """The first rule the request breaks and the seconds until it may retry, or None."""
        for check in checks:
            try:
                if await self.limiter.hit(check.item, check.rule, check.who, cost=check.cost):
                    continue
                stats = await self.limiter.get_window_stats(check.item, check.rule, check.who)
            except StorageError as error:
                logger.error("rate-limit counters unavailable, request let through: %s", error)
                return None
            return check.rule, max(1, math.ceil(stats.reset_time - time.time()))
        return None


async def _refuse(send: Send, rule: str, retry_after: int) -> None:
    await send_graphql_error(
        send,
        429,
        f"Too many requests ({rule}); try again in {retry_after} s.",
        "RATE_LIMITED",
        headers=[(b"retry-after", str(retry_after).encode())],
        extensions={"retryAfter": retry_after},
    )


def _client(scope: Scope) -> str:
    client = current_client.get()
    if client is not None:
        return client
    peer = scope.get("client")
    return str(peer[0]) if peer else "unknown"


class DoorRateLimit:
    """`per_ip` and `routes`: every HTTP request, whatever answers it."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        client = _client(scope)
        checks: list[_Check] = []
        if self.limits.per_ip is not None:
            checks.append(_Check("ip", self.limits.per_ip, client))
        path: str = scope["path"]
        for prefix, item in self.limits.routes.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                checks.append(_Check(f"route {prefix}", item, client))
        refused = await self.limits.refused(checks) if checks else None
        if refused is not None:
            await _refuse(send, *refused)
            return
        await self.app(scope, receive, send)


class GraphQLRateLimit:
    """`per_user` and `fields`: every GraphQL request, and every selection of a root field."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/graphql":
            await self.app(scope, receive, send)
            return
        checks: list[_Check] = []
        subject = current_principal.get().subject
        if self.limits.per_user is not None and subject is not None:
            checks.append(_Check("user", self.limits.per_user, subject))
        if self.limits.fields:
            queries: list[Any] = []
            if scope["method"] == "POST":
                body = await read_body(receive)
                receive = replay(body)
                queries = _posted_queries(body)
            elif scope["method"] == "GET":
                query_string = scope.get("query_string", b"").decode("latin-1")
                queries = parse_qs(query_string).get("query", [])
            counts = self._root_field_counts(queries)
            client = _client(scope)
            for name, count in sorted(counts.items()):
                checks.append(_Check(f"field {name}", self.limits.fields[name], client, count))
        refused = await self.limits.refused(checks) if checks else None
        if refused is not None:
            await _refuse(send, *refused)
            return
        await self.app(scope, receive, send)

    def _root_field_counts(self, queries: list[Any]) -> Counter[str]:
        """How often each rate-limited root field is selected, over all the operations."""
        counts: Counter[str] = Counter()
        for query in queries:
            # Names cannot be escaped in GraphQL, so a query that does not spell a
            # rule's field name does not select it (the JSON decoding is done).
            if not isinstance(query, str) or not any(name in query for name in self.limits.fields):
                continue
            try:
                document = parse(query, max_tokens=self.limits.max_tokens)
            except (GraphQLError, RecursionError):
                continue  # the router refuses it without running anything
            counts.update(_root_fields(document, set(self.limits.fields)))
        return counts


def _posted_queries(body: bytes) -> list[Any]:
    """The `query` of each operation in a POST body: one object, or a batch (an array)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    operations = payload if isinstance(payload, list) else [payload]
    return [op.get("query") for op in operations if isinstance(op, dict)]


def _root_fields(document: DocumentNode, wanted: set[str]) -> Counter[str]:
    """Selections of `wanted` root fields, through fragments (each fragment counted once,
    then multiplied, so a fragment that spreads another twice, ten levels deep, costs
    ten visits, not a thousand)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, Counter[str]] = {}

    def count(selection_set: SelectionSetNode, path: frozenset[str]) -> Counter[str]:
        found: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in wanted:
                    found[selection.name.value] += 1
            elif isinstance(selection, InlineFragmentNode):
                found.update(count(selection.selection_set, path))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in path:
                    continue  # unknown fragments and cycles are the router's to refuse
                if name not in memo:
                    memo[name] = count(fragment.selection_set, path | {name})
                found.update(memo[name])
        return Counter({name: min(n, _MAX_COUNT) for name, n in found.items()})

    total: Counter[str] = Counter()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total.update(count(definition.selection_set, frozenset()))
    return total
