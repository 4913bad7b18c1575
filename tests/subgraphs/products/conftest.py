"""The products subgraph under test, on PostgreSQL and on SQLite.

Each backend gets one database, migrated once per session, and one app; every
test gets the app's client and leaves empty tables behind. Tokens are signed
here: customer/admin tokens by a test key the app trusts through
`jwt_public_key_file`, service credentials by the services' shared key.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.auth import TokenSigner, service_credential
from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.keys import generate_private_key
from subgraphs.kit.migrations import upgrade
from subgraphs.kit.trust import load_service_signer
from subgraphs.products.app import create_app
from subgraphs.products.models import Product
from subgraphs.products.settings import ProductsSettings
from tests.support.databases import create_database, drop_database, sqlite_url
from tests.support.graphql import GraphQLResult, app_client, execute

BACKENDS = ["postgresql", "sqlite"]
USER_ISSUER = "shopgraph-users"
AUDIENCE = "shopgraph"


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("products-keys")


@dataclass(frozen=True)
class Tokens:
    admin: str
    customer: str
    service: str


@pytest.fixture(scope="session")
def user_signer(keys_dir: Path) -> TokenSigner:
    private = generate_private_key()
    (keys_dir / "users-public.pem").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return TokenSigner(private, issuer=USER_ISSUER, audience=AUDIENCE)


def make_settings(keys_dir: Path, database_url: str, **overrides: Any) -> ProductsSettings:
    return ProductsSettings(
        database_url=database_url,
        data_dir=keys_dir,
        environment="test",
        jwt_public_key_file=keys_dir / "users-public.pem",
        jwt_issuer=USER_ISSUER,
        jwt_audience=AUDIENCE,
        **overrides,
    )


@pytest.fixture(scope="session")
def tokens(keys_dir: Path, user_signer: TokenSigner) -> Tokens:
    service_signer = load_service_signer(make_settings(keys_dir, "sqlite+aiosqlite://"))
    hour = timedelta(hours=1)
    return Tokens(
        admin=user_signer.sign(str(uuid.uuid4()), roles=["admin"], ttl=hour),
        customer=user_signer.sign(str(uuid.uuid4()), roles=["customer"], ttl=hour),
        service=service_credential(service_signer, "orders"),
    )


@pytest_asyncio.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "postgresql":
        url = await create_database("products")
        try:
            await upgrade("subgraphs.products", url)
            yield url
        finally:
            await drop_database(url)
    else:
        url = sqlite_url(tmp_path_factory.mktemp("products-db"), "products")
        await upgrade("subgraphs.products", url)
        yield url


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@dataclass
class RunningApp:
    app: FastAPI
    client: httpx.AsyncClient

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def engine(self) -> AsyncEngine:
        return self.runtime.engine

    @property
    def sessionmaker(self) -> Sessionmaker:
        return self.runtime.sessionmaker

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> GraphQLResult:
        return await execute(self.client, query, variables, token=token)


@asynccontextmanager
async def own_postgres_app(
    name: str, keys_dir: Path, **overrides: Any
) -> AsyncIterator[RunningApp]:
    """The app on a PostgreSQL database of its own, migrated, dropped afterwards (for
    tests that need PostgreSQL itself, beside the parametrised backends)."""
    url = await create_database(name)
    try:
        await upgrade("subgraphs.products", url)
        app = create_app(make_settings(keys_dir, url, **overrides))
        async with app_client(app) as client:
            yield RunningApp(app, client)
    finally:
        await drop_database(url)


@pytest_asyncio.fixture(scope="session")
async def running_app(
    database_url: str, keys_dir: Path, user_signer: TokenSigner
) -> AsyncIterator[RunningApp]:
    # `user_signer` has written the public key file the app trusts.
    app = create_app(make_settings(keys_dir, database_url))
    async with app_client(app) as client:
        yield RunningApp(app, client)


async def empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("TRUNCATE stock_adjustments, stock_reservations, products")
            )
        else:
            for table in ("stock_adjustments", "stock_reservations", "products"):
                await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608


@pytest_asyncio.fixture
async def products_app(running_app: RunningApp) -> AsyncIterator[RunningApp]:
    """The app for one test; its tables are emptied afterwards."""
    try:
        yield running_app
    finally:
        await empty_tables(running_app.engine)


async def create_product(
    sessionmaker: Sessionmaker,
    *,
    name: str = "Trail Running Shoe",
    price: str = "89.90",
    stock_quantity: int = 10,
    category: str = "Footwear",
    description: str = "",
    image_url: str | None = None,
    is_active: bool = True,
) -> Product:
    """A product straight into the database (the factory for catalog fixtures)."""
    async with sessionmaker.begin() as session:
        product = Product(
            name=name,
            price=Decimal(price),
            stock_quantity=stock_quantity,
            category=category,
            description=description,
            image_url=image_url,
            is_active=is_active,
        )
        session.add(product)
    return product


async def stock_of(sessionmaker: Sessionmaker, product_id: uuid.UUID) -> int:
    async with sessionmaker() as session:
        product = await session.get(Product, product_id)
        assert product is not None
        return product.stock_quantity
