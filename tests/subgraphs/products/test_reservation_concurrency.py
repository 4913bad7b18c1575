"""Many orders racing for the last units, on PostgreSQL with real concurrent transactions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, func, select

from subgraphs.kit.auth import TokenSigner
from subgraphs.products.models import Product, StockReservation
from tests.subgraphs.products.conftest import (
    RunningApp,
    Tokens,
    create_product,
    own_postgres_app,
    stock_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

RESERVE = """
mutation($orderId: ID!, $items: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, items: $items) { orderId state }
}
"""
CALLERS = 100
UNITS = 30


@pytest_asyncio.fixture(scope="module")
async def postgres_app(keys_dir: Path, user_signer: TokenSigner) -> AsyncIterator[RunningApp]:
    """Its own PostgreSQL database; up to 20 connections (pool 10 + overflow 10), so many
    transactions are open at once while the server keeps room for the rest of the suite."""
    async with own_postgres_app("productsrace", keys_dir, database_pool_size=10) as app:
        yield app


async def test_hundred_concurrent_reservations_for_thirty_units_sell_exactly_thirty(
    postgres_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(postgres_app.sessionmaker, stock_quantity=UNITS)
    in_flight = 0
    most_in_flight = 0

    def checkout(*_: Any) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)

    def checkin(*_: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    pool = postgres_app.engine.sync_engine.pool
    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    try:
        results = await asyncio.gather(
            *(
                postgres_app.execute(
                    RESERVE,
                    {
                        "orderId": str(uuid.uuid4()),
                        "items": [{"productId": str(product.id), "quantity": 1}],
                    },
                    token=tokens.service,
                )
                for _ in range(CALLERS)
            )
        )
    finally:
        event.remove(pool, "checkout", checkout)
        event.remove(pool, "checkin", checkin)

    succeeded = [result for result in results if not result.errors]
    refused = [result for result in results if result.errors]
    assert len(succeeded) == UNITS
    assert {tuple(result.error_codes) for result in refused} == {("INSUFFICIENT_STOCK",)}
    assert all(result.data["reserveStock"]["state"] == "RESERVED" for result in succeeded)
    assert await stock_of(postgres_app.sessionmaker, product.id) == 0
    async with postgres_app.sessionmaker() as session:
        reserved = await session.scalar(
            select(func.coalesce(func.sum(StockReservation.quantity), 0)).where(
                StockReservation.product_id == product.id,
                StockReservation.state == "RESERVED",
            )
        )
        orders = await session.scalar(
            select(func.count(func.distinct(StockReservation.order_id))).where(
                StockReservation.product_id == product.id
            )
        )
        stored = await session.get(Product, product.id)
    assert reserved == UNITS
    assert orders == UNITS
    assert stored is not None
    assert stored.stock_quantity == 0
    # The transactions really overlapped in the database, not one after another.
    assert most_in_flight >= 10


async def test_concurrent_retries_of_one_order_reserve_once(
    postgres_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(postgres_app.sessionmaker, stock_quantity=10)
    variables = {
        "orderId": str(uuid.uuid4()),
        "items": [{"productId": str(product.id), "quantity": 3}],
    }
    results = await asyncio.gather(
        *(postgres_app.execute(RESERVE, variables, token=tokens.service) for _ in range(20))
    )
    assert all(not result.errors for result in results), [r.errors for r in results]
    assert await stock_of(postgres_app.sessionmaker, product.id) == 7
