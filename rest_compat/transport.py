"""How the REST layer reaches the graph: the router in this process, or a router URL.

Both send one GraphQL request per REST call and give back the router's HTTP status
and decoded JSON body. In process, the request goes through the gateway's whole
ASGI app (body limit, authentication, limits, authorization, metrics), exactly as
an HTTP client's `POST /graphql` would, without a network hop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]

GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True)
class GraphQLReply:
    """The router's answer: its HTTP status and its JSON body (`data`, `errors`)."""

    status: int
    body: dict[str, Any]
    retry_after: str | None = None  # the router's Retry-After (rate limits), passed on


class RouterUnreachable(Exception):
    """The router did not answer, or answered with something that is not GraphQL JSON."""


class GraphQLTransport(Protocol):
    async def execute(
        self, query: str, variables: dict[str, Any], headers: Mapping[str, str]
    ) -> GraphQLReply: ...

    async def close(self) -> None: ...


def _decode(status: int, raw: bytes, retry_after: str | None = None) -> GraphQLReply:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise RouterUnreachable(f"the router answered HTTP {status} without JSON") from error
    if not isinstance(body, dict):
        raise RouterUnreachable(f"the router answered HTTP {status} with a non-object body")
    return GraphQLReply(status, body, retry_after)


class InProcessRouter:
    """Runs each operation through the gateway's ASGI app in this process."""

    def __init__(self, app: ASGIApp, *, client: tuple[str, int] | None = None) -> None:
        self.app = app
        self.client = client

    async def execute(
        self, query: str, variables: dict[str, Any], headers: Mapping[str, str]
    ) -> GraphQLReply:
        payload = orjson.dumps({"query": query, "variables": variables})
        raw_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            *(
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in headers.items()
            ),
        ]
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": GRAPHQL_PATH,
            "raw_path": GRAPHQL_PATH.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": raw_headers,
            "client": self.client,
            "server": None,
        }
        sent_body = False
        status = 500
        retry_after: str | None = None
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": payload, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status, retry_after
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", ()):
                    if name.lower() == b"retry-after":
                        retry_after = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return _decode(status, b"".join(chunks), retry_after)

    async def close(self) -> None:
        return None  # the gateway owns its connections


class RemoteRouter:
    """Runs each operation against a router's GraphQL URL over HTTP."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout)

    async def execute(
        self, query: str, variables: dict[str, Any], headers: Mapping[str, str]
    ) -> GraphQLReply:
        try:
            response = await self._client.post(
                self.url, json={"query": query, "variables": variables}, headers=dict(headers)
            )
        except httpx.HTTPError as error:
            raise RouterUnreachable(f"the router at {self.url} did not answer") from error
        return _decode(response.status_code, response.content, response.headers.get("retry-after"))

    async def close(self) -> None:
        await self._client.aclose()
