"""The gateway's front door: the HTTP layers every request passes once, whatever its route.

Security headers, CORS, error masking, the request timeout and the per-address
rate rules sit here, around both the GraphQL stack and any app mounted next to
it (the REST layer at `/api`), so that a mounted route gets the same treatment
as `/graphql`. A mounted app that calls the GraphQL stack in process through the
door again (the REST layer does) goes straight to the GraphQL stack the second
time: the request was already counted, timed and guarded on its way in.

The door also decides who the client is (its address, or the one a trusted proxy
reports) and keeps it in a context variable for the layers inside.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send, header

logger = logging.getLogger("supergraph.edge")

# The calling client's address, set by the door for everything inside it.
current_client: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_client", default=None
)
_inside_door: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_door", default=False)


def client_address(scope: Scope, trusted_proxies: int) -> str:
    """The client's address: the socket peer, or what the trusted proxies appended.

    Each proxy appends the address it received the request from to X-Forwarded-For,
    so with N trusted proxies the client is the Nth entry from the right; entries
    further left were written by the client itself and prove nothing.
    """
    if trusted_proxies > 0:
        forwarded = header(scope, b"x-forwarded-for")
        if forwarded:
            hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
            if hops:
                return hops[-min(trusted_proxies, len(hops))]
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def is_https(scope: Scope, trusted_proxies: int) -> bool:
    """Whether the client reached us over TLS (directly, or at a trusted proxy)."""
    if scope.get("scheme") == "https":
        return True
    if trusted_proxies > 0:
        proto = header(scope, b"x-forwarded-proto")
        if proto:
            return proto.decode("latin-1").split(",")[-1].strip().lower() == "https"
    return False


class EdgeDoor:
    """The door's layers around a dispatcher to the GraphQL stack or a mounted app."""

    def __init__(
        self,
        graphql: ASGIApp,
        *,
        layers: Callable[[ASGIApp], ASGIApp],
        wrap_mounted: Callable[[ASGIApp], ASGIApp] | None,
        trusted_proxies: int,
        on_shutdown: list[Callable[[], Awaitable[None]]] | None = None,
    ) -> None:
        self.graphql = graphql
        self.trusted_proxies = trusted_proxies
        self._wrap_mounted = wrap_mounted
        self._on_shutdown = list(on_shutdown or [])
        self._mounts: list[tuple[str, ASGIApp]] = []
        self._through_layers = layers(self._dispatch)

    def mount(self, prefix: str, app: ASGIApp) -> EdgeDoor:
        """Serve `prefix` and everything under it from `app`, inside the door's layers."""
        wrapped = self._wrap_mounted(app) if self._wrap_mounted is not None else app
        self._mounts.append((prefix.rstrip("/"), wrapped))
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.graphql(scope, receive, self._closing(send))
            return
        if scope["type"] != "http" or _inside_door.get():
            # An in-process call from a mounted app has passed the door already.
            await self.graphql(scope, receive, send)
            return
        inside = _inside_door.set(True)
        client = current_client.set(client_address(scope, self.trusted_proxies))
        try:
            await self._through_layers(scope, receive, send)
        finally:
            current_client.reset(client)
            _inside_door.reset(inside)

    def _closing(self, send: Send) -> Send:
        """The router's lifespan `send`, closing the edge's connections before shutdown ends."""

        async def send_after_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                for close in self._on_shutdown:
                    try:
                        await close()
                    except Exception:
                        logger.exception("closing an edge connection failed")
            await send(message)

        return send_after_closing

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        for prefix, app in self._mounts:
            if path == prefix or path.startswith(prefix + "/"):
                await app(scope, receive, send)
                return
        await self.graphql(scope, receive, send)
