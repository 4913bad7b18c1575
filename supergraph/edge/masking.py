"""ASGI middleware that masks unexpected errors: the client gets a request id, the log the rest.

An exception escaping the router (or a mounted app) becomes HTTP 500 with one
GraphQL error, `INTERNAL_SERVER_ERROR`, whose message and `extensions.requestId`
carry the request id and nothing of the exception; the traceback goes to the log
with the same id, so an operator can find it from what a client reports.

The request id is the client's `X-Request-Id` when it is a sane token (so an id
chosen upstream follows the request), otherwise a fresh one; it is sent back in
the response's `X-Request-Id` header either way.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import re
import secrets

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send, header, send_graphql_error

logger = logging.getLogger("supergraph.edge.errors")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)

# Letters, digits and a few separators, bounded: a header value must not be able to
# smuggle anything into a log line or a response.
_SANE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


# A random prefix per process and a counter: unique, and no system call per request
# (os.urandom for a uuid4 costs tens of microseconds on a busy machine).
_PROCESS_PREFIX = secrets.token_hex(8)
_counter = itertools.count(1)


def request_id_for(scope: Scope) -> str:
    """The request's id: a sane X-Request-Id from the client (or the observability
    layer in front, which sets one), else a new one."""
    given = header(scope, b"x-request-id")
    if given is not None and _SANE_ID.fullmatch(given):
        return given.decode("ascii")
    return f"{_PROCESS_PREFIX}{next(_counter):016x}"


class ErrorMasking:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        id_header = (b"x-request-id", request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", ())}
                if b"x-request-id" not in names:
                    message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception(
                "unexpected error on %s %s (request id %s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if started:
                raise  # too late for an answer of our own; the server drops the connection
            await send_graphql_error(
                send,
                500,
                f"Internal server error (request id {request_id}).",
                "INTERNAL_SERVER_ERROR",
                headers=[id_header],
                extensions={"requestId": request_id},
            )
        finally:
            current_request_id.reset(token)
