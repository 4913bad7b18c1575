"""Databases for the tests: real PostgreSQL (and SQLite files), made and dropped here.

Every database the suite makes is named `sg_test_<label>_<pid>_<random>`, so runs
never collide, and a later run drops what a crashed run (a dead pid) left behind.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

PG_URL_VARIABLE = "SHOPGRAPH_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_NAME = re.compile(r"^sg_test_[a-z0-9]+_(\d+)_[0-9a-f]{8}$")


def admin_url() -> str:
    """The maintenance database of the server the suite may create databases on."""
    return os.environ.get(PG_URL_VARIABLE, DEFAULT_PG_URL)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def check_server() -> str | None:
    """None when the server answers; otherwise why it does not."""
    try:
        connection = await asyncpg.connect(_dsn(admin_url()), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


async def create_database(label: str) -> str:
    """A fresh, empty PostgreSQL database; returns its SQLAlchemy asyncpg URL."""
    name = f"sg_test_{re.sub('[^a-z0-9]', '', label.lower())}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(_dsn(admin_url()))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return (
        make_url(admin_url())
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )


async def drop_database(url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_dsn(admin_url()))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def drop_abandoned_databases() -> None:
    """Drop test databases whose creating process is gone (a crashed earlier run)."""
    connection = await asyncpg.connect(_dsn(admin_url()))
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'sg_test_%'"
        )
        for row in rows:
            match = _NAME.match(row["datname"])
            if match and not _alive(int(match.group(1))):
                await connection.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await connection.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sqlite_url(directory: Path, label: str) -> str:
    return f"sqlite+aiosqlite:///{directory / f'{label}.sqlite3'}"
