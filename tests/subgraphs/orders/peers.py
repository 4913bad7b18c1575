"""The services orders talks to, as real processes, and helpers to drive them.

users and products run as uvicorn processes on free ports, each on its own
PostgreSQL database migrated with its own migrations. The test run holds the
keys: the services' shared key (service credentials) and the users service's
signing key (so that an admin token can be made without an admin account; a
customer token always comes from a real `register`).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from subgraphs.kit.auth import TokenSigner
from subgraphs.kit.keys import generate_private_key, private_key_pem
from subgraphs.kit.migrations import upgrade
from tests.support import databases
from tests.support.graphql import execute
from tests.support.processes import ManagedProcess, free_port, start_process, uvicorn_argv


@dataclass(frozen=True)
class Keys:
    directory: Path
    service_key_file: Path
    users_signing_key_file: Path

    @classmethod
    def create(cls, directory: Path) -> Keys:
        directory.mkdir(parents=True, exist_ok=True)
        service = directory / "service-signing.pem"
        users = directory / "users-signing.pem"
        service.write_bytes(private_key_pem(generate_private_key()))
        users.write_bytes(private_key_pem(generate_private_key()))
        return cls(directory, service, users)

    def admin_token(self) -> str:
        from subgraphs.kit.keys import load_private_key

        signer = TokenSigner(
            load_private_key(self.users_signing_key_file),
            issuer="shopgraph-users",
            audience="shopgraph",
        )
        return signer.sign(str(uuid.uuid4()), roles=["admin"], ttl=timedelta(minutes=30))


@dataclass
class ServiceProcess:
    """One of our services running as a process; restartable on the same port."""

    name: str
    app_factory: str
    port: int
    env: dict[str, str]
    log_dir: Path
    process: ManagedProcess | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def start(self) -> None:
        self.process = start_process(
            f"{self.name}-{uuid.uuid4().hex[:6]}",
            uvicorn_argv(self.app_factory, self.port),
            log_dir=self.log_dir,
            env=self.env,
        )
        self.process.wait_healthy(f"{self.base_url}/health")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


def shared_env(data_dir: Path, keys: Keys, users_port: int) -> dict[str, str]:
    return {
        "SHOPGRAPH_ENV": "test",
        "SHOPGRAPH_DATA_DIR": str(data_dir),
        "SHOPGRAPH_SERVICE_KEY_FILE": str(keys.service_key_file),
        "SHOPGRAPH_JWKS_URL": f"http://127.0.0.1:{users_port}/.well-known/jwks.json",
        "SHOPGRAPH_USERS_SIGNING_KEY_FILE": str(keys.users_signing_key_file),
        "SHOPGRAPH_USERS_BCRYPT_ROUNDS": "4",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        # Small pools: the suite's processes share one PostgreSQL server (and its
        # connection limit) with everything else the suite runs.
        "SHOPGRAPH_USERS_DATABASE_POOL_SIZE": "3",
        "SHOPGRAPH_PRODUCTS_DATABASE_POOL_SIZE": "3",
        "SHOPGRAPH_ORDERS_DATABASE_POOL_SIZE": "3",
    }


async def migrated_database(service: str) -> str:
    url = await databases.create_database(service)
    await upgrade(f"subgraphs.{service}", url)
    return url


@dataclass
class Peers:
    users: ServiceProcess
    products: ServiceProcess
    keys: Keys
    data_dir: Path
    database_urls: list[str]


@contextlib.contextmanager
def running_peers(directory: Path) -> Iterator[Peers]:
    """users and products as real processes on migrated PostgreSQL databases."""
    keys = Keys.create(directory / "keys")
    users_port, products_port = free_port(), free_port()
    env = shared_env(directory, keys, users_port)
    users_db = asyncio.run(migrated_database("users"))
    products_db = asyncio.run(migrated_database("products"))
    users = ServiceProcess(
        "users",
        "subgraphs.users.app:create_app",
        users_port,
        {**env, "SHOPGRAPH_USERS_DATABASE_URL": users_db},
        directory / "logs",
    )
    products = ServiceProcess(
        "products",
        "subgraphs.products.app:create_app",
        products_port,
        {**env, "SHOPGRAPH_PRODUCTS_DATABASE_URL": products_db},
        directory / "logs",
    )
    try:
        users.start()
        products.start()
        yield Peers(users, products, keys, directory, [users_db, products_db])
    finally:
        users.stop()
        products.stop()
        for url in (users_db, products_db):
            asyncio.run(databases.drop_database(url))


# --- driving the peers over HTTP


@dataclass(frozen=True)
class Customer:
    id: uuid.UUID
    token: str
    email: str


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken user { id } }
}
"""

CREATE_PRODUCT = """
mutation Create($input: CreateProductInput!) { createProduct(input: $input) { id } }
"""

PRODUCT_STOCK = "query Stock($id: ID!) { product(id: $id) { stockQuantity price } }"

ARCHIVE_PRODUCT = "mutation Archive($id: ID!) { deleteProduct(id: $id) { id isActive } }"

UPDATE_PRICE = """
mutation Price($id: ID!, $price: Money!) { updateProduct(id: $id, input: {price: $price}) { id } }
"""


SET_ACTIVE = """
mutation Active($id: ID!, $active: Boolean!) { setUserActive(id: $id, isActive: $active) { id } }
"""


async def set_user_active(
    users_url: str, admin_token: str, user_id: uuid.UUID, active: bool
) -> None:
    async with httpx.AsyncClient(base_url=users_url, timeout=30) as client:
        variables = {"id": str(user_id), "active": active}
        (await execute(client, SET_ACTIVE, variables, token=admin_token)).ok()


async def register_customer(users_url: str) -> Customer:
    email = f"buyer-{uuid.uuid4().hex[:12]}@example.com"
    async with httpx.AsyncClient(base_url=users_url, timeout=30) as client:
        data = (
            await execute(
                client,
                REGISTER,
                {
                    "input": {
                        "email": email,
                        "password": "correct horse battery",
                        "firstName": "Test",
                        "lastName": "Buyer",
                    }
                },
            )
        ).ok()
    payload = data["register"]
    return Customer(uuid.UUID(payload["user"]["id"]), payload["accessToken"], email)


async def create_product(
    products_url: str, admin_token: str, *, price: str = "10.00", stock: int = 10
) -> uuid.UUID:
    async with httpx.AsyncClient(base_url=products_url, timeout=30) as client:
        data = (
            await execute(
                client,
                CREATE_PRODUCT,
                {
                    "input": {
                        "name": f"Thing {uuid.uuid4().hex[:6]}",
                        "price": price,
                        "category": "Testing",
                        "stockQuantity": stock,
                    }
                },
                token=admin_token,
            )
        ).ok()
    return uuid.UUID(data["createProduct"]["id"])


async def product_stock(products_url: str, product_id: uuid.UUID) -> int:
    async with httpx.AsyncClient(base_url=products_url, timeout=30) as client:
        data = (await execute(client, PRODUCT_STOCK, {"id": str(product_id)})).ok()
    return int(data["product"]["stockQuantity"])


async def archive_product(products_url: str, admin_token: str, product_id: uuid.UUID) -> None:
    async with httpx.AsyncClient(base_url=products_url, timeout=30) as client:
        (await execute(client, ARCHIVE_PRODUCT, {"id": str(product_id)}, token=admin_token)).ok()


async def set_price(
    products_url: str, admin_token: str, product_id: uuid.UUID, price: Decimal
) -> None:
    async with httpx.AsyncClient(base_url=products_url, timeout=30) as client:
        variables = {"id": str(product_id), "price": str(price)}
        (await execute(client, UPDATE_PRICE, variables, token=admin_token)).ok()
