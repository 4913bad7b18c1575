"""The shop's authorization directives, enforced by the real gateway over the real services.

The gateway runs with the shipped supergraph.yaml's router section (its auth
pointed at this run's users service, as a deployment does with
SHOPGRAPH_GATEWAY_AUTH_JWKS_URL) on the checked-in schema/supergraph.graphql, whose
fields carry `@authenticated` and `@requiresScopes`. Tokens are the users
service's own: customers register, an admin is a registered account promoted in
the users database, as an operator does.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from subgraphs.kit.auth import TokenSigner
from subgraphs.kit.database import create_engine
from subgraphs.kit.keys import generate_private_key, load_private_key
from tests.e2e.orders.stack import Stack
from tests.subgraphs.orders.peers import create_product, product_stock, register_customer
from tests.support.graphql import GraphQLResult, execute
from tests.support.processes import PYTHON, ROOT, free_port, running_process

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken }
}
"""
ME_AND_CATALOG = """
query MeAndCatalog($id: ID!) {
  me { email }
  product(id: $id) { name stockQuantity }
  categories { name }
}
"""
CREATE = """
mutation Create($input: CreateProductInput!) { createProduct(input: $input) { id name } }
"""
RESERVE = """
mutation Reserve($order: ID!, $product: ID!) {
  reserveStock(orderId: $order, items: [{productId: $product, quantity: 1}]) { orderId }
}
"""
PLACE = "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }"


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(stack: Stack, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    peers = stack.peers
    port = free_port()
    argv = [
        PYTHON, "-m", "supergraph", "serve", "--port", str(port),
        "--supergraph", str(ROOT / "schema" / "supergraph.graphql"),
        "--subgraph-url", f"users={peers.users.graphql_url}",
        "--subgraph-url", f"products={peers.products.graphql_url}",
        "--subgraph-url", f"orders={stack.orders.service.graphql_url}",
    ]  # fmt: skip
    env = {
        "SHOPGRAPH_GATEWAY_CONFIG": str(ROOT / "supergraph.yaml"),
        "SHOPGRAPH_GATEWAY_AUTH_JWKS_URL": f"{peers.users.base_url}/.well-known/jwks.json",
    }
    with running_process(
        "gateway-authz",
        argv,
        log_dir=tmp_path,
        env=env,
        health_url=f"http://127.0.0.1:{port}/health",
    ):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client


async def _admin_token(stack: Stack) -> str:
    """A real admin's access token, issued by the users service at login."""
    admin = await register_customer(stack.peers.users.base_url)
    engine = create_engine(stack.peers.database_urls[0], application_name="authz-e2e", pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE users SET role = 'admin' WHERE id = :id"), {"id": admin.id}
            )
    finally:
        await engine.dispose()
    async with httpx.AsyncClient(base_url=stack.peers.users.base_url, timeout=30) as client:
        variables = {"email": admin.email, "password": "correct horse battery"}
        token: str = (await execute(client, LOGIN, variables)).ok()["login"]["accessToken"]
    return token


def _refusals(result: GraphQLResult) -> list[tuple[list[str], str | None]]:
    return [(e.get("path"), (e.get("extensions") or {}).get("code")) for e in result.errors]


async def _product_count(stack: Stack) -> int:
    return int(await stack.products_scalar("SELECT count(*) FROM products"))


def _new_product() -> dict[str, object]:
    return {
        "name": f"Gated {uuid.uuid4().hex[:6]}",
        "price": "5.00",
        "category": "Testing",
        "stockQuantity": 3,
    }


async def test_anonymous_me_is_null_with_an_error_and_the_public_fields_are_served(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    product = await create_product(
        stack.peers.products.base_url, stack.peers.keys.admin_token(), stock=4
    )
    result = await execute(gateway, ME_AND_CATALOG, {"id": str(product)})

    assert result.status == 200, result.body
    assert result.data["me"] is None
    assert _refusals(result) == [(["me"], UNAUTHORIZED)]
    assert result.data["product"]["stockQuantity"] == 4
    assert {"name": "Testing"} in result.data["categories"]


async def test_a_signed_in_customer_sees_their_own_account_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    customer = await register_customer(stack.peers.users.base_url)
    result = await execute(gateway, "{ me { email } }", token=customer.token)
    assert result.ok() == {"me": {"email": customer.email}}


async def test_a_customer_creating_a_product_is_refused_by_the_gateway_before_any_fetch(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    customer = await register_customer(stack.peers.users.base_url)
    before = await _product_count(stack)

    result = await execute(gateway, CREATE, {"input": _new_product()}, token=customer.token)

    assert result.status == 200, result.body
    assert result.data is None  # createProduct is non-null: the null reaches the root
    assert _refusals(result) == [(["createProduct"], UNAUTHORIZED)]
    # The products subgraph never saw the mutation (it would refuse a customer itself,
    # with FORBIDDEN; the router's refusal came first).
    assert await _product_count(stack) == before


async def test_an_admin_creates_a_product_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    admin = await _admin_token(stack)
    before = await _product_count(stack)

    created = (await execute(gateway, CREATE, {"input": _new_product()}, token=admin)).ok()

    assert created["createProduct"]["name"].startswith("Gated ")
    assert await _product_count(stack) == before + 1


@pytest.mark.parametrize("caller", ["customer", "admin"])
async def test_reserving_stock_through_the_gateway_is_refused_to_every_user_token(
    stack: Stack, gateway: httpx.AsyncClient, caller: str
) -> None:
    peers = stack.peers
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=5)
    token = (
        await _admin_token(stack)
        if caller == "admin"
        else (await register_customer(peers.users.base_url)).token
    )
    variables = {"order": str(uuid.uuid4()), "product": str(product)}

    result = await execute(gateway, RESERVE, variables, token=token)

    assert result.data is None
    assert _refusals(result) == [(["reserveStock"], UNAUTHORIZED)]
    assert await product_stock(peers.products.base_url, product) == 5
    reservations = await stack.products_scalar(
        "SELECT count(*) FROM stock_reservations WHERE order_id = :id",
        id=uuid.UUID(variables["order"]),
    )
    assert reservations == 0


async def test_orders_still_reserves_stock_directly_when_a_customer_orders_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    peers = stack.peers
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=5)
    customer = await register_customer(peers.users.base_url)
    order_input = {"items": [{"productId": str(product), "quantity": 2}]}

    placed = await execute(gateway, PLACE, {"input": order_input}, token=customer.token)

    assert placed.ok()["placeOrder"]["status"] == "PENDING"
    assert await product_stock(peers.products.base_url, product) == 3


def _signed(key_file: Path | None, *, ttl: timedelta) -> str:
    key = load_private_key(key_file) if key_file is not None else generate_private_key()
    signer = TokenSigner(key, issuer="shopgraph-users", audience="shopgraph")
    return signer.sign(str(uuid.uuid4()), roles=["admin"], ttl=ttl, extra={"scope": "admin"})


@pytest.mark.parametrize("kind", ["forged", "expired"])
async def test_a_forged_or_expired_token_is_refused_with_401(
    stack: Stack, gateway: httpx.AsyncClient, kind: str
) -> None:
    if kind == "forged":  # the right claims, signed by a key the users service never had
        token = _signed(None, ttl=timedelta(minutes=10))
    else:  # the users service's own key, but expired
        token = _signed(stack.peers.keys.users_signing_key_file, ttl=timedelta(minutes=-10))

    result = await execute(gateway, "{ categories { name } }", token=token)

    assert result.status == 401, result.body
    assert result.error_codes == ["UNAUTHENTICATED"]
    assert result.data is None
