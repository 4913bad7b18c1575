"""End-to-end: users, products and orders as real processes over HTTP on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from subgraphs.kit.database import create_engine
from tests.e2e.orders.cutting_proxy import CuttingProxy
from tests.e2e.orders.stack import Stack, running_orders
from tests.subgraphs.orders.peers import Peers, running_peers
from tests.support.processes import free_port


@pytest.fixture(scope="session")
def e2e_peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    with running_peers(tmp_path_factory.mktemp("orders-e2e")) as peers:
        yield peers


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stack(e2e_peers: Peers) -> AsyncIterator[Stack]:
    proxy = CuttingProxy(port=free_port(), upstream_port=e2e_peers.products.port)
    await proxy.start()
    products_engine = create_engine(
        e2e_peers.database_urls[1], application_name="e2e-checks", pool_size=2
    )
    try:
        async with running_orders(
            e2e_peers, f"http://127.0.0.1:{proxy.port}/graphql", e2e_peers.data_dir
        ) as orders:
            yield Stack(e2e_peers, proxy, orders, products_engine)
    finally:
        await proxy.stop()
        await products_engine.dispose()
