"""One platform for the REST tests: services on PostgreSQL, the gateway with /api mounted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.e2e.orders.stack import running_orders
from tests.rest_compat.platform import RestPlatform, running_gateway
from tests.subgraphs.orders.peers import Peers, running_peers
from tests.support.supergraph import compose_shop_supergraph


@pytest.fixture(scope="session")
def rest_peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    with running_peers(tmp_path_factory.mktemp("rest-peers")) as peers:
        yield peers


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def platform(
    rest_peers: Peers, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RestPlatform]:
    directory = tmp_path_factory.mktemp("rest-gateway")
    supergraph = compose_shop_supergraph(directory)
    async with running_orders(
        rest_peers, rest_peers.products.graphql_url, rest_peers.data_dir
    ) as orders:
        routes = {
            "users": rest_peers.users.graphql_url,
            "products": rest_peers.products.graphql_url,
            "orders": orders.service.graphql_url,
        }
        jwks = f"{rest_peers.users.base_url}/.well-known/jwks.json"
        with running_gateway(supergraph, routes, jwks, directory) as base_url:
            yield RestPlatform(base_url, rest_peers, supergraph, routes)
