"""The edge over real HTTP: the fixture accounts subgraph, a JWKS endpoint, signing keys.

The JWKS endpoint stands in for the identity provider (the outside edge of the
router); the router and the subgraph are the real ones.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from supergraph.composition.compose import SubgraphSource, compose
from supergraph.config import fetch_sdl
from supergraph.edge.gateway import create_edge_gateway
from supergraph.edge.settings import AuthSettings, EdgeSettings
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import PYTHON, free_port, running_process

HERE = Path(__file__).resolve().parent
ISSUER = "https://issuer.test"
AUDIENCE = "shopgraph-test"


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    def jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        public = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        return jwt.encode(
            claims,
            self.private,
            algorithm=self.algorithm,
            headers={"kid": self.kid, **(headers or {})},
        )


@dataclass
class Keys:
    rsa: SigningKey
    ec: SigningKey
    unpublished: SigningKey

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": "user-1",
            "roles": ["customer"],
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, key: SigningKey | None = None, **overrides: Any) -> str:
        return (key or self.rsa).sign(self.claims(**overrides))


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        rsa=SigningKey("rsa-1", "RS256", rsa.generate_private_key(65537, 2048)),
        ec=SigningKey("ec-1", "ES256", ec.generate_private_key(ec.SECP256R1())),
        unpublished=SigningKey("rsa-2", "RS256", rsa.generate_private_key(65537, 2048)),
    )


@dataclass
class JwksServer:
    url: str
    published: list[dict[str, Any]] = field(default_factory=list)
    hits: int = 0


@pytest.fixture(scope="session")
def jwks_server(keys: Keys) -> Iterator[JwksServer]:
    state = JwksServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            body = json.dumps({"keys": state.published}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def published(jwks_server: JwksServer, keys: Keys) -> JwksServer:
    """The JWKS publishes the RSA and EC keys (not the third one) for this test."""
    jwks_server.published = [keys.rsa.jwk(), keys.ec.jwk()]
    jwks_server.hits = 0
    return jwks_server


@dataclass(frozen=True)
class Subgraph:
    url: str
    sdl: str


@pytest.fixture(scope="session")
def accounts_subgraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Subgraph]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_process(
        "accounts-subgraph",
        [PYTHON, str(HERE / "accounts_subgraph.py"), "--port", str(port)],
        log_dir=tmp_path_factory.mktemp("accounts-subgraph"),
        health_url=f"{base}/health",
    ):
        url = f"{base}/graphql"
        yield Subgraph(url, fetch_sdl(url))


@pytest.fixture(scope="session")
def supergraph_sdl(accounts_subgraph: Subgraph) -> str:
    """Composed by our composer from what the running subgraph serves."""
    return compose([SubgraphSource("accounts", accounts_subgraph.url, accounts_subgraph.sdl)])


GatewayFactory = Callable[..., Any]


@pytest.fixture
async def gateway_for(
    supergraph_sdl: str, published: JwksServer
) -> AsyncIterator[Callable[[EdgeSettings], Any]]:
    """Opens in-process gateways (the whole edge) with given settings; closes them after."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as stack:

        async def open_gateway(edge: EdgeSettings) -> httpx.AsyncClient:
            gateway = create_edge_gateway(supergraph_sdl, GatewaySettings(), edge)
            client: httpx.AsyncClient = await stack.enter_async_context(
                app_client(gateway.app)  # type: ignore[arg-type]
            )
            return client

        yield open_gateway


def auth_settings(jwks: JwksServer, **overrides: Any) -> AuthSettings:
    values: dict[str, Any] = {"jwks_url": jwks.url, "issuer": ISSUER, "audience": AUDIENCE}
    values.update(overrides)
    return AuthSettings(**values)


@pytest.fixture
async def gateway(
    gateway_for: Callable[[EdgeSettings], Any], published: JwksServer
) -> httpx.AsyncClient:
    """A gateway with authentication on and default limits."""
    client: httpx.AsyncClient = await gateway_for(EdgeSettings(auth=auth_settings(published)))
    return client
