"""The hand-written migration builds exactly the models, on both backends."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Insert, text
from sqlalchemy import insert as sa_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from subgraphs.kit.database import create_engine
from subgraphs.kit.orm import utcnow
from subgraphs.orders.models import Base, Order

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(backend: str) -> None:
    engine = create_engine(backend, application_name="orders-migration-check")
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_one_order_per_user_and_idempotency_key(backend: str) -> None:
    engine = create_engine(backend, application_name="orders-migration-check")
    user = uuid.uuid4()

    def insert(key: str | None, owner: uuid.UUID = user) -> Insert:
        return sa_insert(Order).values(
            id=uuid.uuid4(),
            user_id=owner,
            status="PENDING",
            total_amount=Decimal("1.00"),
            idempotency_key=key,
            request_digest="d",
            payment_deadline=utcnow(),
        )

    try:
        async with engine.begin() as connection:
            await connection.execute(insert("k"))
            await connection.execute(insert(None))
            await connection.execute(insert(None))  # no key: nothing to recognise
            await connection.execute(insert("k", uuid.uuid4()))  # keys are per user
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(insert("k"))
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM orders"))
        await engine.dispose()
