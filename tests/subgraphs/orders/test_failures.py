"""Partial failure and concurrency: nothing stays reserved for an order that does not exist."""

from __future__ import annotations

import asyncio

import pytest

from subgraphs.kit.service_client import ServiceClient
from subgraphs.kit.trust import load_service_signer
from subgraphs.orders.remote import ProductsCatalog, UsersDirectory
from tests.subgraphs.orders.conftest import OrdersHarness, orders_settings
from tests.subgraphs.orders.peers import create_product, product_stock, register_customer
from tests.support.processes import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

PLACE = """
mutation P($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }
"""
CANCEL = """
mutation C($id: ID!) { cancelOrder(orderId: $id) { status statusHistory { reason } } }
"""
PAY = """
mutation Pay($id: ID!) { payOrder(orderId: $id, payment: {token: "tok_visa"}) { status } }
"""


async def force_item_write_failure(api: OrdersHarness, quantity: int) -> None:
    """A constraint the order write trips over: items of this quantity cannot be stored."""
    async with api.runtime.engine.begin() as connection:
        if api.is_sqlite:
            await connection.exec_driver_sql(
                "CREATE TRIGGER forced_failure BEFORE INSERT ON order_items "
                f"WHEN NEW.quantity = {quantity} BEGIN SELECT RAISE(ABORT, 'forced'); END"
            )
        else:
            await connection.exec_driver_sql(
                "ALTER TABLE order_items ADD CONSTRAINT forced_failure "
                f"CHECK (quantity <> {quantity})"
            )


async def drop_forced_failure(api: OrdersHarness) -> None:
    async with api.runtime.engine.begin() as connection:
        if api.is_sqlite:
            await connection.exec_driver_sql("DROP TRIGGER forced_failure")
        else:
            await connection.exec_driver_sql(
                "ALTER TABLE order_items DROP CONSTRAINT forced_failure"
            )


async def test_a_failed_order_write_releases_the_reservation(orders_api: OrdersHarness) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    await force_item_write_failure(orders_api, 7)
    try:
        result = await orders_api.gql(
            PLACE,
            {"input": {"items": [{"productId": str(product), "quantity": 7}]}},
            token=buyer.token,
        )
    finally:
        await drop_forced_failure(orders_api)

    assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    assert await product_stock(peers.products.base_url, product) == 10
    assert await orders_api.scalar("SELECT count(*) FROM pending_stock_actions") == 0


def unreachable_service(api: OrdersHarness, name: str = "products") -> ServiceClient:
    settings = orders_settings(api.peers, api.database_url)
    return ServiceClient(
        name=name,
        url=f"http://127.0.0.1:{free_port()}/graphql",  # nothing listens there
        signer=load_service_signer(settings),
        caller="orders",
        timeout_seconds=2,
    )


async def test_cancel_and_pay_while_products_is_down_catch_up_later(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    items = {"input": {"items": [{"productId": str(product), "quantity": 2}]}}
    to_cancel = (await orders_api.gql(PLACE, items, token=buyer.token)).ok()["placeOrder"]
    to_pay = (await orders_api.gql(PLACE, items, token=buyer.token)).ok()["placeOrder"]
    assert await product_stock(peers.products.base_url, product) == 6
    working, down = orders_api.deps.products, unreachable_service(orders_api)
    orders_api.deps.products = ProductsCatalog(down)
    try:
        cancelled = await orders_api.gql(CANCEL, {"id": to_cancel["id"]}, token=buyer.token)
        paid = await orders_api.gql(PAY, {"id": to_pay["id"]}, token=buyer.token)
        assert (await orders_api.run_worker()).stock_actions_left == 2
    finally:
        orders_api.deps.products = working
        await down.aclose()

    # Neither the customer nor the payment waits for products.
    assert cancelled.ok()["cancelOrder"]["status"] == "CANCELLED"
    assert paid.ok()["payOrder"]["status"] == "PAID"
    assert await product_stock(peers.products.base_url, product) == 6
    assert (await orders_api.run_worker()).stock_actions_done == 2
    assert await orders_api.scalar("SELECT count(*) FROM pending_stock_actions") == 0
    assert await product_stock(peers.products.base_url, product) == 8
    # The paid order's stock is now sold for good: cancelling cannot put it back.
    late = (await orders_api.gql(CANCEL, {"id": to_pay["id"]}, token=buyer.token)).ok()
    assert await product_stock(peers.products.base_url, product) == 8
    assert "already sold" in late["cancelOrder"]["statusHistory"][-1]["reason"]


async def test_products_down_gives_a_clear_error_and_a_queued_release(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    working, down = orders_api.deps.products, unreachable_service(orders_api)
    orders_api.deps.products = ProductsCatalog(down)
    try:
        result = await orders_api.gql(
            PLACE,
            {"input": {"items": [{"productId": str(product), "quantity": 1}]}},
            token=buyer.token,
        )
        assert (await orders_api.run_worker()).stock_actions_left == 1
    finally:
        orders_api.deps.products = working
        await down.aclose()

    assert result.error_codes == ["SERVICE_UNAVAILABLE"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    report = await orders_api.run_worker()
    assert report.stock_actions_done == 1
    assert await orders_api.scalar("SELECT count(*) FROM pending_stock_actions") == 0
    assert await product_stock(peers.products.base_url, product) == 10


async def test_users_down_gives_a_clear_error_before_anything_is_reserved(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    working, down = orders_api.deps.users, unreachable_service(orders_api, "users")
    orders_api.deps.users = UsersDirectory(down)
    try:
        result = await orders_api.gql(
            PLACE,
            {"input": {"items": [{"productId": str(product), "quantity": 2}]}},
            token=buyer.token,
        )
    finally:
        orders_api.deps.users = working
        await down.aclose()

    assert result.error_codes == ["SERVICE_UNAVAILABLE"]
    assert "users" in result.errors[0]["message"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    assert await orders_api.scalar("SELECT count(*) FROM pending_stock_actions") == 0
    assert await product_stock(peers.products.base_url, product) == 10


async def test_a_products_service_that_never_answers_times_out_with_a_clear_error(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    held: list[asyncio.StreamWriter] = []

    async def accept_and_stay_silent(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        held.append(writer)  # the connection stays open; no answer ever comes

    silent = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    settings = orders_settings(peers, orders_api.database_url)
    hanging = ServiceClient(
        name="products",
        url=f"http://127.0.0.1:{port}/graphql",
        signer=load_service_signer(settings),
        caller="orders",
        timeout_seconds=1,
    )
    working = orders_api.deps.products
    orders_api.deps.products = ProductsCatalog(hanging)
    try:
        result = await asyncio.wait_for(
            orders_api.gql(
                PLACE,
                {"input": {"items": [{"productId": str(product), "quantity": 1}]}},
                token=buyer.token,
            ),
            timeout=60,  # without a client timeout the call would hang here
        )
    finally:
        orders_api.deps.products = working
        await hanging.aclose()
        for writer in held:
            writer.close()
        silent.close()
        await silent.wait_closed()

    assert result.error_codes == ["SERVICE_UNAVAILABLE"]
    assert "products service timed out" in result.errors[0]["message"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 0
    # products might have reserved before going quiet: a release waits for it.
    assert (await orders_api.run_worker()).stock_actions_done == 1
    assert await orders_api.scalar("SELECT count(*) FROM pending_stock_actions") == 0
    assert await product_stock(peers.products.base_url, product) == 10


async def test_concurrent_same_key_orders_make_one_order_and_one_reservation(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=50)
    payload = {
        "input": {"items": [{"productId": str(product), "quantity": 3}], "idempotencyKey": "same"}
    }

    results = await asyncio.gather(
        *(orders_api.gql(PLACE, payload, token=buyer.token) for _ in range(20))
    )

    ids = {result.ok()["placeOrder"]["id"] for result in results}
    assert len(ids) == 1
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 1
    assert await product_stock(peers.products.base_url, product) == 47


async def test_a_retry_with_the_same_key_after_a_failed_attempt_places_the_order(
    orders_api: OrdersHarness,
) -> None:
    peers = orders_api.peers
    buyer = await register_customer(peers.users.base_url)
    product = await create_product(peers.products.base_url, peers.keys.admin_token(), stock=10)
    payload = {
        "input": {"items": [{"productId": str(product), "quantity": 7}], "idempotencyKey": "r"}
    }
    await force_item_write_failure(orders_api, 7)
    try:
        failed = await orders_api.gql(PLACE, payload, token=buyer.token)
    finally:
        await drop_forced_failure(orders_api)
    assert failed.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert await product_stock(peers.products.base_url, product) == 10

    retried = await orders_api.gql(PLACE, payload, token=buyer.token)
    again = await orders_api.gql(PLACE, payload, token=buyer.token)

    assert retried.ok()["placeOrder"]["status"] == "PENDING"
    assert again.ok()["placeOrder"]["id"] == retried.ok()["placeOrder"]["id"]
    assert await orders_api.scalar("SELECT count(*) FROM orders") == 1
    assert await product_stock(peers.products.base_url, product) == 3
