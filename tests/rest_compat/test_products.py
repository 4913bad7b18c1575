"""Products over REST: search, listing with filters, sort and pages, one product, admin changes."""

from __future__ import annotations

import uuid

import pytest

from tests.rest_compat.platform import RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_search_for_laptop_finds_laptops_only(platform: RestPlatform) -> None:
    async with platform.client() as client:
        laptop = await platform.create_product(client, name="Laptop Pro 14", category="Computers")
        lamp = await platform.create_product(client, name="Desk Lamp", category="Computers")
        response = await client.get("/api/products/search", params={"q": "laptop"})
    assert response.status_code == 200, response.text
    page = response.json()
    ids = [item["id"] for item in page["items"]]
    assert laptop["id"] in ids
    assert lamp["id"] not in ids
    assert all("laptop" in item["name"].lower() for item in page["items"])
    assert page["totalCount"] == len(ids)


async def test_search_without_q_names_the_parameter(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/products/search")
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "q"


async def test_list_filters_by_category_and_price_and_sorts(platform: RestPlatform) -> None:
    category = f"Cat{uuid.uuid4().hex[:8]}"
    async with platform.client() as client:
        cheap = await platform.create_product(client, category=category, price="5.00")
        dear = await platform.create_product(client, category=category, price="50.00")
        middle = await platform.create_product(client, category=category, price="20.00")
        by_price = await client.get(
            "/api/products", params={"category": category, "sort": "price", "direction": "desc"}
        )
        bounded = await client.get(
            "/api/products", params={"category": category, "minPrice": "6", "maxPrice": "30"}
        )
    assert by_price.status_code == 200, by_price.text
    assert [p["id"] for p in by_price.json()["items"]] == [dear["id"], middle["id"], cheap["id"]]
    assert [p["id"] for p in bounded.json()["items"]] == [middle["id"]]


async def test_list_pages_with_a_cursor_and_a_next_link(platform: RestPlatform) -> None:
    category = f"Page{uuid.uuid4().hex[:8]}"
    async with platform.client() as client:
        created = [
            await platform.create_product(client, category=category, name=f"P{i} {category}")
            for i in range(3)
        ]
        first = await client.get("/api/products", params={"category": category, "limit": 2})
        assert first.status_code == 200, first.text
        page = first.json()
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["totalCount"] == 3
        second = await client.get(page["pageInfo"]["next"])
    rest = second.json()
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["next"] is None
    seen = [p["id"] for p in page["items"] + rest["items"]]
    assert sorted(seen) == sorted(p["id"] for p in created)


async def test_list_with_an_out_of_range_limit_names_the_parameter(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        response = await client.get("/api/products", params={"limit": 1000})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "limit"


async def test_list_with_an_unknown_category_is_invalid(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/products", params={"category": "No Such Category"})
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_CATEGORY"


async def test_get_product_by_id(platform: RestPlatform) -> None:
    async with platform.client() as client:
        product = await platform.create_product(client, price="12.34", description="Nice")
        response = await client.get(f"/api/products/{product['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == product


async def test_get_an_unknown_product_is_not_found(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get(f"/api/products/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "PRODUCT_NOT_FOUND"


async def test_categories_count_active_products(platform: RestPlatform) -> None:
    category = f"Count{uuid.uuid4().hex[:8]}"
    async with platform.client() as client:
        for _ in range(2):
            await platform.create_product(client, category=category)
        response = await client.get("/api/categories")
    assert response.status_code == 200
    assert {"name": category, "productCount": 2} in response.json()


async def test_a_customer_cannot_create_a_product(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"name": "Sneaky", "price": "1.00", "category": "Testing"}
        response = await client.post("/api/products", json=body, headers=account.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


async def test_creating_a_product_without_a_token_is_unauthenticated(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        body = {"name": "Sneaky", "price": "1.00", "category": "Testing"}
        response = await client.post("/api/products", json=body)
    assert response.status_code == 401


async def test_a_malformed_price_names_the_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        body = {"name": "Odd", "price": "12.345", "category": "Testing"}
        response = await client.post("/api/products", json=body, headers=platform.admin_headers())
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "price"


async def test_admin_updates_archives_and_adjusts_stock(platform: RestPlatform) -> None:
    admin = platform.admin_headers()
    async with platform.client() as client:
        product = await platform.create_product(client, stockQuantity=5)
        path = f"/api/products/{product['id']}"
        updated = await client.patch(path, json={"price": "11.50"}, headers=admin)
        assert updated.status_code == 200, updated.text
        assert updated.json()["price"] == "11.50"
        assert updated.json()["name"] == product["name"]
        adjusted = await client.post(
            f"{path}/stock-adjustments", json={"delta": 3, "reason": "stocktake"}, headers=admin
        )
        assert adjusted.status_code == 200, adjusted.text
        assert adjusted.json()["stockQuantity"] == 8
        archived = await client.delete(path, headers=admin)
        assert archived.status_code == 200
        assert archived.json()["isActive"] is False
        still_readable = await client.get(path)
    assert still_readable.json()["isActive"] is False


async def test_removing_more_stock_than_on_hand_is_a_conflict(platform: RestPlatform) -> None:
    async with platform.client() as client:
        product = await platform.create_product(client, stockQuantity=1)
        response = await client.post(
            f"/api/products/{product['id']}/stock-adjustments",
            json={"delta": -5, "reason": "breakage"},
            headers=platform.admin_headers(),
        )
    assert response.status_code == 409
    assert response.json()["code"] == "INSUFFICIENT_STOCK"


async def test_updating_an_unknown_product_is_not_found(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.patch(
            f"/api/products/{uuid.uuid4()}", json={"name": "x"}, headers=platform.admin_headers()
        )
    assert response.status_code == 404
    assert response.json()["code"] == "PRODUCT_NOT_FOUND"
