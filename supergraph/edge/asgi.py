"""Small ASGI helpers shared by the edge's middleware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            found: bytes = value
            return found
    return None


async def send_graphql_error(
    send: Send,
    status: int,
    message: str,
    code: str,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> None:
    """A GraphQL-shaped error response sent before the request reaches the router."""
    body = orjson.dumps(
        {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the body size limit runs first, so it is bounded)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes) -> Receive:
    """A `receive` that hands an already-read body to the next app."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
