"""The whole platform for REST tests: three services on PostgreSQL and the gateway with /api.

users and products come from the orders tests' peers (real processes on their own
migrated databases), orders from the orders e2e stack; the gateway is the router's
own `serve` command with the REST layer wrapped around it (`--wrap`), verifying
tokens against the users service's JWKS like a deployed gateway does.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.subgraphs.orders.peers import Peers
from tests.support.processes import PYTHON, free_port, running_process

REST_WRAPPER = "rest_compat.mount:with_rest_api"
PASSWORD = "correct horse battery"


@contextlib.contextmanager
def running_gateway(
    supergraph: Path,
    routes: dict[str, str],
    jwks_url: str,
    log_dir: Path,
    name: str = "gateway",
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """The gateway with /api mounted; yields its base URL. `settings`: SHOPGRAPH_GATEWAY_*."""
    port = free_port()
    argv = [PYTHON, "-m", "supergraph", "serve", "--supergraph", str(supergraph)]
    argv += ["--port", str(port), "--wrap", REST_WRAPPER]
    for graph, url in routes.items():
        argv += ["--subgraph-url", f"{graph}={url}"]
    env = {"SHOPGRAPH_JWKS_URL": jwks_url, "SHOPGRAPH_GATEWAY_CONFIG": "", **(settings or {})}
    with running_process(
        name, argv, log_dir=log_dir, env=env, health_url=f"http://127.0.0.1:{port}/health"
    ):
        yield f"http://127.0.0.1:{port}"


@dataclass
class Account:
    id: str
    email: str
    token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class RestPlatform:
    """The running platform as a REST caller sees it, plus the keys to make an admin."""

    base_url: str
    peers: Peers
    supergraph: Path
    routes: dict[str, str]  # subgraph name -> GraphQL URL, as the gateway is told

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=60)

    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.peers.keys.admin_token()}"}

    async def register(self, client: httpx.AsyncClient) -> Account:
        email = f"rest-{uuid.uuid4().hex[:12]}@example.com"
        body = {"email": email, "password": PASSWORD, "firstName": "Rest", "lastName": "Caller"}
        response = await client.post("/api/users/register", json=body)
        assert response.status_code == 201, response.text
        session = response.json()
        return Account(
            session["user"]["id"], email, session["accessToken"], session["refreshToken"]
        )

    async def create_product(self, client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
        body = {
            "name": f"Item {uuid.uuid4().hex[:8]}",
            "price": "10.00",
            "category": "Testing",
            "stockQuantity": 10,
            **fields,
        }
        response = await client.post("/api/products", json=body, headers=self.admin_headers())
        assert response.status_code == 201, response.text
        product: dict[str, Any] = response.json()
        return product
