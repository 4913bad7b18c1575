"""Security headers: what every response says to browsers about how to treat it.

On every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
`Referrer-Policy: no-referrer`, and `Strict-Transport-Security` when the client
came over TLS (seen directly, or through a trusted proxy's X-Forwarded-Proto;
over plain HTTP the header would be ignored, and it must not pin a development
host to https).

The Content-Security-Policy depends on who answers. The router's responses
(JSON, and the self-hosted GraphiQL page) get one policy that lets GraphiQL run:
scripts and styles from this origin only, GraphiQL's one inline script allowed
by its sha256 hash (never 'unsafe-inline' for scripts), inline styles allowed
(GraphiQL's components set them), fetches to this origin, and
`frame-ancestors 'none'`. A mounted app's HTML pages are its own business (the
door cannot know their scripts); its other responses get the strict API policy.
A response that sets its own policy keeps it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send
from supergraph.edge.door import is_https

API_POLICY = "default-src 'none'; frame-ancestors 'none'"

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(page: bytes) -> list[str]:
    """CSP sources ('sha256-...') for each inline script of an HTML page."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(page)
    ]


def page_policy(page: bytes, extra_sources: Iterable[str] = ()) -> str:
    """A policy under which `page` (GraphiQL's) runs, and nothing injected into it would."""
    extra = " ".join(extra_sources)
    scripts = " ".join(["'self'", *inline_script_hashes(page), extra]).strip()
    styles = " ".join(["'self'", "'unsafe-inline'", extra]).strip()
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _has(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bool:
    return any(key.lower() == name for key, _ in headers)


class SecurityHeaders:
    """The headers every response carries, whatever answered it."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: int, hsts_max_age_s: int) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies
        self.always = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        self.hsts = (
            (b"strict-transport-security", f"max-age={hsts_max_age_s}".encode())
            if hsts_max_age_s > 0
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = list(self.always)
        if self.hsts is not None and is_https(scope, self.trusted_proxies):
            added.append(self.hsts)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in added if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ContentSecurityPolicy:
    """Adds `policy` to responses without one; `html_policy` to HTML ones (None: leave them)."""

    def __init__(self, app: ASGIApp, policy: str, *, html_policy: str | None) -> None:
        self.app = app
        self.policy = (b"content-security-policy", policy.encode())
        self.html_policy = (
            (b"content-security-policy", html_policy.encode()) if html_policy else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not _has(headers, b"content-security-policy"):
                    content_type = next(
                        (v for k, v in headers if k.lower() == b"content-type"), b""
                    )
                    chosen = self.html_policy if b"text/html" in content_type else self.policy
                    if chosen is not None:
                        headers.append(chosen)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_policy)
