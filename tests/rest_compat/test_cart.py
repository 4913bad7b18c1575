"""The cart over REST: get, add, update, remove, clear; each call answers with the whole cart."""

from __future__ import annotations

import uuid

import pytest

from tests.rest_compat.platform import RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_a_new_account_has_an_empty_cart(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.get("/api/cart", headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "totalAmount": "0.00", "itemCount": 0}


async def test_add_update_remove_and_clear_the_cart(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        pen = await platform.create_product(client, price="2.50")
        ink = await platform.create_product(client, price="4.00")

        added = await client.post(
            "/api/cart/items", json={"productId": pen["id"], "quantity": 2}, headers=account.headers
        )
        assert added.status_code == 200, added.text
        again = await client.post(
            "/api/cart/items", json={"productId": pen["id"], "quantity": 1}, headers=account.headers
        )
        await client.post(
            "/api/cart/items", json={"productId": ink["id"], "quantity": 1}, headers=account.headers
        )
        assert again.json()["items"][0]["quantity"] == 3  # quantities add up

        updated = await client.patch(
            f"/api/cart/items/{pen['id']}", json={"quantity": 4}, headers=account.headers
        )
        assert updated.status_code == 200, updated.text
        cart = updated.json()
        assert cart["totalAmount"] == "14.00"
        assert cart["itemCount"] == 5
        line = next(item for item in cart["items"] if item["productId"] == pen["id"])
        assert line["unitPrice"] == "2.50"
        assert line["subtotal"] == "10.00"
        assert line["product"] == {"id": pen["id"], "name": pen["name"], "price": "2.50"}

        removed = await client.delete(f"/api/cart/items/{pen['id']}", headers=account.headers)
        assert removed.status_code == 200, removed.text
        assert [item["productId"] for item in removed.json()["items"]] == [ink["id"]]

        cleared = await client.delete("/api/cart", headers=account.headers)
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["items"] == []
        after = await client.get("/api/cart", headers=account.headers)
    assert after.json()["itemCount"] == 0


async def test_each_customer_sees_only_their_own_cart(platform: RestPlatform) -> None:
    async with platform.client() as client:
        alice = await platform.register(client)
        bob = await platform.register(client)
        product = await platform.create_product(client)
        await client.post(
            "/api/cart/items",
            json={"productId": product["id"], "quantity": 1},
            headers=alice.headers,
        )
        bobs = await client.get("/api/cart", headers=bob.headers)
    assert bobs.json()["items"] == []


async def test_adding_an_unknown_product_is_not_found(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/cart/items",
            json={"productId": str(uuid.uuid4()), "quantity": 1},
            headers=account.headers,
        )
    assert response.status_code == 404
    assert response.json()["code"] == "PRODUCT_NOT_FOUND"


async def test_a_zero_quantity_is_invalid_and_named(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client)
        response = await client.post(
            "/api/cart/items",
            json={"productId": product["id"], "quantity": 0},
            headers=account.headers,
        )
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_QUANTITY"


async def test_a_product_id_that_is_not_a_uuid_names_the_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/cart/items",
            json={"productId": "not-an-id", "quantity": 1},
            headers=account.headers,
        )
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "VALIDATION_FAILED"
    assert error["details"]["field"] == "productId"


async def test_updating_a_product_not_in_the_cart_is_not_found(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client)
        response = await client.patch(
            f"/api/cart/items/{product['id']}", json={"quantity": 2}, headers=account.headers
        )
    assert response.status_code == 404
    assert response.json()["code"] == "CART_ITEM_NOT_FOUND"


async def test_the_cart_needs_a_token(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/cart")
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"
