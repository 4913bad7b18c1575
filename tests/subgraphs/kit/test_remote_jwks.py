"""`RemoteJWKS`: how services other than users learn the keys access tokens are signed with.

The JWKS is served over real HTTP by a small server whose document and
availability the tests control, standing in for any JWKS publisher.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from subgraphs.kit.auth import RemoteJWKS, TokenSigner, verify_token
from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.keys import PrivateKey, generate_private_key, public_jwk

ISSUER = "shopgraph-users"
AUDIENCE = "shopgraph"


class JWKSServer:
    def __init__(self) -> None:
        self.keys: list[PrivateKey] = []
        self.requests = 0
        self.failing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                if server.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps({"keys": [public_jwk(key) for key in server.keys]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/.well-known/jwks.json"
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    server = JWKSServer()
    try:
        yield server
    finally:
        server.close()


def token_from(key: PrivateKey) -> str:
    signer = TokenSigner(key, issuer=ISSUER, audience=AUDIENCE)
    return signer.sign(str(uuid.uuid4()), roles=["customer"], ttl=timedelta(minutes=5))


async def test_tokens_verify_with_keys_fetched_once_and_cached(jwks_server: JWKSServer) -> None:
    key = generate_private_key("ES256")
    jwks_server.keys = [key]
    remote = RemoteJWKS(jwks_server.url, issuer=ISSUER)

    for _ in range(3):
        principal = await verify_token(token_from(key), remote, audience=AUDIENCE)
        assert principal.roles == frozenset({"customer"})

    assert jwks_server.requests == 1


async def test_a_rotated_in_key_is_fetched_when_a_token_names_it(jwks_server: JWKSServer) -> None:
    old, new = generate_private_key("ES256"), generate_private_key("RS256")
    jwks_server.keys = [old]
    remote = RemoteJWKS(jwks_server.url, issuer=ISSUER, min_refresh_seconds=0)
    await verify_token(token_from(old), remote, audience=AUDIENCE)

    jwks_server.keys = [old, new]
    principal = await verify_token(token_from(new), remote, audience=AUDIENCE)

    assert principal.user_id is not None
    assert jwks_server.requests == 2


async def test_unknown_kids_cannot_make_the_verifier_hammer_the_jwks(
    jwks_server: JWKSServer,
) -> None:
    jwks_server.keys = [generate_private_key("ES256")]
    remote = RemoteJWKS(jwks_server.url, issuer=ISSUER, min_refresh_seconds=60)

    for _ in range(5):
        with pytest.raises(Unauthenticated) as refused:
            await verify_token(token_from(generate_private_key("ES256")), remote, audience=AUDIENCE)
        assert refused.value.details["reason"] == "kid"

    assert jwks_server.requests == 1


async def test_an_unreachable_jwks_fails_closed_and_recovers(jwks_server: JWKSServer) -> None:
    key = generate_private_key("ES256")
    jwks_server.keys = [key]
    jwks_server.failing = True
    remote = RemoteJWKS(jwks_server.url, issuer=ISSUER, min_refresh_seconds=0.2)

    with pytest.raises(Unauthenticated) as refused:
        await verify_token(token_from(key), remote, audience=AUDIENCE)
    assert refused.value.details["reason"] == "kid"

    jwks_server.failing = False
    await asyncio.sleep(0.25)
    assert await verify_token(token_from(key), remote, audience=AUDIENCE)
