"""The same operation through REST and through GraphQL on the same gateway gives the same data.

The GraphQL side is written here, not taken from `rest_compat/operations`, so that a
mapping that drops, renames or reshapes a value shows up as a difference.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.rest_compat.platform import Account, RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

PRODUCT_FIELDS = (
    "id name description price stockQuantity inStock category imageUrl isActive createdAt updatedAt"
)

PRODUCTS = f"""
query ($category: String!, $first: Int!) {{
  products(
    filter: {{category: $category}}, sort: {{field: PRICE, direction: ASC}}, first: $first
  ) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {PRODUCT_FIELDS} }} }}
  }}
}}
"""

SEARCH = f"""
query ($q: String!) {{
  searchProducts(query: $q, first: 20) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {PRODUCT_FIELDS} }} }}
  }}
}}
"""

ORDER = """
query ($id: ID!) {
  order(id: $id) {
    id status totalAmount paymentDeadline idempotencyKey createdAt updatedAt
    items { id productId quantity price subtotal product { id name price } }
    statusHistory { fromStatus toStatus actor reason changedAt }
    payments { id kind status amount providerReference failureCode createdAt }
  }
}
"""

CART = """
{ cart { totalAmount itemCount items {
    id productId quantity unitPrice subtotal available addedAt product { id name price } } } }
"""


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    account: Account | None = None,
) -> dict[str, Any]:
    headers = account.headers if account is not None else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def as_page(connection: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": [edge["node"] for edge in connection["edges"]],
        "hasNextPage": connection["pageInfo"]["hasNextPage"],
        "endCursor": connection["pageInfo"]["endCursor"],
        "totalCount": connection["totalCount"],
    }


def rest_page(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": body["items"],
        "hasNextPage": body["pageInfo"]["hasNextPage"],
        "endCursor": body["pageInfo"]["endCursor"],
        "totalCount": body["totalCount"],
    }


async def test_product_list_is_the_same_through_rest_and_graphql(platform: RestPlatform) -> None:
    category = f"Parity{uuid.uuid4().hex[:8]}"
    async with platform.client() as client:
        for price in ("30.00", "10.00", "20.00"):
            await platform.create_product(
                client, category=category, price=price, description=f"costs {price}"
            )
        rest = await client.get(
            "/api/products",
            params={"category": category, "sort": "price", "direction": "asc", "limit": 2},
        )
        data = await graphql(client, PRODUCTS, {"category": category, "first": 2})
    assert rest.status_code == 200, rest.text
    assert rest_page(rest.json()) == as_page(data["products"])
    assert [p["price"] for p in rest.json()["items"]] == ["10.00", "20.00"]


async def test_search_for_laptop_is_the_same_through_rest_and_graphql(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        await platform.create_product(client, name=f"Parity Laptop {uuid.uuid4().hex[:6]}")
        rest = await client.get("/api/products/search", params={"q": "laptop", "limit": 20})
        data = await graphql(client, SEARCH, {"q": "laptop"})
    assert rest.status_code == 200, rest.text
    assert rest.json()["items"]  # something was found, so the comparison compares something
    assert rest_page(rest.json()) == as_page(data["searchProducts"])


async def test_an_order_and_the_cart_are_the_same_through_rest_and_graphql(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        product = await platform.create_product(client, price="4.20")
        await client.post(
            "/api/cart/items",
            json={"productId": product["id"], "quantity": 3},
            headers=account.headers,
        )
        rest_cart = await client.get("/api/cart", headers=account.headers)
        graph_cart = await graphql(client, CART, account=account)
        placed = await client.post(
            "/api/orders",
            json={"fromCart": True},
            headers={**account.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["id"]
        await client.post(
            f"/api/orders/{order_id}/payments", json={"token": "tok_visa"}, headers=account.headers
        )
        rest_order = await client.get(f"/api/orders/{order_id}", headers=account.headers)
        graph_order = await graphql(client, ORDER, {"id": order_id}, account)
    assert rest_cart.json() == graph_cart["cart"]
    assert rest_order.status_code == 200, rest_order.text
    assert rest_order.json() == graph_order["order"]
    assert rest_order.json()["status"] == "PAID"
