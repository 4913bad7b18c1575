"""The migration tree matches the models on both backends; the demo seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.database import create_engine
from subgraphs.kit.migrations import alembic_config, upgrade
from subgraphs.users.models import Base, User
from subgraphs.users.seed import DEV_ADMIN, DEV_CUSTOMER, seed
from subgraphs.users.settings import UsersSettings
from tests.subgraphs.users.accounts import login
from tests.support import databases
from tests.support.graphql import execute

CHANGE_PASSWORD = """
mutation Change($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new)
}
"""


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url, application_name="shopgraph-users-tests")
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert differences == []


async def test_the_database_enforces_unique_emails_and_known_roles(
    runtime: ServiceRuntime,
) -> None:
    def row(email: str, role: str = "customer") -> User:
        return User(
            email=email, password_hash="x", first_name="a", last_name="b", role=role, is_active=True
        )

    async with runtime.sessionmaker.begin() as session:
        session.add(row("dup@example.com"))
    for bad in (row("dup@example.com"), row("role@example.com", role="superuser")):
        with pytest.raises(IntegrityError):
            async with runtime.sessionmaker.begin() as session:
                session.add(bad)


async def count_users(runtime: ServiceRuntime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_seed_creates_the_documented_demo_accounts_once(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    settings = runtime.settings
    assert isinstance(settings, UsersSettings)

    await seed(runtime.sessionmaker, settings)
    await seed(runtime.sessionmaker, settings)

    assert await count_users(runtime) == 2
    admin = (await login(client, "admin@shopgraph.dev", DEV_ADMIN.password)).ok()["login"]
    customer = (await login(client, "customer@shopgraph.dev", DEV_CUSTOMER.password)).ok()["login"]
    assert (admin["user"]["id"], admin["user"]["role"]) == (str(DEV_ADMIN.id), "ADMIN")
    assert (customer["user"]["id"], customer["user"]["role"]) == (str(DEV_CUSTOMER.id), "CUSTOMER")


async def test_seed_leaves_an_existing_account_alone(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    settings = runtime.settings
    assert isinstance(settings, UsersSettings)
    await seed(runtime.sessionmaker, settings)
    session = (await login(client, "customer@shopgraph.dev", DEV_CUSTOMER.password)).ok()["login"]
    (
        await execute(
            client,
            CHANGE_PASSWORD,
            {"current": DEV_CUSTOMER.password, "new": "my own password"},
            token=session["accessToken"],
        )
    ).ok()

    await seed(runtime.sessionmaker, settings)

    assert (await login(client, "customer@shopgraph.dev", "my own password")).ok()


async def test_production_never_seeds(runtime: ServiceRuntime, tmp_path: Path) -> None:
    production = UsersSettings(
        environment="production",
        database_url="postgresql://db/users_db",
        service_key_file=tmp_path / "service.pem",
        signing_key_file=tmp_path / "users.pem",
    )

    with pytest.raises(RuntimeError, match="never seeded in production"):
        await seed(runtime.sessionmaker, production)

    assert await count_users(runtime) == 0


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_migrations_downgrade_to_nothing_and_upgrade_again(
    backend: str, tmp_path: Path
) -> None:
    if backend == "postgresql":
        url = await databases.create_database("usersmig")
    else:
        url = databases.sqlite_url(tmp_path, "users-migrations")
    try:
        await upgrade("subgraphs.users", url)
        assert {"users", "refresh_tokens"} <= await table_names(url)
        await downgrade("subgraphs.users", url, "base")
        assert await table_names(url) <= {"alembic_version"}
        await upgrade("subgraphs.users", url)
        assert {"users", "refresh_tokens"} <= await table_names(url)
    finally:
        if backend == "postgresql":
            await databases.drop_database(url)


async def table_names(url: str) -> set[str]:
    engine = create_engine(url, application_name="shopgraph-users-tests")
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def downgrade(package: str, url: str, revision: str) -> None:
    config = alembic_config(package, url)
    engine = create_engine(url, application_name="shopgraph-users-tests")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_on, config, revision)
    finally:
        await engine.dispose()


def _downgrade_on(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.downgrade(config, revision)
