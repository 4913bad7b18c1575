"""The migrations build exactly the schema the models describe (plus the search index)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Uuid, bindparam, inspect, text
from sqlalchemy.exc import IntegrityError

from subgraphs.kit.database import create_engine
from subgraphs.kit.migrations import alembic_config, upgrade
from subgraphs.products.models import Base
from tests.subgraphs.products.conftest import RunningApp
from tests.support import databases

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Search structures live only in the migrations, one kind per backend.
DATABASE_ONLY = {
    "search_vector",
    "name_vector",
    "ix_products_search_vector",
    "ix_products_name_vector",
}


def _modelled(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    if name is None:
        return True
    return name not in DATABASE_ONLY and not name.startswith("products_fts")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "include_object": _modelled},
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(products_app: RunningApp) -> None:
    async with products_app.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_the_search_index_exists_for_the_backend(
    products_app: RunningApp, backend: str
) -> None:
    async with products_app.engine.connect() as connection:
        if backend == "postgresql":
            indexes = await connection.run_sync(
                lambda sync: {ix["name"] for ix in inspect(sync).get_indexes("products")}
            )
            assert {"ix_products_search_vector", "ix_products_name_vector"} <= indexes
        else:
            tables = await connection.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'products_fts'")
            )
            assert tables == 1


@pytest.mark.parametrize(("price", "stock"), [(-1, 1), (1, -1)])
async def test_database_refuses_negative_price_and_stock(
    products_app: RunningApp, price: int, stock: int
) -> None:
    statement = text(
        "INSERT INTO products (id, name, description, price, stock_quantity, category, "
        "is_active, created_at, updated_at) VALUES (:id, 'x', '', :price, :stock, 'c', "
        ":active, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ).bindparams(bindparam("id", type_=Uuid()))
    async with products_app.engine.connect() as connection:
        with pytest.raises(IntegrityError, match=r"(?i)check"):
            await connection.execute(
                statement, {"id": uuid.uuid4(), "price": price, "stock": stock, "active": True}
            )


@pytest.mark.parametrize("engine_name", ["postgresql", "sqlite"])
async def test_migrations_downgrade_to_nothing_and_upgrade_again(
    engine_name: str, tmp_path: Path
) -> None:
    if engine_name == "postgresql":
        url = await databases.create_database("productsmig")
    else:
        url = databases.sqlite_url(tmp_path, "products-migrations")
    tables = {"products", "stock_reservations", "stock_adjustments"}
    try:
        await upgrade("subgraphs.products", url)
        assert tables <= await table_names(url)
        await migrate_down(url, "base")
        assert await table_names(url) <= {"alembic_version"}
        await upgrade("subgraphs.products", url)
        assert tables <= await table_names(url)
    finally:
        if engine_name == "postgresql":
            await databases.drop_database(url)


async def table_names(url: str) -> set[str]:
    engine = create_engine(url, application_name="shopgraph-products-tests")
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            return set(names)
    finally:
        await engine.dispose()


async def migrate_down(url: str, revision: str) -> None:
    config = alembic_config("subgraphs.products", url)
    engine = create_engine(url, application_name="shopgraph-products-tests")

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()
