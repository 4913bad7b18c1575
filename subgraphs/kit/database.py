"""Engines and sessionmakers, built in each app's lifespan (never at import time)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

Sessionmaker = async_sessionmaker[AsyncSession]


def async_url(url: str) -> URL:
    """Normalise a database URL to its async driver: asyncpg or aiosqlite."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database {backend!r}: use PostgreSQL or SQLite")


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str,
    *,
    application_name: str,
    pool_size: int = 10,
    echo: bool = False,
    server_settings: Mapping[str, str] | None = None,
) -> AsyncEngine:
    """An async engine tuned for the backend the URL names.

    `server_settings` are PostgreSQL settings for every connection (SQLite has none).
    """
    target = async_url(url)
    options: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
    if is_sqlite(target):
        if target.database and target.database != ":memory:":
            Path(target.database).parent.mkdir(parents=True, exist_ok=True)
        # One writer at a time: wait for the lock rather than fail at once.
        options["connect_args"] = {"timeout": 30}
    else:
        options.update(
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={
                "server_settings": {**(server_settings or {}), "application_name": application_name}
            },
        )
    engine = create_async_engine(target, **options)
    if is_sqlite(target):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> Sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
