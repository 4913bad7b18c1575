"""`shopgraph migrate` and `shopgraph seed` are safe to repeat, on PostgreSQL and SQLite."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from subgraphs.kit.database import create_engine
from subgraphs.platform import provisioning
from subgraphs.platform.services import ServiceSpec, load_seed, present_subgraphs
from tests.support import databases

PRESENT = present_subgraphs()[0]
SEEDED = [spec for spec in PRESENT if load_seed(spec) is not None]


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path, "platform")
        return
    url = await databases.create_database("platform")
    try:
        yield url
    finally:
        await databases.drop_database(url)


def _tables_and_columns(connection: Connection) -> dict[str, list[str]]:
    inspector = inspect(connection)
    return {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in sorted(inspector.get_table_names())
    }


async def schema_of(url: str) -> dict[str, list[str]]:
    engine = create_engine(url, application_name="test")
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_tables_and_columns)
    finally:
        await engine.dispose()


async def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url, application_name="test")
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            counts = {}
            for table in tables:
                result = await connection.execute(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
                counts[table] = result.scalar_one()
            return counts
    finally:
        await engine.dispose()


@pytest.mark.parametrize("spec", PRESENT, ids=lambda spec: spec.name)
async def test_migrating_twice_leaves_the_schema_as_the_first_run_made_it(
    spec: ServiceSpec, database_url: str
) -> None:
    await provisioning.migrate(spec, database_url)
    first = await schema_of(database_url)
    await provisioning.migrate(spec, database_url)

    assert await schema_of(database_url) == first
    assert "alembic_version" in first
    assert len(first) > 1, "the migrations created no table of the service"


@pytest.mark.parametrize("spec", SEEDED, ids=lambda spec: spec.name)
async def test_seeding_twice_leaves_the_same_demo_data(
    spec: ServiceSpec, database_url: str
) -> None:
    await provisioning.migrate(spec, database_url)
    await provisioning.seed(spec, database_url)
    first = await row_counts(database_url)
    await provisioning.seed(spec, database_url)

    assert await row_counts(database_url) == first
    assert sum(count for table, count in first.items() if table != "alembic_version") > 0


async def test_a_missing_postgresql_database_is_created_once() -> None:
    name = f"sg_test_provision_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = make_url(databases.admin_url()).set(database=name).render_as_string(False)
    try:
        assert await provisioning.ensure_database(url) is True
        assert await provisioning.ensure_database(url) is False
        connection = await asyncpg.connect(
            make_url(url).set(drivername="postgresql").render_as_string(False)
        )
        await connection.close()
    finally:
        await databases.drop_database(url)


async def test_sqlite_needs_no_database_created(tmp_path: Path) -> None:
    assert await provisioning.ensure_database(databases.sqlite_url(tmp_path, "x")) is False
    assert not (tmp_path / "x.sqlite3").exists()
