"""`shopgraph dev` on PostgreSQL: the same command, databases created when missing."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from subgraphs.platform.services import present_subgraphs
from tests.e2e.platform import running_dev
from tests.e2e.test_dev_platform import LOGIN, ME, graphql
from tests.support import databases

pytestmark = pytest.mark.e2e


@pytest.fixture
async def database_urls() -> AsyncIterator[dict[str, str]]:
    """A not-yet-existing database per service, dropped afterwards."""
    urls = {
        spec.name: make_url(databases.admin_url())
        .set(database=f"sg_test_dev{spec.name}_{os.getpid()}_{uuid.uuid4().hex[:8]}")
        .render_as_string(hide_password=False)
        for spec in present_subgraphs()[0]
    }
    try:
        yield urls
    finally:
        for url in urls.values():
            await databases.drop_database(url)


async def database_exists(url: str) -> bool:
    server = make_url(databases.admin_url()).set(drivername="postgresql")
    connection = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        name = make_url(url).database
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name))
    finally:
        await connection.close()


async def test_dev_creates_the_postgresql_databases_and_serves_from_them(
    tmp_path: Path, database_urls: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, url in database_urls.items():
        assert not await database_exists(url)
        monkeypatch.setenv(f"SHOPGRAPH_{name.upper()}_DATABASE_URL", url)

    with running_dev(tmp_path) as platform:
        for url in database_urls.values():
            assert await database_exists(url)
        assert not (platform.data_dir / "users.sqlite3").exists()
        email, password = platform.announced_demo_accounts()[0]
        login = graphql(platform.url("users"), LOGIN, {"email": email, "password": password})
        me = graphql(platform.url("users"), ME, token=login["login"]["accessToken"])["me"]
        assert me["email"] == email
