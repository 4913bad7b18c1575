"""Orders in-process (PostgreSQL and SQLite) with users and products as real processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import text

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.migrations import upgrade
from subgraphs.orders.app import create_app
from subgraphs.orders.context import DEPENDENCIES_KEY
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.models import Base
from subgraphs.orders.payment_provider import SandboxPaymentProvider
from subgraphs.orders.settings import OrdersSettings
from subgraphs.orders.worker import RoundReport, run_round
from tests.subgraphs.orders.peers import Peers, running_peers
from tests.support import databases
from tests.support.graphql import GraphQLResult, app_client, execute


@pytest.fixture(scope="session")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    with running_peers(tmp_path_factory.mktemp("orders-peers")) as running:
        yield running


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The orders database URL, migrated once per backend per session."""
    if request.param == "postgresql":
        url = asyncio.run(databases.create_database("orders"))
    else:
        url = databases.sqlite_url(tmp_path_factory.mktemp("orders-sqlite"), "orders")
    asyncio.run(upgrade("subgraphs.orders", url))
    yield url
    if request.param == "postgresql":
        asyncio.run(databases.drop_database(url))


@dataclass
class OrdersHarness:
    client: httpx.AsyncClient
    app: FastAPI
    peers: Peers
    provider: SandboxPaymentProvider
    database_url: str

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def deps(self) -> OrdersDependencies:
        deps: OrdersDependencies = self.runtime.state[DEPENDENCIES_KEY]
        return deps

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> GraphQLResult:
        return await execute(self.client, query, variables, token=token)

    async def run_worker(self) -> RoundReport:
        return await run_round(self.runtime.sessionmaker, self.deps)

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.runtime.engine.connect() as connection:
            return (await connection.execute(text(sql), params)).scalar()


def orders_settings(peers: Peers, database_url: str) -> OrdersSettings:
    return OrdersSettings(
        database_url=database_url,
        data_dir=peers.data_dir,
        service_key_file=peers.keys.service_key_file,
        jwks_url=f"{peers.users.base_url}/.well-known/jwks.json",
        users_url=peers.users.graphql_url,
        products_url=peers.products.graphql_url,
        # The tests run the worker's rounds themselves, with a controlled clock.
        worker_enabled=False,
        service_timeout_seconds=10,
        database_pool_size=3,
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def orders_harness(peers: Peers, backend: str) -> AsyncIterator[OrdersHarness]:
    provider = SandboxPaymentProvider()
    app = create_app(orders_settings(peers, backend), payment_provider=provider)
    async with app_client(app) as client:
        yield OrdersHarness(client, app, peers, provider, backend)


@pytest_asyncio.fixture(loop_scope="session")
async def orders_api(orders_harness: OrdersHarness) -> AsyncIterator[OrdersHarness]:
    """The harness, with the orders tables emptied and the clock reset after the test."""
    clock = orders_harness.deps.clock
    yield orders_harness
    orders_harness.deps.clock = clock
    async with orders_harness.runtime.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
