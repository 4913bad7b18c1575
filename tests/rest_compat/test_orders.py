"""Orders over REST: place (JWT + Idempotency-Key), list, get, cancel, pay, admin status changes.

Payments go through the orders service's sandbox provider with its documented test
tokens (`subgraphs/orders/payment_provider.py`): `tok_visa` is approved,
`tok_declined` is declined.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.rest_compat.platform import Account, RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def place_order(
    client: httpx.AsyncClient,
    account: Account,
    lines: list[dict[str, Any]],
    key: str | None = None,
) -> httpx.Response:
    headers = {**account.headers, "Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post("/api/orders", json={"items": lines}, headers=headers)


async def placed_order(
    platform: RestPlatform, client: httpx.AsyncClient, account: Account, *, price: str = "10.00"
) -> dict[str, Any]:
    product = await platform.create_product(client, price=price, stockQuantity=5)
    response = await place_order(client, account, [{"productId": product["id"], "quantity": 2}])
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def test_place_an_order_with_a_jwt_and_an_idempotency_key(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, price="12.50", stockQuantity=5)
        lines = [{"productId": product["id"], "quantity": 2}]
        first = await place_order(client, account, lines, key="design-path-order-1")
        assert first.status_code == 201, first.text
        retry = await place_order(client, account, lines, key="design-path-order-1")
        stock = (await client.get(f"/api/products/{product['id']}")).json()["stockQuantity"]
    order = first.json()
    assert order["status"] == "PENDING"
    assert order["totalAmount"] == "25.00"
    assert order["idempotencyKey"] == "design-path-order-1"
    assert [(i["productId"], i["quantity"], i["price"]) for i in order["items"]] == [
        (product["id"], 2, "12.50")
    ]
    assert retry.status_code == 201
    assert retry.json()["id"] == order["id"]  # the retry returns the first order
    assert stock == 3  # reserved once


async def test_the_same_key_for_a_different_order_is_a_conflict(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, stockQuantity=5)
        key = uuid.uuid4().hex
        first = await place_order(
            client, account, [{"productId": product["id"], "quantity": 1}], key
        )
        assert first.status_code == 201, first.text
        other = await place_order(
            client, account, [{"productId": product["id"], "quantity": 2}], key
        )
    assert other.status_code == 409
    assert other.json()["code"] == "IDEMPOTENCY_CONFLICT"


async def test_an_order_without_an_idempotency_key_names_the_header(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client)
        response = await client.post(
            "/api/orders",
            json={"items": [{"productId": product["id"], "quantity": 1}]},
            headers=account.headers,
        )
    assert response.status_code == 422
    error = response.json()
    assert error["details"]["field"] == "Idempotency-Key"
    assert error["details"]["location"] == "header"


async def test_an_order_without_a_token_is_unauthenticated(platform: RestPlatform) -> None:
    async with platform.client() as client:
        product = await platform.create_product(client)
        response = await client.post(
            "/api/orders",
            json={"items": [{"productId": product["id"], "quantity": 1}]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


async def test_ordering_more_than_is_in_stock_is_a_conflict(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, stockQuantity=1)
        response = await place_order(client, account, [{"productId": product["id"], "quantity": 3}])
    assert response.status_code == 409
    assert response.json()["code"] == "INSUFFICIENT_STOCK"


async def test_an_order_from_the_cart(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, price="3.00")
        await client.post(
            "/api/cart/items",
            json={"productId": product["id"], "quantity": 2},
            headers=account.headers,
        )
        response = await client.post(
            "/api/orders",
            json={"fromCart": True},
            headers={**account.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
    assert response.status_code == 201, response.text
    assert response.json()["totalAmount"] == "6.00"


async def test_list_my_orders_newest_first_with_pages(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        older = await placed_order(platform, client, account)
        newer = await placed_order(platform, client, account)
        other = await platform.register(client)
        await placed_order(platform, client, other)
        first = await client.get("/api/orders", params={"limit": 1}, headers=account.headers)
        assert first.status_code == 200, first.text
        page = first.json()
        assert page["pageInfo"]["hasNextPage"] is True
        second = await client.get(page["pageInfo"]["next"], headers=account.headers)
        pending = await client.get(
            "/api/orders", params={"status": "PAID"}, headers=account.headers
        )
    assert [o["id"] for o in page["items"]] == [newer["id"]]
    assert [o["id"] for o in second.json()["items"]] == [older["id"]]
    assert second.json()["pageInfo"]["hasNextPage"] is False
    assert pending.json()["items"] == []


async def test_get_one_of_my_orders_but_not_someone_elses(platform: RestPlatform) -> None:
    async with platform.client() as client:
        owner = await platform.register(client)
        order = await placed_order(platform, client, owner)
        mine = await client.get(f"/api/orders/{order['id']}", headers=owner.headers)
        stranger = await platform.register(client)
        theirs = await client.get(f"/api/orders/{order['id']}", headers=stranger.headers)
        admin = await client.get(f"/api/orders/{order['id']}", headers=platform.admin_headers())
    assert mine.status_code == 200, mine.text
    assert mine.json() == order
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "ORDER_NOT_FOUND"
    assert admin.status_code == 200
    assert admin.json()["id"] == order["id"]


async def test_cancel_a_pending_order_returns_the_stock(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, stockQuantity=4)
        placed = await place_order(client, account, [{"productId": product["id"], "quantity": 3}])
        order = placed.json()
        cancelled = await client.post(
            f"/api/orders/{order['id']}/cancel",
            json={"reason": "changed my mind"},
            headers=account.headers,
        )
        stock = (await client.get(f"/api/products/{product['id']}")).json()["stockQuantity"]
        again = await client.post(
            f"/api/orders/{order['id']}/cancel", json={}, headers=account.headers
        )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "CANCELLED"
    assert cancelled.json()["statusHistory"][-1]["reason"].startswith("changed my mind")
    assert stock == 4
    assert again.status_code == 409
    assert again.json()["code"] == "ILLEGAL_TRANSITION"


async def test_pay_with_the_sandbox_test_card_then_ship_and_deliver(
    platform: RestPlatform,
) -> None:
    admin = platform.admin_headers()
    async with platform.client() as client:
        account = await platform.register(client)
        order = await placed_order(platform, client, account, price="7.25")
        paid = await client.post(
            f"/api/orders/{order['id']}/payments",
            json={"token": "tok_visa"},
            headers=account.headers,
        )
        assert paid.status_code == 200, paid.text
        shipped = await client.post(
            f"/api/orders/{order['id']}/status", json={"status": "SHIPPED"}, headers=admin
        )
        assert shipped.status_code == 200, shipped.text
        delivered = await client.post(
            f"/api/orders/{order['id']}/status",
            json={"status": "DELIVERED", "reason": "signed for"},
            headers=admin,
        )
    assert paid.json()["status"] == "PAID"
    [charge] = paid.json()["payments"]
    assert (charge["kind"], charge["status"], charge["amount"]) == ("CHARGE", "APPROVED", "14.50")
    assert shipped.json()["status"] == "SHIPPED"
    assert delivered.status_code == 200, delivered.text
    history = [(c["fromStatus"], c["toStatus"]) for c in delivered.json()["statusHistory"]]
    assert history[-3:] == [("PENDING", "PAID"), ("PAID", "SHIPPED"), ("SHIPPED", "DELIVERED")]


async def test_a_declined_card_is_payment_required_and_the_order_stays_payable(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        order = await placed_order(platform, client, account)
        path = f"/api/orders/{order['id']}/payments"
        declined = await client.post(path, json={"token": "tok_declined"}, headers=account.headers)
        retried = await client.post(path, json={"token": "tok_visa"}, headers=account.headers)
        twice = await client.post(path, json={"token": "tok_visa"}, headers=account.headers)
    assert declined.status_code == 402
    assert declined.json()["code"] == "PAYMENT_DECLINED"
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "PAID"
    assert twice.status_code in (200, 409)  # safe to retry: never charged twice
    if twice.status_code == 409:
        assert twice.json()["code"] == "ORDER_ALREADY_PAID"


async def test_cancelling_a_paid_order_refunds_it(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        order = await placed_order(platform, client, account)
        await client.post(
            f"/api/orders/{order['id']}/payments",
            json={"token": "tok_visa"},
            headers=account.headers,
        )
        cancelled = await client.post(
            f"/api/orders/{order['id']}/cancel", json={}, headers=account.headers
        )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "CANCELLED"
    kinds = [(p["kind"], p["status"]) for p in cancelled.json()["payments"]]
    assert kinds == [("CHARGE", "APPROVED"), ("REFUND", "APPROVED")]


async def test_a_customer_cannot_change_an_order_status(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        order = await placed_order(platform, client, account)
        response = await client.post(
            f"/api/orders/{order['id']}/status", json={"status": "SHIPPED"}, headers=account.headers
        )
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "details"}


async def test_an_unknown_status_names_the_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        order_id = uuid.uuid4()
        response = await client.post(
            f"/api/orders/{order_id}/status",
            json={"status": "LOST"},
            headers=platform.admin_headers(),
        )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "status"
