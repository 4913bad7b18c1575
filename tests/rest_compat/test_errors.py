"""Every error status of the REST layer, each in the one body shape `{code, message, details}`.

400, 401, 403, 404, 409 and 422 come from the running platform; 502 and 503 from the
platform with the products service stopped; 429 from the mapping of the router's
RATE_LIMITED answer (test_error_mapping.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.rest_compat.platform import PASSWORD, RestPlatform

pytestmark = [pytest.mark.asyncio(loop_scope="session")]


def assert_error_shape(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["details"], dict)
    if code is not None:
        assert body["code"] == code
    return body


# --- on the running platform


@pytest.mark.e2e
async def test_400_a_body_that_is_not_json(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.post(
            "/api/users/register", content=b"[1, 2", headers={"content-type": "application/json"}
        )
    assert_error_shape(response, 400, "BAD_REQUEST")


@pytest.mark.e2e
async def test_400_a_body_that_is_not_utf8(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.post(
            "/api/users/login",
            content=b"\xff\xfe\x01",
            headers={"content-type": "application/json"},
        )
    assert_error_shape(response, 400, "BAD_REQUEST")


@pytest.mark.e2e
async def test_401_without_a_token(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/orders")
    assert_error_shape(response, 401, "UNAUTHENTICATED")


@pytest.mark.e2e
async def test_401_with_a_token_that_is_not_a_jwt(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/cart", headers={"Authorization": "Bearer not.a.jwt"})
    assert_error_shape(response, 401, "UNAUTHENTICATED")


@pytest.mark.e2e
async def test_401_with_a_wrong_password(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/users/login", json={"email": account.email, "password": PASSWORD + "!"}
        )
    assert_error_shape(response, 401, "INVALID_CREDENTIALS")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/products", {"name": "X", "price": "1.00", "category": "Testing"}),
        ("PATCH", "/api/products/{product}", {"name": "X"}),
        ("DELETE", "/api/products/{product}", None),
        ("POST", "/api/products/{product}/stock-adjustments", {"delta": 1, "reason": "r"}),
        ("POST", "/api/orders/{order}/status", {"status": "SHIPPED"}),
    ],
)
async def test_403_a_customer_on_an_admin_endpoint(
    platform: RestPlatform, method: str, path: str, body: dict[str, Any] | None
) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        url = path.format(product=uuid.uuid4(), order=uuid.uuid4())
        response = await client.request(method, url, json=body, headers=account.headers)
    assert_error_shape(response, 403, "FORBIDDEN")


@pytest.mark.e2e
async def test_404_an_unknown_order(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.get(f"/api/orders/{uuid.uuid4()}", headers=account.headers)
    assert_error_shape(response, 404, "ORDER_NOT_FOUND")


@pytest.mark.e2e
async def test_404_and_405_of_the_framework_keep_the_shape(platform: RestPlatform) -> None:
    async with platform.client() as client:
        unknown = await client.get("/api/no-such-endpoint")
        wrong_method = await client.put("/api/cart")
    assert_error_shape(unknown, 404, "NOT_FOUND")
    assert_error_shape(wrong_method, 405, "METHOD_NOT_ALLOWED")


@pytest.mark.e2e
async def test_409_an_email_already_registered(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"email": account.email, "password": PASSWORD, "firstName": "A", "lastName": "B"}
        response = await client.post("/api/users/register", json=body)
    assert_error_shape(response, 409, "EMAIL_TAKEN")


@pytest.mark.e2e
async def test_422_names_the_offending_field_of_the_body(platform: RestPlatform) -> None:
    async with platform.client() as client:
        body = {"name": "X", "price": "1.00", "category": "Testing", "stockQuantity": -1}
        response = await client.post("/api/products", json=body, headers=platform.admin_headers())
    error = assert_error_shape(response, 422, "VALIDATION_FAILED")
    assert error["details"]["field"] == "stockQuantity"
    assert error["details"]["location"] == "body"


@pytest.mark.e2e
async def test_422_names_a_nested_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/orders",
            json={"items": [{"productId": str(uuid.uuid4()), "quantity": "many"}]},
            headers={**account.headers, "Idempotency-Key": "k"},
        )
    error = assert_error_shape(response, 422, "VALIDATION_FAILED")
    assert error["details"]["field"] == "items.0.quantity"


@pytest.mark.e2e
async def test_422_text_no_database_can_store_is_refused_at_the_edge(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        admin = platform.admin_headers()
        nul = await client.post(
            "/api/products",
            json={"name": "a\u0000b", "price": "1.00", "category": "Testing"},
            headers=admin,
        )
        surrogate = await client.post(
            "/api/products",
            content=b'{"name": "\\ud800", "price": "1.00", "category": "Testing"}',
            headers={**admin, "content-type": "application/json"},
        )
        query = await client.get("/api/products", params={"category": "a\u0000b"})
    assert assert_error_shape(nul, 422, "VALIDATION_FAILED")["details"]["field"] == "name"
    assert assert_error_shape(surrogate, 422, "VALIDATION_FAILED")["details"]["field"] == "name"
    assert assert_error_shape(query, 422, "VALIDATION_FAILED")["details"]["field"] == "category"


@pytest.mark.e2e
async def test_422_a_bad_value_the_graph_refuses_names_its_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/products", params={"cursor": "not-a-cursor"})
    error = assert_error_shape(response, 422, "INVALID_CURSOR")
    assert error["details"]["field"] == "cursor"  # the REST name, not the graph's `after`


# --- 502 and 503: the products service stopped


@pytest_asyncio.fixture(loop_scope="session")
async def products_down(platform: RestPlatform) -> AsyncIterator[RestPlatform]:
    """The platform with its products process stopped; started again afterwards."""
    products = platform.peers.products
    await asyncio.to_thread(products.stop)
    try:
        yield platform
    finally:
        await asyncio.to_thread(products.start)
        await _until_products_answer(platform)


async def _until_products_answer(platform: RestPlatform) -> None:
    """The gateway's pooled connections to the old process are gone; wait for a good answer."""
    deadline = time.monotonic() + 60
    async with platform.client() as client:
        while True:
            response = await client.get("/api/products", params={"limit": 1})
            if response.status_code == 200 or time.monotonic() > deadline:
                assert response.status_code == 200, response.text
                return
            await asyncio.sleep(0.5)


@pytest.mark.e2e
async def test_502_and_503_while_the_products_service_is_down(
    products_down: RestPlatform,
) -> None:
    platform = products_down
    async with platform.client() as client:
        account = await platform.register(client)  # users still answers
        listing = await client.get("/api/products")
        order = await client.post(
            "/api/orders",
            json={"items": [{"productId": str(uuid.uuid4()), "quantity": 1}]},
            headers={**account.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
    # The gateway cannot reach products: Bad Gateway.
    assert_error_shape(listing, 502, "SUBREQUEST_HTTP_ERROR")
    # orders is up but cannot reach products behind it: Service Unavailable.
    assert_error_shape(order, 503, "SERVICE_UNAVAILABLE")
