"""products as a real process on PostgreSQL: 100 callers, each on its own connection, race
for 30 units.

tests/subgraphs/products/test_reservation_concurrency.py runs the same race in
process with a wide pool; here every call comes over its own TCP connection to
the uvicorn process, as orders processes would send them.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import text

from subgraphs.kit.auth import service_credential, service_signer
from subgraphs.kit.database import create_engine
from subgraphs.kit.keys import load_private_key
from tests.subgraphs.orders.peers import Peers, create_product, product_stock
from tests.support.graphql import GraphQLResult, execute

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

RESERVE = """
mutation($orderId: ID!, $items: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, items: $items) { orderId state }
}
"""
CALLERS = 100
UNITS = 30


async def test_hundred_callers_on_their_own_connections_reserve_exactly_thirty_units(
    e2e_peers: Peers,
) -> None:
    products = e2e_peers.products
    product = await create_product(
        products.base_url, e2e_peers.keys.admin_token(), price="5.00", stock=UNITS
    )
    signer = service_signer(load_private_key(e2e_peers.keys.service_key_file), audience="shopgraph")
    start = asyncio.Event()

    async def reserve_on_a_new_connection() -> GraphQLResult:
        # One client per caller: its own TCP connection, nothing shared.
        async with httpx.AsyncClient(base_url=products.base_url, timeout=120) as client:
            await start.wait()
            return await execute(
                client,
                RESERVE,
                {
                    "orderId": str(uuid.uuid4()),
                    "items": [{"productId": str(product), "quantity": 1}],
                },
                token=service_credential(signer, "orders"),
            )

    callers = [asyncio.create_task(reserve_on_a_new_connection()) for _ in range(CALLERS)]
    await asyncio.sleep(0)
    start.set()
    results = await asyncio.gather(*callers)

    succeeded = [result for result in results if not result.errors]
    refused = [result for result in results if result.errors]
    assert len(succeeded) == UNITS
    assert {tuple(result.error_codes) for result in refused} == {("INSUFFICIENT_STOCK",)}
    assert await product_stock(products.base_url, product) == 0
    engine = create_engine(e2e_peers.database_urls[1], application_name="e2e-checks", pool_size=1)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT count(DISTINCT order_id), sum(quantity), min(p.stock_quantity) "
                        "FROM stock_reservations r JOIN products p ON p.id = r.product_id "
                        "WHERE r.product_id = :p AND r.state = 'RESERVED'"
                    ),
                    {"p": product},
                )
            ).one()
    finally:
        await engine.dispose()
    assert tuple(row) == (UNITS, UNITS, 0)
