"""Alembic, one migration tree per service, on PostgreSQL and SQLite alike.

Each service's `migrations/env.py` is two lines: import its metadata and call
`run_migrations(metadata)`. `upgrade(...)` applies a service's migrations from
code (the CLI, the app's dev start and the tests all use it).
"""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from subgraphs.kit.database import async_url, create_engine, is_sqlite


def alembic_config(service_package: str, database_url: str) -> Config:
    """Alembic's config for `service_package` (e.g. "subgraphs.users")."""
    package = importlib.import_module(service_package)
    assert package.__file__ is not None
    script_location = Path(package.__file__).parent / "migrations"
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", async_url(database_url).render_as_string(False))
    return config


async def upgrade(service_package: str, database_url: str, revision: str = "head") -> None:
    """Apply `service_package`'s migrations up to `revision`."""
    config = alembic_config(service_package, database_url)
    engine = create_engine(database_url, application_name="shopgraph-migrate")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_on, config, revision)
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_migrations(metadata: MetaData) -> None:
    """Body of every service's `env.py`."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection, metadata)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    if context.is_offline_mode():
        context.configure(
            url=url, target_metadata=metadata, literal_binds=True, render_as_batch=is_sqlite(url)
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_engine(url, application_name="shopgraph-migrate")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run, metadata)
    finally:
        await engine.dispose()


def _configure_and_run(connection: Connection, metadata: MetaData, *_: Any) -> None:
    # SQLite cannot ALTER most things in place: batch mode rebuilds tables.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
