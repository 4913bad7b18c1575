"""Databases for the services: created when missing, migrated, seeded."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from subgraphs.kit.database import create_engine, create_sessionmaker, is_sqlite
from subgraphs.kit.migrations import upgrade
from subgraphs.platform.services import ServiceSpec, load_seed, load_settings


async def ensure_database(database_url: str) -> bool:
    """Create a PostgreSQL database that does not exist yet; True if it was created.

    SQLite files appear on first connect, so there is nothing to do for them.
    """
    if is_sqlite(database_url):
        return False
    url = make_url(database_url)
    name = url.database
    if not name:
        raise ValueError("the PostgreSQL URL names no database")
    maintenance = url.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        # Identifiers cannot be bound parameters; quote the name as PostgreSQL does.
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            await connection.execute(f"CREATE DATABASE {quoted}")
        except asyncpg.DuplicateDatabaseError:  # another process made it meanwhile
            return False
        return True
    finally:
        await connection.close()


async def migrate(spec: ServiceSpec, database_url: str | None = None) -> str:
    """Create the service's database if needed and apply its migrations; returns the URL."""
    url = database_url or load_settings(spec).resolved_database_url
    await ensure_database(url)
    await upgrade(spec.package, url)
    return url


async def seed(spec: ServiceSpec, database_url: str | None = None) -> bool:
    """Run the service's idempotent demo seed; False when it has none."""
    seed_function = load_seed(spec)
    if seed_function is None:
        return False
    url = database_url or load_settings(spec).resolved_database_url
    engine = create_engine(url, application_name=f"shopgraph-seed-{spec.name}")
    try:
        await seed_function(create_sessionmaker(engine))
    finally:
        await engine.dispose()
    return True
