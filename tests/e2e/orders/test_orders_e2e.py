"""The acceptance scenarios of orders, with every service a real process on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.e2e.orders.stack import Stack, running_orders
from tests.subgraphs.orders.peers import (
    Customer,
    create_product,
    product_stock,
    register_customer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

ORDER_FIELDS = "id status totalAmount statusHistory { toStatus actor } payments { status }"
ADD = """
mutation Add($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { totalAmount } }
"""
CART = "query { cart { items { productId quantity } totalAmount } }"
PLACE = f"mutation P($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}"
PAY = f"""
mutation Pay($id: ID!, $token: String!) {{
  payOrder(orderId: $id, payment: {{token: $token}}) {{ {ORDER_FIELDS} }}
}}
"""
SHIP = f"""
mutation S($id: ID!, $status: OrderStatus!) {{
  updateOrderStatus(orderId: $id, status: $status) {{ {ORDER_FIELDS} }}
}}
"""
CANCEL = f"mutation C($id: ID!) {{ cancelOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"
ORDER = f"query O($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
USER_CART = """
query E($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { cart { itemCount } } }
}
"""


def items(product: uuid.UUID, quantity: int) -> list[dict[str, object]]:
    return [{"productId": str(product), "quantity": quantity}]


async def reserved_rows(stack: Stack, product: uuid.UUID) -> int:
    return int(
        await stack.products_scalar(
            "SELECT count(*) FROM stock_reservations WHERE product_id = :p AND state = 'RESERVED'",
            p=product,
        )
    )


async def buyer_and_product(
    stack: Stack, *, price: str = "19.99", stock: int = 10
) -> tuple[Customer, uuid.UUID]:
    peers = stack.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(
        peers.products.base_url, peers.keys.admin_token(), price=price, stock=stock
    )
    return buyer, product


async def test_cart_to_order_to_payment_to_delivery(stack: Stack) -> None:
    orders, admin = stack.orders, stack.peers.keys.admin_token()
    buyer, product = await buyer_and_product(stack, price="19.99")
    (await orders.gql(ADD, {"p": str(product), "q": 3}, token=buyer.token)).ok()

    placed = (await orders.gql(PLACE, {"input": {"fromCart": True}}, token=buyer.token)).ok()
    order = placed["placeOrder"]
    assert (order["status"], order["totalAmount"]) == ("PENDING", "59.97")
    assert (await orders.gql(CART, token=buyer.token)).ok()["cart"]["items"] == []
    assert await product_stock(stack.peers.products.base_url, product) == 7

    paid = (await orders.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)).ok()
    assert paid["payOrder"]["status"] == "PAID"
    for status in ("SHIPPED", "DELIVERED"):
        moved = (await orders.gql(SHIP, {"id": order["id"], "status": status}, token=admin)).ok()
        assert moved["updateOrderStatus"]["status"] == status

    final = (await orders.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert [h["toStatus"] for h in final["statusHistory"]] == [
        "PENDING",
        "PAID",
        "SHIPPED",
        "DELIVERED",
    ]
    assert await product_stock(stack.peers.products.base_url, product) == 7
    assert await reserved_rows(stack, product) == 0  # committed, no longer merely reserved


async def test_cancellation_releases_stock(stack: Stack) -> None:
    buyer, product = await buyer_and_product(stack, stock=10)
    placed = await stack.orders.gql(
        PLACE, {"input": {"items": items(product, 4)}}, token=buyer.token
    )
    order = placed.ok()["placeOrder"]
    assert await product_stock(stack.peers.products.base_url, product) == 6

    cancelled = (await stack.orders.gql(CANCEL, {"id": order["id"]}, token=buyer.token)).ok()

    assert cancelled["cancelOrder"]["status"] == "CANCELLED"
    assert await product_stock(stack.peers.products.base_url, product) == 10
    assert await reserved_rows(stack, product) == 0


async def test_declined_then_approved_payment(stack: Stack) -> None:
    buyer, product = await buyer_and_product(stack)
    placed = await stack.orders.gql(
        PLACE, {"input": {"items": items(product, 1)}}, token=buyer.token
    )
    order_id = placed.ok()["placeOrder"]["id"]

    declined = await stack.orders.gql(
        PAY, {"id": order_id, "token": "tok_declined"}, token=buyer.token
    )
    assert declined.error_codes == ["PAYMENT_DECLINED"]
    approved = await stack.orders.gql(PAY, {"id": order_id, "token": "tok_visa"}, token=buyer.token)

    order = approved.ok()["payOrder"]
    assert order["status"] == "PAID"
    assert [p["status"] for p in order["payments"]] == ["DECLINED", "APPROVED"]


async def test_products_stopped_during_place_order(stack: Stack) -> None:
    buyer, product = await buyer_and_product(stack, stock=10)
    products = stack.peers.products

    async def stop_products() -> None:
        await asyncio.to_thread(products.stop)

    # Products reserves the stock, then dies before its answer reaches orders.
    stack.proxy.arm(b"reserveStock", stop_products)
    try:
        failed = await stack.orders.gql(
            PLACE, {"input": {"items": items(product, 3)}}, token=buyer.token
        )
        assert stack.proxy.cut.is_set()
        assert failed.error_codes == ["SERVICE_UNAVAILABLE"]
        assert "products" in failed.errors[0]["message"]
        assert (
            await stack.orders.scalar("SELECT count(*) FROM orders WHERE user_id = :u", u=buyer.id)
            == 0
        )
        assert (
            await stack.products_scalar(
                "SELECT sum(quantity) FROM stock_reservations"
                " WHERE product_id = :p AND state = 'RESERVED'",
                p=product,
            )
            == 3
        )
    finally:
        await asyncio.to_thread(products.start)

    # Once products is back the orders worker gives the stock back on its own.
    for _ in range(100):
        if await reserved_rows(stack, product) == 0:
            break
        await asyncio.sleep(0.1)
    assert await reserved_rows(stack, product) == 0
    assert await product_stock(products.base_url, product) == 10
    assert (
        await stack.orders.scalar("SELECT count(*) FROM orders WHERE user_id = :u", u=buyer.id) == 0
    )


async def test_failed_order_write_releases_the_reservation(stack: Stack) -> None:
    buyer, product = await buyer_and_product(stack, stock=10)
    async with stack.orders.engine.begin() as connection:
        await connection.exec_driver_sql(
            "ALTER TABLE order_items ADD CONSTRAINT forced_failure CHECK (quantity <> 7)"
        )
    try:
        failed = await stack.orders.gql(
            PLACE, {"input": {"items": items(product, 7)}}, token=buyer.token
        )
    finally:
        async with stack.orders.engine.begin() as connection:
            await connection.exec_driver_sql(
                "ALTER TABLE order_items DROP CONSTRAINT forced_failure"
            )

    assert failed.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert (
        await stack.orders.scalar("SELECT count(*) FROM orders WHERE user_id = :u", u=buyer.id) == 0
    )
    assert await reserved_rows(stack, product) == 0
    assert await product_stock(stack.peers.products.base_url, product) == 10


async def test_twenty_concurrent_same_key_orders_make_one_order(stack: Stack) -> None:
    buyer, product = await buyer_and_product(stack, stock=100)
    payload = {"input": {"items": items(product, 2), "idempotencyKey": f"checkout-{uuid.uuid4()}"}}

    results = await asyncio.gather(
        *(stack.orders.gql(PLACE, payload, token=buyer.token) for _ in range(20))
    )

    assert len({r.ok()["placeOrder"]["id"] for r in results}) == 1
    assert (
        await stack.orders.scalar("SELECT count(*) FROM orders WHERE user_id = :u", u=buyer.id) == 1
    )
    assert (
        await stack.products_scalar(
            "SELECT count(DISTINCT order_id) FROM stock_reservations WHERE product_id = :p",
            p=product,
        )
        == 1
    )
    assert await product_stock(stack.peers.products.base_url, product) == 98


async def test_sixty_buyers_for_twenty_five_units(stack: Stack) -> None:
    peers = stack.peers
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=25)
    buyers = await asyncio.gather(*(register_customer(peers.users.base_url) for _ in range(60)))

    results = await asyncio.gather(
        *(
            stack.orders.gql(PLACE, {"input": {"items": items(product, 1)}}, token=b.token)
            for b in buyers
        )
    )

    succeeded = [r for r in results if not r.errors]
    refused = [r for r in results if r.errors]
    assert len(succeeded) == 25
    assert {code for r in refused for code in r.error_codes} == {"INSUFFICIENT_STOCK"}
    assert await product_stock(peers.products.base_url, product) == 0
    placed = await stack.orders.scalar(
        "SELECT count(*) FROM order_items WHERE product_id = :p", p=product
    )
    assert placed == 25


async def test_unpaid_order_expires_at_its_deadline(
    stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    peers = stack.peers
    buyer, product = await buyer_and_product(stack, stock=10)
    async with running_orders(
        peers,
        peers.products.graphql_url,
        tmp_path_factory.mktemp("orders-expiry"),
        payment_window_seconds="1.5",
    ) as orders:
        placed = await orders.gql(PLACE, {"input": {"items": items(product, 5)}}, token=buyer.token)
        order_id = placed.ok()["placeOrder"]["id"]
        assert await product_stock(peers.products.base_url, product) == 5

        for _ in range(100):
            status = (await orders.gql(ORDER, {"id": order_id}, token=buyer.token)).ok()
            if status["order"]["status"] == "CANCELLED":
                break
            await asyncio.sleep(0.1)

        assert status["order"]["status"] == "CANCELLED"
        assert status["order"]["statusHistory"][-1]["actor"] == "system:expiry"
        assert await product_stock(peers.products.base_url, product) == 10
        late = await orders.gql(PAY, {"id": order_id, "token": "tok_visa"}, token=buyer.token)
        assert late.error_codes == ["ORDER_NOT_PAYABLE"]


async def test_nobody_reads_or_changes_another_users_orders_or_cart(stack: Stack) -> None:
    owner, product = await buyer_and_product(stack)
    other = await register_customer(stack.peers.users.base_url)
    (await stack.orders.gql(ADD, {"p": str(product), "q": 1}, token=owner.token)).ok()
    placed = await stack.orders.gql(
        PLACE, {"input": {"items": items(product, 1)}}, token=owner.token
    )
    order_id = placed.ok()["placeOrder"]["id"]

    for query, variables in (
        (ORDER, {"id": order_id}),
        (PAY, {"id": order_id, "token": "tok_visa"}),
        (CANCEL, {"id": order_id}),
    ):
        attempt = await stack.orders.gql(query, variables, token=other.token)
        assert attempt.error_codes == ["ORDER_NOT_FOUND"]
        assert order_id not in str(attempt.body)
    cart = await stack.orders.gql(
        USER_CART, {"reps": [{"__typename": "User", "id": str(owner.id)}]}, token=other.token
    )
    assert cart.error_codes == ["NOT_FOUND"]
    own = (await stack.orders.gql(ORDER, {"id": order_id}, token=owner.token)).ok()["order"]
    assert own["status"] == "PENDING"
    assert (await stack.orders.gql(CART, token=owner.token)).ok()["cart"]["items"] != []
