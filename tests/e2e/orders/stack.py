"""The three services as real processes on PostgreSQL, orders reaching products via a proxy."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.database import create_engine
from tests.e2e.orders.cutting_proxy import CuttingProxy
from tests.subgraphs.orders.peers import (
    Peers,
    ServiceProcess,
    migrated_database,
    shared_env,
)
from tests.support import databases
from tests.support.graphql import GraphQLResult, execute
from tests.support.processes import free_port


@dataclass
class OrdersProcess:
    service: ServiceProcess
    database_url: str
    engine: AsyncEngine
    client: httpx.AsyncClient

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> GraphQLResult:
        return await execute(self.client, query, variables, token=token)

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(sql), params)).scalar()


@contextlib.asynccontextmanager
async def running_orders(
    peers: Peers, products_url: str, directory: Path, **settings: str
) -> AsyncIterator[OrdersProcess]:
    """An orders process on its own migrated PostgreSQL database."""
    database_url = await migrated_database("orders")
    env = {
        **shared_env(peers.data_dir, peers.keys, peers.users.port),
        "SHOPGRAPH_ORDERS_DATABASE_URL": database_url,
        "SHOPGRAPH_ORDERS_USERS_URL": peers.users.graphql_url,
        "SHOPGRAPH_ORDERS_PRODUCTS_URL": products_url,
        "SHOPGRAPH_ORDERS_WORKER_INTERVAL_SECONDS": "0.3",
        **{f"SHOPGRAPH_ORDERS_{name.upper()}": value for name, value in settings.items()},
    }
    service = ServiceProcess(
        "orders", "subgraphs.orders.app:create_app", free_port(), env, directory / "logs"
    )
    engine = create_engine(database_url, application_name="orders-e2e-checks", pool_size=2)
    await asyncio.to_thread(service.start)
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=60) as client:
            yield OrdersProcess(service, database_url, engine, client)
    finally:
        await asyncio.to_thread(service.stop)
        await engine.dispose()
        await databases.drop_database(database_url)


@dataclass
class Stack:
    peers: Peers
    proxy: CuttingProxy
    orders: OrdersProcess
    products_engine: AsyncEngine

    async def products_scalar(self, sql: str, **params: Any) -> Any:
        async with self.products_engine.connect() as connection:
            return (await connection.execute(text(sql), params)).scalar()
