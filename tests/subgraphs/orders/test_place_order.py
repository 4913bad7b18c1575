"""Placing orders: users check, reservation in products, price snapshot, idempotency."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.orders.conftest import OrdersHarness
from tests.subgraphs.orders.peers import (
    create_product,
    product_stock,
    register_customer,
    set_user_active,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

PLACE = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    id status totalAmount idempotencyKey
    user { id }
    items { productId quantity price subtotal product { id } }
    statusHistory { fromStatus toStatus actor }
  }
}
"""


async def test_place_order_reserves_stock_and_snapshots_prices(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    admin = peers.keys.admin_token()
    buyer = await register_customer(peers.users.base_url)
    pen = await create_product(peers.products.base_url, admin, price="0.10", stock=10)
    ink = await create_product(peers.products.base_url, admin, price="0.20", stock=5)

    result = await orders_api.gql(
        PLACE,
        {
            "input": {
                "items": [
                    {"productId": str(pen), "quantity": 3},
                    {"productId": str(ink), "quantity": 1},
                ]
            }
        },
        token=buyer.token,
    )

    order = result.ok()["placeOrder"]
    assert order["status"] == "PENDING"
    assert order["totalAmount"] == "0.50"
    assert order["user"] == {"id": str(buyer.id)}
    lines = {line["productId"]: line for line in order["items"]}
    assert lines[str(pen)]["price"] == "0.10"
    assert lines[str(pen)]["subtotal"] == "0.30"
    assert order["statusHistory"] == [
        {"fromStatus": None, "toStatus": "PENDING", "actor": f"user:{buyer.id}"}
    ]
    assert await product_stock(peers.products.base_url, pen) == 7
    assert await product_stock(peers.products.base_url, ink) == 4


async def test_place_order_when_stock_runs_out_writes_nothing(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    scarce = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=2)
    plenty = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=50)

    result = await orders_api.gql(
        PLACE,
        {
            "input": {
                "items": [
                    {"productId": str(plenty), "quantity": 5},
                    {"productId": str(scarce), "quantity": 3},
                ]
            }
        },
        token=buyer.token,
    )

    assert result.error_codes == ["INSUFFICIENT_STOCK"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    assert await product_stock(peers.products.base_url, plenty) == 50


async def test_place_order_with_the_same_key_returns_the_first_order(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    payload = {"items": [{"productId": str(product), "quantity": 2}], "idempotencyKey": "k-1"}

    first = (await orders_api.gql(PLACE, {"input": payload}, token=buyer.token)).ok()
    again = (await orders_api.gql(PLACE, {"input": payload}, token=buyer.token)).ok()
    changed = await orders_api.gql(
        PLACE,
        {"input": {**payload, "items": [{"productId": str(product), "quantity": 3}]}},
        token=buyer.token,
    )

    assert again["placeOrder"]["id"] == first["placeOrder"]["id"]
    assert changed.error_codes == ["IDEMPOTENCY_CONFLICT"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 1
    assert await product_stock(peers.products.base_url, product) == 8


async def test_place_order_rejects_bad_input(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)

    async def codes(payload: dict[str, object]) -> list[str | None]:
        return (await orders_api.gql(PLACE, {"input": payload}, token=buyer.token)).error_codes

    line = {"productId": str(product), "quantity": 1}
    assert await codes({"items": []}) == ["EMPTY_ORDER"]
    assert await codes({"fromCart": True}) == ["EMPTY_ORDER"]
    assert await codes({"items": [{**line, "quantity": 0}]}) == ["INVALID_QUANTITY"]
    assert await codes({"items": [{**line, "quantity": 1001}]}) == ["INVALID_QUANTITY"]
    assert await codes({"items": [line, line]}) == ["INVALID_ORDER_INPUT"]
    assert await codes({"items": [line], "fromCart": True}) == ["INVALID_ORDER_INPUT"]
    unknown = {"productId": str(uuid.uuid4()), "quantity": 1}
    assert await codes({"items": [unknown]}) == ["PRODUCT_NOT_FOUND"]
    anonymous = await orders_api.gql(PLACE, {"input": {"items": [line]}})
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    assert await product_stock(peers.products.base_url, product) == 10


async def test_a_deactivated_user_cannot_order(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    admin = peers.keys.admin_token()
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, admin, stock=10)
    await set_user_active(peers.users.base_url, admin, buyer.id, False)

    # The access token is still within its lifetime; the users service says no.
    result = await orders_api.gql(
        PLACE, {"input": {"items": [{"productId": str(product), "quantity": 1}]}}, token=buyer.token
    )

    assert result.error_codes == ["USER_CANNOT_ORDER"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    assert await product_stock(peers.products.base_url, product) == 10
