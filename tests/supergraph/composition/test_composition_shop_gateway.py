"""@apollo/gateway on our composition of the shop's own subgraphs.

The real users, products and orders services run (`shopgraph dev --no-gateway`,
SQLite data in a temporary folder, demo data seeded); their SDL is read through
`_service { sdl }`, composed by us, and Apollo's gateway then answers a query
that goes users -> orders -> products.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from composition_fixtures import ORACLES_DIR

from supergraph.composition import SubgraphSource, compose
from supergraph.config import load_config, read_sdl
from tests.e2e.platform import DevPlatform, start_dev
from tests.support.processes import free_port, start_process

pytestmark = [pytest.mark.oracle, pytest.mark.e2e]

SHOP = ("users", "products", "orders")
CUSTOMER = ("customer@shopgraph.dev", "customer-dev-password")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevPlatform]:
    platform = start_dev(tmp_path_factory.mktemp("shop"), "--no-gateway")
    try:
        platform.wait_ready()
        yield platform
    finally:
        platform.process.stop()


@pytest.fixture(scope="module")
def shop_supergraph(shop: DevPlatform, tmp_path_factory: pytest.TempPathFactory) -> str:
    lines = ["federation_version: =2.7.0", "subgraphs:"]
    for name in SHOP:
        url = shop.url(name)
        lines += [f"  {name}:", f"    routing_url: {url}", f"    schema: {{subgraph_url: '{url}'}}"]
    path = tmp_path_factory.mktemp("shop-config") / "supergraph.yaml"
    path.write_text("\n".join(lines) + "\n")
    config = load_config(path)
    return compose([SubgraphSource(s.name, s.routing_url, read_sdl(s)) for s in config.subgraphs])


@pytest.fixture(scope="module")
def gateway(shop_supergraph: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("shop-gateway")
    port = free_port()
    config = work / "gateway.json"
    config.write_text(json.dumps({"supergraph": shop_supergraph, "gatewayPort": port}))
    process = start_process(
        "apollo-gateway-shop",
        ["node", str(ORACLES_DIR / "compose-gateway.js"), str(config)],
        log_dir=work,
        cwd=ORACLES_DIR,
    )
    try:
        process.wait_for_log("READY", timeout=60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.stop()


def _graphql(url: str, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        url, json={"query": query, "variables": variables}, headers=headers, timeout=60
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def test_apollo_gateway_on_our_shop_supergraph_answers_users_orders_products(
    gateway: str,
) -> None:
    login = _graphql(
        gateway,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=CUSTOMER[0],
        p=CUSTOMER[1],
    )
    token = login["login"]["accessToken"]
    products = _graphql(gateway, "{ products(first: 20) { edges { node { id name inStock } } } }")
    product = next(e["node"] for e in products["products"]["edges"] if e["node"]["inStock"])
    _graphql(
        gateway,
        "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }",
        token,
        input={
            "items": [{"productId": product["id"], "quantity": 1}],
            "idempotencyKey": str(uuid.uuid4()),
        },
    )
    spanning = _graphql(
        gateway,
        "{ me { email orders(first: 50) { edges { node { items { quantity product { name } } } } }"
        " } }",
        token,
    )
    assert spanning["me"]["email"] == CUSTOMER[0]
    ordered = [
        item["product"]["name"]
        for edge in spanning["me"]["orders"]["edges"]
        for item in edge["node"]["items"]
    ]
    assert product["name"] in ordered
