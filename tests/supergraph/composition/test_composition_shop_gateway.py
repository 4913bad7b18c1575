"""@apollo/gateway on our composition of the shop's own subgraphs.

The real users, products and orders services run (`shopgraph dev --no-gateway`,
SQLite data in a temporary folder, demo data seeded); their SDL is read through
`_service { sdl }`, composed by us, and Apollo's gateway then answers a query
that goes users -> orders -> products.

The shop's schemas use `@authenticated` and `@requiresScopes`, which compose into
`@link(..., for: SECURITY)` features. @apollo/gateway refuses to load any
supergraph with a security feature it cannot enforce (only Apollo's Router
enforces them), so it is given our supergraph without them; the joins it plans
are unchanged, and the subgraphs still check every caller themselves.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from composition_fixtures import ORACLES_DIR
from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumValueNode,
    Node,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

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


def without_security_features(supergraph: str) -> str:
    """The supergraph without its `for: SECURITY` features (links, definitions, uses)."""
    document = parse(supergraph)
    features: set[str] = set()
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode):
            continue
        for link in definition.directives or ():
            arguments = {a.name.value: a.value for a in link.arguments or ()}
            purpose, url = arguments.get("for"), arguments.get("url")
            if isinstance(purpose, EnumValueNode) and purpose.value == "SECURITY":
                assert isinstance(url, StringValueNode)
                features.add(url.value.rstrip("/").split("/")[-2])  # .../<name>/v0.1

    def belongs(node: DirectiveNode | DirectiveDefinitionNode | TypeDefinitionNode) -> bool:
        name = node.name.value
        if isinstance(node, DirectiveNode) and name == "link":
            url = next(a.value for a in node.arguments if a.name.value == "url")
            assert isinstance(url, StringValueNode)
            name = url.value.rstrip("/").split("/")[-2]
        return name.split("__")[0] in features

    class Strip(Visitor):
        def enter(self, node: Node, *_: object) -> object:
            kinds = DirectiveNode | DirectiveDefinitionNode | TypeDefinitionNode
            return self.REMOVE if isinstance(node, kinds) and belongs(node) else None

    stripped = visit(document, Strip())
    assert isinstance(stripped, DocumentNode)
    return print_ast(stripped)


def test_the_stripped_supergraph_keeps_everything_but_the_security_features(
    shop_supergraph: str,
) -> None:
    stripped = without_security_features(shop_supergraph)
    assert "@authenticated" in shop_supergraph
    assert "@requiresScopes" in shop_supergraph
    for gone in ("for: SECURITY", "@authenticated", "@requiresScopes", "requiresScopes__Scope"):
        assert gone not in stripped
    assert "placeOrder(input: PlaceOrderInput!): Order! @join__field(graph: ORDERS)" in stripped


@pytest.fixture(scope="module")
def gateway(shop_supergraph: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("shop-gateway")
    port = free_port()
    config = work / "gateway.json"
    supergraph = without_security_features(shop_supergraph)
    config.write_text(json.dumps({"supergraph": supergraph, "gatewayPort": port}))
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
