"""The users service under test, on PostgreSQL and on SQLite.

Each backend's database is created and migrated once per session; every test
gets a fresh app (its own engine, built in the lifespan) over emptied tables.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pytest_asyncio import is_async_test

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.migrations import upgrade
from subgraphs.users.app import create_app
from subgraphs.users.settings import UsersSettings
from tests.subgraphs.users.accounts import empty_tables
from tests.support import databases
from tests.support.graphql import app_client

HERE = Path(__file__).parent
# The smallest cost bcrypt accepts keeps the suite fast; one test checks the
# real default separately.
TEST_BCRYPT_ROUNDS = 4


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Session-scoped async fixtures and the tests must share one event loop.
    for item in items:
        if is_async_test(item) and HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated users database on the backend this run of the tests is for."""
    if request.param == "postgresql":
        url = await databases.create_database("users")
        try:
            await upgrade("subgraphs.users", url)
            yield url
        finally:
            await databases.drop_database(url)
    else:
        url = databases.sqlite_url(tmp_path_factory.mktemp("users-sqlite"), "users")
        await upgrade("subgraphs.users", url)
        yield url


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the service keeps its keys (created by the first app start)."""
    return tmp_path_factory.mktemp("users-data")


@pytest.fixture
def settings(database_url: str, data_dir: Path) -> UsersSettings:
    return UsersSettings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        bcrypt_rounds=TEST_BCRYPT_ROUNDS,
    )


@pytest.fixture
async def users_app(settings: UsersSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The running app and a client bound to it, over empty tables."""
    await empty_tables(settings.resolved_database_url)
    app = create_app(settings)
    async with app_client(app) as client:
        yield app, client


@pytest.fixture
def client(users_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return users_app[1]


@pytest.fixture
def runtime(users_app: tuple[FastAPI, httpx.AsyncClient]) -> ServiceRuntime:
    """The running app's engine, sessionmaker and state."""
    runtime: ServiceRuntime = users_app[0].state.runtime
    return runtime
