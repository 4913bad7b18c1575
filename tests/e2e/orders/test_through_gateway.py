"""The orders subgraph in the federated graph: the real router joins users, products, orders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.e2e.orders.stack import Stack
from tests.subgraphs.orders.peers import create_product, register_customer
from tests.support.graphql import execute
from tests.support.processes import PYTHON, free_port, running_process
from tests.support.supergraph import compose_shop_supergraph

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

ADD = "mutation Add($p: ID!) { addToCart(productId: $p, quantity: 2) { totalAmount } }"
PLACE = """
mutation P($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }
"""
MY_ORDERS = """
query Mine {
  me {
    email
    cart { totalAmount items { quantity product { name price } } }
    orders(first: 5) {
      edges { node { id status totalAmount items { quantity price product { name } } } }
    }
  }
}
"""
ONE_ORDER = """
query One($id: ID!) { order(id: $id) { status user { email } items { product { name } } } }
"""


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(stack: Stack, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    supergraph = compose_shop_supergraph(tmp_path)
    port = free_port()
    peers = stack.peers
    argv = [
        PYTHON, "-m", "supergraph", "serve", "--supergraph", str(supergraph), "--port", str(port),
        "--subgraph-url", f"users={peers.users.graphql_url}",
        "--subgraph-url", f"products={peers.products.graphql_url}",
        "--subgraph-url", f"orders={stack.orders.service.graphql_url}",
    ]  # fmt: skip
    # The shop's schema requires a verified caller for carts, orders and `me`.
    env = {"SHOPGRAPH_JWKS_URL": f"{peers.users.base_url}/.well-known/jwks.json"}
    with running_process(
        "gateway", argv, log_dir=tmp_path, env=env, health_url=f"http://127.0.0.1:{port}/health"
    ):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client


async def test_orders_and_cart_join_users_and_products_through_the_router(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    peers = stack.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(
        peers.products.base_url, peers.keys.admin_token(), price="4.25", stock=9
    )
    (await execute(gateway, ADD, {"p": str(product)}, token=buyer.token)).ok()
    placed = await execute(
        gateway,
        PLACE,
        {"input": {"items": [{"productId": str(product), "quantity": 3}]}},
        token=buyer.token,
    )
    order_id = placed.ok()["placeOrder"]["id"]

    me = (await execute(gateway, MY_ORDERS, token=buyer.token)).ok()["me"]
    one = (await execute(gateway, ONE_ORDER, {"id": order_id}, token=buyer.token)).ok()

    assert me["email"] == buyer.email
    assert me["cart"]["totalAmount"] == "8.50"
    assert me["cart"]["items"][0]["product"]["price"] == "4.25"
    [edge] = me["orders"]["edges"]
    assert edge["node"]["id"] == order_id
    assert edge["node"]["totalAmount"] == "12.75"
    assert edge["node"]["items"][0]["product"]["name"].startswith("Thing ")
    assert one["order"]["user"]["email"] == buyer.email
    other = await register_customer(peers.users.base_url)
    hidden = await execute(gateway, ONE_ORDER, {"id": order_id}, token=other.token)
    assert "ORDER_NOT_FOUND" in hidden.error_codes
