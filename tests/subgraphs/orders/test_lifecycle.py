"""Tracking, the state machine, payments, cancellation and expiry."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from subgraphs.kit.orm import utcnow
from tests.subgraphs.orders.conftest import OrdersHarness
from tests.subgraphs.orders.peers import Customer, create_product, product_stock, register_customer
from tests.support.sql import recorded_statements, selects

pytestmark = pytest.mark.asyncio(loop_scope="session")

ORDER_FIELDS = """
  id status totalAmount
  statusHistory { fromStatus toStatus actor reason }
  payments { kind status amount failureCode }
"""
PLACE = f"mutation P($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}"
PAY = f"""
mutation Pay($id: ID!, $token: String!) {{
  payOrder(orderId: $id, payment: {{token: $token}}) {{ {ORDER_FIELDS} }}
}}
"""
CANCEL = f"""
mutation C($id: ID!) {{ cancelOrder(orderId: $id, reason: "changed mind") {{ {ORDER_FIELDS} }} }}
"""
UPDATE = f"""
mutation U($id: ID!, $status: OrderStatus!) {{
  updateOrderStatus(orderId: $id, status: $status) {{ {ORDER_FIELDS} }}
}}
"""
ORDER = f"query O($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
ALL_ORDERS = """
query All($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status } } pageInfo { hasNextPage endCursor }
  }
}
"""
USER_ORDERS = """
query Entities($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id orders { edges { node { id } } } } }
}
"""
ORDER_ENTITY = """
query Entities($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id } } }
"""


async def placed(
    api: OrdersHarness, *, price: str = "12.50", quantity: int = 2, stock: int = 10
) -> tuple[Customer, uuid.UUID, dict[str, object]]:
    peers = api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(
        peers.products.base_url, peers.keys.admin_token(), price=price, stock=stock
    )
    items = [{"productId": str(product), "quantity": quantity}]
    order = (await api.gql(PLACE, {"input": {"items": items}}, token=buyer.token)).ok()
    return buyer, product, order["placeOrder"]


async def test_order_goes_from_payment_to_delivery_with_history(orders_api: OrdersHarness) -> None:
    buyer, product, order = await placed(orders_api)
    admin = orders_api.peers.keys.admin_token()

    paid = (
        await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)
    ).ok()
    assert paid["payOrder"]["status"] == "PAID"
    assert paid["payOrder"]["payments"] == [
        {"kind": "CHARGE", "status": "APPROVED", "amount": "25.00", "failureCode": None}
    ]
    for status in ("SHIPPED", "DELIVERED"):
        moved = await orders_api.gql(UPDATE, {"id": order["id"], "status": status}, token=admin)
        assert moved.ok()["updateOrderStatus"]["status"] == status

    final = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert [(h["fromStatus"], h["toStatus"]) for h in final["statusHistory"]] == [
        (None, "PENDING"),
        ("PENDING", "PAID"),
        ("PAID", "SHIPPED"),
        ("SHIPPED", "DELIVERED"),
    ]
    assert final["statusHistory"][2]["actor"].startswith("admin:")
    # Paid stock is committed: products keeps it sold.
    assert await product_stock(orders_api.peers.products.base_url, product) == 8
    assert orders_api.provider.captured_total() >= Decimal("25.00")


async def test_illegal_transitions_are_refused(orders_api: OrdersHarness) -> None:
    buyer, _, order = await placed(orders_api)
    admin = orders_api.peers.keys.admin_token()

    async def code(status: str, token: str) -> list[str | None]:
        return (
            await orders_api.gql(UPDATE, {"id": order["id"], "status": status}, token=token)
        ).error_codes

    assert await code("SHIPPED", admin) == ["ILLEGAL_TRANSITION"]
    assert await code("DELIVERED", admin) == ["ILLEGAL_TRANSITION"]
    assert await code("PAID", admin) == ["ILLEGAL_TRANSITION"]  # only a payment pays
    assert await code("PENDING", admin) == ["ILLEGAL_TRANSITION"]
    assert await code("SHIPPED", buyer.token) == ["FORBIDDEN"]
    admin_pays = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=admin)
    assert admin_pays.error_codes == ["FORBIDDEN"]
    (await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)).ok()
    assert await code("DELIVERED", admin) == ["ILLEGAL_TRANSITION"]
    assert await code("SHIPPED", admin) == []
    cancel = await orders_api.gql(CANCEL, {"id": order["id"]}, token=buyer.token)
    assert cancel.error_codes == ["ILLEGAL_TRANSITION"]


async def test_cancelling_a_pending_order_releases_its_stock(orders_api: OrdersHarness) -> None:
    buyer, product, order = await placed(orders_api, quantity=3)
    products_url = orders_api.peers.products.base_url
    assert await product_stock(products_url, product) == 7

    cancelled = (await orders_api.gql(CANCEL, {"id": order["id"]}, token=buyer.token)).ok()

    assert cancelled["cancelOrder"]["status"] == "CANCELLED"
    assert await product_stock(products_url, product) == 10
    last = cancelled["cancelOrder"]["statusHistory"][-1]
    assert last["actor"] == f"user:{buyer.id}"
    assert "changed mind" in last["reason"]
    paying = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)
    assert paying.error_codes == ["ORDER_NOT_PAYABLE"]
    again = await orders_api.gql(CANCEL, {"id": order["id"]}, token=buyer.token)
    assert again.error_codes == ["ILLEGAL_TRANSITION"]


async def test_cancelling_a_paid_order_refunds_it(orders_api: OrdersHarness) -> None:
    buyer, _, order = await placed(orders_api, price="7.25", quantity=1)
    before = orders_api.provider.captured_total()
    (await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)).ok()
    assert orders_api.provider.captured_total() == before + Decimal("7.25")

    cancelled = (await orders_api.gql(CANCEL, {"id": order["id"]}, token=buyer.token)).ok()

    assert cancelled["cancelOrder"]["status"] == "CANCELLED"
    assert [(p["kind"], p["status"]) for p in cancelled["cancelOrder"]["payments"]] == [
        ("CHARGE", "APPROVED"),
        ("REFUND", "APPROVED"),
    ]
    assert orders_api.provider.captured_total() == before


async def test_declined_then_approved_payment(orders_api: OrdersHarness) -> None:
    buyer, _, order = await placed(orders_api)

    declined = await orders_api.gql(
        PAY, {"id": order["id"], "token": "tok_declined"}, token=buyer.token
    )
    assert declined.error_codes == ["PAYMENT_DECLINED"]
    still = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert still["status"] == "PENDING"
    assert still["payments"] == [
        {"kind": "CHARGE", "status": "DECLINED", "amount": "25.00", "failureCode": "card_declined"}
    ]

    paid = (
        await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)
    ).ok()
    assert paid["payOrder"]["status"] == "PAID"
    double = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)
    assert double.error_codes == ["ORDER_ALREADY_PAID"]


async def test_a_payment_timeout_is_retried_without_a_second_charge(
    orders_api: OrdersHarness,
) -> None:
    buyer, _, order = await placed(orders_api, price="3.00", quantity=1)
    charges_before = orders_api.provider.approved_charges()

    lost = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_timeout"}, token=buyer.token)
    assert lost.error_codes == ["PAYMENT_PROVIDER_UNAVAILABLE"]
    pending = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert pending["status"] == "PENDING"
    assert [p["status"] for p in pending["payments"]] == ["PENDING"]

    retried = await orders_api.gql(
        PAY, {"id": order["id"], "token": "tok_timeout"}, token=buyer.token
    )

    assert retried.ok()["payOrder"]["status"] == "PAID"
    assert [p["status"] for p in retried.ok()["payOrder"]["payments"]] == ["APPROVED"]
    # The provider charged once, although it was asked twice.
    assert orders_api.provider.approved_charges() == charges_before + 1


async def test_cancelling_after_a_lost_payment_answer_refunds_the_charge(
    orders_api: OrdersHarness,
) -> None:
    buyer, _, order = await placed(orders_api, price="4.00", quantity=1)
    before = orders_api.provider.captured_total()
    lost = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_timeout"}, token=buyer.token)
    assert lost.error_codes == ["PAYMENT_PROVIDER_UNAVAILABLE"]
    assert orders_api.provider.captured_total() == before + Decimal("4.00")  # it went through

    cancelled = (await orders_api.gql(CANCEL, {"id": order["id"]}, token=buyer.token)).ok()

    assert cancelled["cancelOrder"]["status"] == "CANCELLED"
    assert [(p["kind"], p["status"]) for p in cancelled["cancelOrder"]["payments"]] == [
        ("CHARGE", "APPROVED"),
        ("REFUND", "APPROVED"),
    ]
    assert orders_api.provider.captured_total() == before


async def test_a_provider_error_leaves_the_order_payable(orders_api: OrdersHarness) -> None:
    buyer, _, order = await placed(orders_api)
    pay = {"id": order["id"], "token": "tok_provider_error"}

    failed = await orders_api.gql(PAY, pay, token=buyer.token)
    assert failed.error_codes == ["PAYMENT_PROVIDER_UNAVAILABLE"]
    unsettled = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()
    assert [p["status"] for p in unsettled["order"]["payments"]] == ["PENDING"]

    paid = await orders_api.gql(PAY, {**pay, "token": "tok_visa"}, token=buyer.token)

    # The lost attempt is asked about first (declined, no money moved), then the new card.
    assert paid.ok()["payOrder"]["status"] == "PAID"
    assert paid.ok()["payOrder"]["payments"] == [
        {
            "kind": "CHARGE",
            "status": "DECLINED",
            "amount": "25.00",
            "failureCode": "processing_error",
        },
        {"kind": "CHARGE", "status": "APPROVED", "amount": "25.00", "failureCode": None},
    ]


async def test_unpaid_order_expires_and_its_stock_is_released(orders_api: OrdersHarness) -> None:
    buyer, product, order = await placed(orders_api, quantity=4)
    payer, kept_product, kept = await placed(orders_api, quantity=1)
    products_url = orders_api.peers.products.base_url
    (await orders_api.gql(PAY, {"id": kept["id"], "token": "tok_visa"}, token=payer.token)).ok()
    assert await product_stock(products_url, product) == 6

    assert (await orders_api.run_worker()).expired == 0  # not due yet
    window = orders_api.deps.payment_window
    orders_api.deps.clock = lambda: utcnow() + window + timedelta(seconds=1)
    report = await orders_api.run_worker()

    assert report.expired == 1
    expired = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert expired["status"] == "CANCELLED"
    assert expired["statusHistory"][-1]["actor"] == "system:expiry"
    assert await product_stock(products_url, product) == 10
    assert await product_stock(products_url, kept_product) == 9
    late = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)
    assert late.error_codes == ["ORDER_NOT_PAYABLE"]


async def test_expiry_first_settles_a_payment_whose_answer_was_lost(
    orders_api: OrdersHarness,
) -> None:
    buyer, product, order = await placed(orders_api, quantity=2)
    lost = await orders_api.gql(PAY, {"id": order["id"], "token": "tok_timeout"}, token=buyer.token)
    assert lost.error_codes == ["PAYMENT_PROVIDER_UNAVAILABLE"]
    window = orders_api.deps.payment_window
    orders_api.deps.clock = lambda: utcnow() + window + timedelta(seconds=1)

    report = await orders_api.run_worker()

    # The charge went through at the provider: the order is paid, not expired.
    assert report.expired == 0
    settled = (await orders_api.gql(ORDER, {"id": order["id"]}, token=buyer.token)).ok()["order"]
    assert settled["status"] == "PAID"
    assert settled["statusHistory"][-1]["actor"] == "system:payment"
    assert [p["status"] for p in settled["payments"]] == ["APPROVED"]
    assert await product_stock(orders_api.peers.products.base_url, product) == 8


async def test_another_users_order_is_not_found(orders_api: OrdersHarness) -> None:
    owner, _, order = await placed(orders_api)
    other = await register_customer(orders_api.peers.users.base_url)
    missing = str(uuid.uuid4())

    theirs = await orders_api.gql(ORDER, {"id": order["id"]}, token=other.token)
    nothing = await orders_api.gql(ORDER, {"id": missing}, token=other.token)
    assert theirs.error_codes == nothing.error_codes == ["ORDER_NOT_FOUND"]
    assert theirs.errors[0]["message"] == nothing.errors[0]["message"]
    for mutation, variables in (
        (PAY, {"id": order["id"], "token": "tok_visa"}),
        (CANCEL, {"id": order["id"]}),
    ):
        assert (await orders_api.gql(mutation, variables, token=other.token)).error_codes == [
            "ORDER_NOT_FOUND"
        ]
    entity = await orders_api.gql(
        ORDER_ENTITY, {"reps": [{"__typename": "Order", "id": order["id"]}]}, token=other.token
    )
    assert entity.ok()["_entities"] == [None]
    listing = await orders_api.gql(
        USER_ORDERS, {"reps": [{"__typename": "User", "id": str(owner.id)}]}, token=other.token
    )
    assert listing.error_codes == ["NOT_FOUND"]
    own = await orders_api.gql(
        USER_ORDERS, {"reps": [{"__typename": "User", "id": str(owner.id)}]}, token=owner.token
    )
    assert own.ok()["_entities"][0]["orders"]["edges"] == [{"node": {"id": order["id"]}}]
    assert (await orders_api.gql(ALL_ORDERS, token=other.token)).error_codes == ["FORBIDDEN"]
    status = (await orders_api.gql(ORDER, {"id": order["id"]}, token=owner.token)).ok()
    assert status["order"]["status"] == "PENDING"


async def test_admin_lists_orders_by_status_page_by_page(orders_api: OrdersHarness) -> None:
    admin = orders_api.peers.keys.admin_token()
    made = [await placed(orders_api, quantity=1) for _ in range(3)]
    buyer, _, first = made[0]
    (await orders_api.gql(PAY, {"id": first["id"], "token": "tok_visa"}, token=buyer.token)).ok()

    page = (await orders_api.gql(ALL_ORDERS, {"first": 2}, token=admin)).ok()["orders"]
    rest = (
        await orders_api.gql(
            ALL_ORDERS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=admin
        )
    ).ok()["orders"]
    paid = (await orders_api.gql(ALL_ORDERS, {"filter": {"status": "PAID"}}, token=admin)).ok()

    seen = [edge["node"]["id"] for edge in page["edges"] + rest["edges"]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    assert sorted(seen) == sorted(order["id"] for _, _, order in made)
    assert [e["node"]["id"] for e in paid["orders"]["edges"]] == [first["id"]]


async def test_orders_of_many_users_come_from_one_query(orders_api: OrdersHarness) -> None:
    admin = orders_api.peers.keys.admin_token()
    made = [await placed(orders_api, quantity=1) for _ in range(3)]
    reps = [{"__typename": "User", "id": str(buyer.id)} for buyer, _, _ in made]
    query = """
    query Entities($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on User { id orders(first: 5) { edges { node { id items { quantity } } } } }
      }
    }
    """

    with recorded_statements(orders_api.runtime.engine) as statements:
        result = await orders_api.gql(query, {"reps": reps}, token=admin)

    users = result.ok()["_entities"]
    assert [[e["node"]["id"] for e in u["orders"]["edges"]] for u in users] == [
        [order["id"]] for _, _, order in made
    ]
    order_reads = [s for s in selects(statements) if "FROM orders" in s]
    assert len(order_reads) == 1
    assert len(selects(statements)) == 2  # the orders, then all their items


USER_ORDERS_PAGE = """
query Entities($reps: [_Any!]!, $first: Int, $after: String, $status: OrderStatus) {
  _entities(representations: $reps) {
    ... on User {
      orders(first: $first, after: $after, status: $status) {
        edges { cursor node { id status } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


async def test_a_users_orders_filter_by_status_and_page_by_cursor(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(
        peers.products.base_url, peers.keys.admin_token(), price="1.00", stock=10
    )
    items = [{"productId": str(product), "quantity": 1}]
    made = [
        (await orders_api.gql(PLACE, {"input": {"items": items}}, token=buyer.token)).ok()[
            "placeOrder"
        ]["id"]
        for _ in range(3)
    ]
    (await orders_api.gql(PAY, {"id": made[1], "token": "tok_visa"}, token=buyer.token)).ok()
    reps = [{"__typename": "User", "id": str(buyer.id)}]

    async def page(**variables: object) -> dict[str, Any]:
        result = await orders_api.gql(
            USER_ORDERS_PAGE, {"reps": reps, **variables}, token=buyer.token
        )
        connection: dict[str, Any] = result.ok()["_entities"][0]["orders"]
        return connection

    paid = await page(status="PAID")
    pending = await page(status="PENDING")
    first = await page(first=2)
    rest = await page(first=2, after=first["pageInfo"]["endCursor"])

    assert [(e["node"]["id"], e["node"]["status"]) for e in paid["edges"]] == [(made[1], "PAID")]
    assert {e["node"]["id"] for e in pending["edges"]} == {made[0], made[2]}
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    walked = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
    assert walked == list(reversed(made))  # newest first, each once
    bad = await orders_api.gql(
        USER_ORDERS_PAGE, {"reps": reps, "after": "not-a-cursor"}, token=buyer.token
    )
    assert bad.error_codes == ["INVALID_CURSOR"]


async def test_placed_orders_and_revenue_reach_metrics(orders_api: OrdersHarness) -> None:
    async def sample(name: str) -> float:
        text = (await orders_api.client.get("/metrics")).text
        match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    placed_total = "shopgraph_orders_placed_total"
    revenue = 'shopgraph_orders_revenue_total{currency="USD"}'
    before = {name: await sample(name) for name in (placed_total, revenue)}
    buyer, _, order = await placed(orders_api, price="12.50", quantity=2)
    assert await sample(placed_total) == before[placed_total] + 1
    declined = await orders_api.gql(
        PAY, {"id": order["id"], "token": "tok_declined"}, token=buyer.token
    )
    assert declined.error_codes == ["PAYMENT_DECLINED"]
    assert await sample(revenue) == before[revenue]  # a decline earns nothing
    (await orders_api.gql(PAY, {"id": order["id"], "token": "tok_visa"}, token=buyer.token)).ok()
    assert await sample(revenue) == before[revenue] + 25.0
