"""CORS: which other origins' pages may call the gateway from a browser.

An allowed origin gets `Access-Control-Allow-Origin` (its own origin echoed, or
`*` when every origin is allowed without credentials), the configured exposed
headers and, when enabled, `Access-Control-Allow-Credentials`. A disallowed
origin gets no CORS header at all, so the browser keeps the response from the
page. Preflights (`OPTIONS` with `Access-Control-Request-Method`) are answered
here: 204 with the allowed methods and headers when origin, method and headers
all pass, otherwise 403 without CORS headers; they never reach the router.
Requests without an `Origin` (servers, curl, same-origin GETs) pass untouched
apart from `Vary: Origin`, which keeps shared caches from mixing answers.

Starlette's CORSMiddleware was not used because it sends some CORS headers
(allowed methods, credentials) to disallowed origins too.
"""

from __future__ import annotations

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send, header
from supergraph.edge.settings import CorsSettings

_VARY = (b"vary", b"Origin")


class Cors:
    def __init__(self, app: ASGIApp, settings: CorsSettings) -> None:
        self.app = app
        self.any_origin = "*" in settings.allow_origins
        self.origins = {origin.rstrip("/").encode() for origin in settings.allow_origins}
        self.methods = {method.upper() for method in settings.allow_methods}
        self.any_header = "*" in settings.allow_headers
        self.headers = {name.lower() for name in settings.allow_headers}
        self.credentials = settings.allow_credentials
        self.preflight_headers = [
            (b"access-control-allow-methods", ", ".join(sorted(self.methods)).encode()),
            (b"access-control-max-age", str(settings.max_age_s).encode()),
        ]
        self.response_headers: list[tuple[bytes, bytes]] = []
        if settings.expose_headers:
            exposed = ", ".join(settings.expose_headers).encode()
            self.response_headers.append((b"access-control-expose-headers", exposed))
        if self.credentials:
            self.response_headers.append((b"access-control-allow-credentials", b"true"))

    def _allows(self, origin: bytes) -> bool:
        return self.any_origin or origin in self.origins

    def _allow_origin(self, origin: bytes) -> tuple[bytes, bytes]:
        # With credentials the browser refuses `*`: echo the origin instead.
        value = b"*" if self.any_origin and not self.credentials else origin
        return (b"access-control-allow-origin", value)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = header(scope, b"origin")
        if origin is None:
            await self.app(scope, receive, _adding(send, [_VARY]))
            return
        requested_method = header(scope, b"access-control-request-method")
        if scope["method"] == "OPTIONS" and requested_method is not None:
            await self._preflight(scope, send, origin, requested_method)
            return
        added = [_VARY]
        if self._allows(origin):
            added += [self._allow_origin(origin), *self.response_headers]
        await self.app(scope, receive, _adding(send, added))

    async def _preflight(
        self, scope: Scope, send: Send, origin: bytes, requested_method: bytes
    ) -> None:
        requested = header(scope, b"access-control-request-headers") or b""
        names = [n.strip().lower() for n in requested.decode("latin-1").split(",") if n.strip()]
        allowed = (
            self._allows(origin)
            and requested_method.decode("latin-1").upper() in self.methods
            and (self.any_header or all(name in self.headers for name in names))
        )
        if not allowed:
            await _plain(send, 403, b"CORS preflight refused", [_VARY])
            return
        headers = [_VARY, self._allow_origin(origin), *self.preflight_headers]
        if names:
            headers.append((b"access-control-allow-headers", ", ".join(names).encode()))
        if self.credentials:
            headers.append((b"access-control-allow-credentials", b"true"))
        await _plain(send, 204, b"", headers)


def _adding(send: Send, added: list[tuple[bytes, bytes]]) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *added]
        await send(message)

    return send_with_headers


async def _plain(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
