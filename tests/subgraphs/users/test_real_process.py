"""The users service as a real process: HTTP round trip, and tokens verified via its JWKS.

Other services trust users' access tokens by fetching this JWKS over HTTP, so the
check uses the kit's `RemoteJWKS` exactly as they do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from subgraphs.kit.auth import RemoteJWKS, verify_token
from tests.subgraphs.users.accounts import ME, PASSWORD, empty_tables, login, register
from tests.support.graphql import execute
from tests.support.processes import ManagedProcess, free_port, running_process, uvicorn_argv

pytestmark = pytest.mark.e2e


@pytest.fixture
async def users_process(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, ManagedProcess]]:
    await empty_tables(database_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        "SHOPGRAPH_ENV": "development",
        "SHOPGRAPH_DATA_DIR": str(tmp_path / "data"),
        "SHOPGRAPH_USERS_DATABASE_URL": database_url,
        "SHOPGRAPH_USERS_BCRYPT_ROUNDS": "4",
    }
    with running_process(
        "users",
        uvicorn_argv("subgraphs.users.app:create_app", port),
        log_dir=tmp_path / "logs",
        env=environment,
        health_url=f"{base_url}/health",
    ) as process:
        yield base_url, process


async def test_register_login_me_over_http_and_the_token_verifies_through_the_jwks(
    users_process: tuple[str, ManagedProcess], tmp_path: Path
) -> None:
    base_url, process = users_process
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        assert (await client.get("/ready")).status_code == 200
        registered = (await register(client, "wire@example.com")).ok()["register"]
        session = (await login(client, "WIRE@example.com")).ok()["login"]
        me = (await execute(client, ME, token=session["accessToken"])).ok()["me"]

    assert me["id"] == registered["user"]["id"]
    assert (tmp_path / "data" / "keys" / "users-signing.pem").is_file()
    keys = RemoteJWKS(f"{base_url}/.well-known/jwks.json", issuer="shopgraph-users")
    principal = await verify_token(session["accessToken"], keys, audience="shopgraph")
    assert str(principal.user_id) == me["id"]
    assert principal.roles == frozenset({"customer"})
    log = process.log()
    for secret in (PASSWORD, session["accessToken"], session["refreshToken"]):
        assert secret not in log
