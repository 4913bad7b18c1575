"""Carts: current prices from products, exact totals, limits, and nobody else's cart."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.subgraphs.orders.conftest import OrdersHarness
from tests.subgraphs.orders.peers import (
    archive_product,
    create_product,
    register_customer,
    set_price,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

CART_FIELDS = (
    "items { productId quantity unitPrice subtotal available product { id } } totalAmount itemCount"
)
ADD = f"""
mutation Add($p: ID!, $q: Int!) {{ addToCart(productId: $p, quantity: $q) {{ {CART_FIELDS} }} }}
"""
UPDATE = f"""
mutation Up($p: ID!, $q: Int!) {{ updateCartItem(productId: $p, quantity: $q) {{ {CART_FIELDS} }} }}
"""
REMOVE = f"mutation Rm($p: ID!) {{ removeFromCart(productId: $p) {{ {CART_FIELDS} }} }}"
CLEAR = f"mutation {{ clearCart {{ {CART_FIELDS} }} }}"
CART = f"query {{ cart {{ {CART_FIELDS} }} }}"
USER_CART = f"""
query Entities($reps: [_Any!]!) {{
  _entities(representations: $reps) {{ ... on User {{ id cart {{ {CART_FIELDS} }} }} }}
}}
"""


async def test_cart_adds_up_and_totals_exactly_at_current_prices(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    admin = peers.keys.admin_token()
    buyer = await register_customer(peers.users.base_url)
    dime = await create_product(peers.products.base_url, admin, price="0.10")
    fifth = await create_product(peers.products.base_url, admin, price="0.20")

    await orders_api.gql(ADD, {"p": str(dime), "q": 1}, token=buyer.token)
    await orders_api.gql(ADD, {"p": str(dime), "q": 2}, token=buyer.token)
    cart = (await orders_api.gql(ADD, {"p": str(fifth), "q": 1}, token=buyer.token)).ok()[
        "addToCart"
    ]
    assert cart["totalAmount"] == "0.50"  # 3 x 0.10 + 0.20, not 0.5000000000000001
    assert cart["itemCount"] == 4
    assert {i["productId"]: i["quantity"] for i in cart["items"]} == {str(dime): 3, str(fifth): 1}

    await set_price(peers.products.base_url, admin, dime, Decimal("1.05"))
    cart = (await orders_api.gql(CART, token=buyer.token)).ok()["cart"]
    assert cart["totalAmount"] == "3.35"
    assert next(i for i in cart["items"] if i["productId"] == str(dime))["unitPrice"] == "1.05"

    await archive_product(peers.products.base_url, admin, fifth)
    cart = (await orders_api.gql(CART, token=buyer.token)).ok()["cart"]
    archived = next(i for i in cart["items"] if i["productId"] == str(fifth))
    assert archived["available"] is False
    assert archived["subtotal"] == "0.00"
    assert cart["totalAmount"] == "3.15"


async def test_cart_update_remove_and_clear(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    one = await create_product(peers.products.base_url, peers.keys.admin_token(), price="2.50")
    two = await create_product(peers.products.base_url, peers.keys.admin_token(), price="1.00")
    await orders_api.gql(ADD, {"p": str(one), "q": 1}, token=buyer.token)
    await orders_api.gql(ADD, {"p": str(two), "q": 1}, token=buyer.token)

    updated = (await orders_api.gql(UPDATE, {"p": str(one), "q": 4}, token=buyer.token)).ok()
    assert updated["updateCartItem"]["totalAmount"] == "11.00"
    removed = (await orders_api.gql(REMOVE, {"p": str(one)}, token=buyer.token)).ok()
    assert [i["productId"] for i in removed["removeFromCart"]["items"]] == [str(two)]
    cleared = (await orders_api.gql(CLEAR, token=buyer.token)).ok()["clearCart"]
    assert cleared == {"items": [], "totalAmount": "0.00", "itemCount": 0}


async def test_cart_rejects_bad_quantities_and_products(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    admin = peers.keys.admin_token()
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, admin)
    gone = await create_product(peers.products.base_url, admin)
    await archive_product(peers.products.base_url, admin, gone)

    async def codes(query: str, variables: dict[str, object]) -> list[str | None]:
        return (await orders_api.gql(query, variables, token=buyer.token)).error_codes

    assert await codes(ADD, {"p": str(product), "q": 0}) == ["INVALID_QUANTITY"]
    assert await codes(ADD, {"p": str(product), "q": -3}) == ["INVALID_QUANTITY"]
    assert await codes(ADD, {"p": str(product), "q": 1001}) == ["INVALID_QUANTITY"]
    assert await codes(ADD, {"p": str(uuid.uuid4()), "q": 1}) == ["PRODUCT_NOT_FOUND"]
    assert await codes(ADD, {"p": str(gone), "q": 1}) == ["PRODUCT_UNAVAILABLE"]
    assert await codes(ADD, {"p": "not-an-id", "q": 1}) == ["INVALID_ID"]
    assert await codes(UPDATE, {"p": str(product), "q": 2}) == ["CART_ITEM_NOT_FOUND"]
    assert await codes(REMOVE, {"p": str(product)}) == ["CART_ITEM_NOT_FOUND"]
    await orders_api.gql(ADD, {"p": str(product), "q": 1000}, token=buyer.token)
    assert await codes(ADD, {"p": str(product), "q": 1}) == ["INVALID_QUANTITY"]
    assert (await orders_api.gql(CART)).error_codes == ["UNAUTHENTICATED"]


async def test_another_users_cart_is_not_found(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    owner = await register_customer(peers.users.base_url)
    other = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token())
    await orders_api.gql(ADD, {"p": str(product), "q": 2}, token=owner.token)
    reps = {"reps": [{"__typename": "User", "id": str(owner.id)}]}

    own = await orders_api.gql(USER_CART, reps, token=owner.token)
    snooped = await orders_api.gql(USER_CART, reps, token=other.token)

    assert own.ok()["_entities"][0]["cart"]["itemCount"] == 2
    assert snooped.error_codes == ["NOT_FOUND"]
    assert "itemCount" not in str(snooped.data)
    # The snooper's own cart is untouched and empty.
    mine = (await orders_api.gql(CART, token=other.token)).ok()["cart"]
    assert mine["items"] == []
