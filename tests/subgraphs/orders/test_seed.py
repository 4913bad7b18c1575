"""The demo seed: deterministic, idempotent, pointing at the products seed's demo ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from subgraphs.kit.database import create_engine, create_sessionmaker
from subgraphs.orders.models import CartItem
from subgraphs.orders.seed import DEMO_CUSTOMER_ID, seed
from subgraphs.products.seed import demo_products
from subgraphs.users.seed import DEV_CUSTOMER

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_seed_puts_the_demo_cart_once(backend: str) -> None:
    engine = create_engine(backend, application_name="orders-seed-check")
    sessionmaker = create_sessionmaker(engine)
    try:
        await seed(sessionmaker)
        await seed(sessionmaker)
        async with sessionmaker() as session:
            lines = list(await session.scalars(select(CartItem)))
    finally:
        async with engine.begin() as connection:
            await connection.execute(CartItem.__table__.delete())
        await engine.dispose()

    catalog = {product.id for product in demo_products()}
    assert len(lines) == 2
    assert {line.user_id for line in lines} == {DEMO_CUSTOMER_ID} == {DEV_CUSTOMER.id}
    assert {line.product_id for line in lines} <= catalog
