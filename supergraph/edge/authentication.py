"""ASGI middleware that admits callers: anonymous, or with a verified bearer token.

A request with a token that fails verification is refused with HTTP 401 and
`UNAUTHENTICATED` before it reaches the router. A verified caller's claims go to
the subgraphs in the configured claim headers; the same headers sent by a client
are dropped first, so nobody can claim an identity without a token. The caller is
also put in a context variable, for the authorization checks of the pipeline.
"""

from __future__ import annotations

import contextvars
import logging

from supergraph.edge.asgi import ASGIApp, Receive, Scope, Send, header, send_graphql_error
from supergraph.edge.tokens import ANONYMOUS, Principal, TokenRejected, TokenVerifier

logger = logging.getLogger("supergraph.edge.audit")

current_principal: contextvars.ContextVar[Principal] = contextvars.ContextVar(
    "current_principal", default=ANONYMOUS
)

# Probes and assets never need a caller (a stale token must not fail a health check).
_OPEN_PATHS = ("/health", "/ready", "/metrics")


class AuthenticationMiddleware:
    def __init__(
        self, app: ASGIApp, verifier: TokenVerifier | None, claim_headers: dict[str, str]
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.claim_headers = {claim: name.lower() for claim, name in claim_headers.items()}
        self._claim_header_bytes = {name.encode("latin-1") for name in self.claim_headers.values()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", ()) if k not in self._claim_header_bytes]
        principal = ANONYMOUS
        authorization = header(scope, b"authorization")
        # Without verification configured the token passes through unread: the
        # subgraphs verify it, and the router's own checks see an anonymous caller.
        if authorization is not None and self.verifier is not None:
            scheme, _, token = authorization.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                await _refuse(send, "The Authorization header must be `Bearer <token>`.")
                return
            try:
                principal = await self.verifier.verify(token.strip())
            except TokenRejected as error:
                logger.info("token rejected: %s", error)
                await _refuse(send, str(error))
                return
            headers.extend(self._claim_headers(principal))
        scope = {**scope, "headers": headers}
        reset = current_principal.set(principal)
        try:
            await self.app(scope, receive, send)
        finally:
            current_principal.reset(reset)

    def _claim_headers(self, principal: Principal) -> list[tuple[bytes, bytes]]:
        added: list[tuple[bytes, bytes]] = []
        for claim, name in self.claim_headers.items():
            value = principal.claims.get(claim)
            if value is None:
                continue
            text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
            added.append((name.encode("latin-1"), text.encode("utf-8")))
        return added


async def _refuse(send: Send, message: str) -> None:
    await send_graphql_error(
        send,
        401,
        message,
        "UNAUTHENTICATED",
        headers=[(b"www-authenticate", b'Bearer error="invalid_token"')],
    )
