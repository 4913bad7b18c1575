"""The gateway door's own refusals on `/api`, in the REST error shape.

The door (rate rules, body size limit, request timeout, masked failures) answers
before the REST app runs, in the GraphQL shape `{"errors": [{message, extensions}]}`.
A REST caller always gets `{code, message, details}`: this middleware, outside the
door, rewrites such an answer on `/api` routes. The status stays the door's, and so
do its headers (Retry-After); the extensions other than `code` become `details`.
The REST app's own answers never have a top-level `errors`, so they pass unchanged.
"""

from __future__ import annotations

from typing import Any

import orjson

from rest_compat.transport import ASGIApp, Message, Scope


def rest_error_body(body: bytes) -> bytes | None:
    """The REST body for a GraphQL-shaped error body, or None when it is not one."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict) or "code" in payload:
        return None
    errors = payload.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    first: dict[str, Any] = errors[0]
    extensions = first.get("extensions")
    extensions = dict(extensions) if isinstance(extensions, dict) else {}
    code = str(extensions.pop("code", None) or "INTERNAL_SERVER_ERROR")
    message = str(first.get("message") or "The request was refused.")
    return orjson.dumps({"code": code, "message": message, "details": extensions})


class RestErrorShape:
    """Rewrites GraphQL-shaped error answers under `prefix` into `{code, message, details}`."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (
            path == self.prefix or path.startswith(self.prefix + "/")
        ):
            await self.app(scope, receive, send)
            return
        held: Message | None = None  # an error's start, held until its body is known
        chunks: list[bytes] = []

        async def reshaping_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] >= 400:
                held = message
                return
            if message["type"] != "http.response.body" or held is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            start = held
            reshaped = rest_error_body(body)
            if reshaped is not None:
                body = reshaped
                headers = [
                    (name, value)
                    for name, value in start.get("headers", ())
                    if name.lower() != b"content-length"
                ]
                headers.append((b"content-length", str(len(body)).encode()))
                start = {**start, "headers": headers}
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, reshaping_send)
