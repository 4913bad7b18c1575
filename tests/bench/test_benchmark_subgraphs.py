"""The benchmark's local subgraphs serve the shared data and behave as its README says.

Starts the real server (`python -m bench.federation.subgraphs --port 0`) and
talks HTTP to it; the expected values come from the benchmark's data files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ROOT / "bench" / "federation" / "benchmark"

ENTITIES_QUERY = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename %s }
}
"""


def _data(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((BENCHMARK / "data" / f"{name}.json").read_text())
    return rows


@pytest.fixture(scope="module")
def subgraphs_url() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.federation.subgraphs", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        ready = process.stdout.readline().strip()
        assert ready.startswith("ready "), f"subgraphs did not start: {ready!r}"
        yield ready.removeprefix("ready ")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _post(
    client: httpx.Client, url: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = client.post(url, json={"query": query, "variables": variables})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _entities(
    client: httpx.Client, url: str, selection: str, representations: list[dict[str, Any]]
) -> list[Any]:
    data = _post(client, url, ENTITIES_QUERY % selection, {"representations": representations})
    entities: list[Any] = data["_entities"]
    return entities


@pytest.mark.parametrize("name", ["accounts", "products", "inventory", "reviews"])
def test_service_sdl_is_the_benchmark_subgraph_schema(
    client: httpx.Client, subgraphs_url: str, name: str
) -> None:
    data = _post(client, f"{subgraphs_url}/{name}", "{ _service { sdl } }")
    assert data["_service"]["sdl"] == (BENCHMARK / "subgraphs" / f"{name}.graphql").read_text()


def test_accounts_users_me_and_user_by_id(client: httpx.Client, subgraphs_url: str) -> None:
    users = _data("accounts")
    data = _post(
        client,
        f"{subgraphs_url}/accounts",
        '{ users { id name username birthday } me { id username } user(id: "4") { name } }',
    )
    assert data["users"] == users
    assert data["me"] == {"id": "1", "username": "urigo"}
    assert data["user"] == {"name": users[3]["name"]}


def test_accounts_resolves_a_batch_of_users_in_order(
    client: httpx.Client, subgraphs_url: str
) -> None:
    representations = [{"__typename": "User", "id": user_id} for user_id in ("5", "2", "99")]
    entities = _entities(
        client, f"{subgraphs_url}/accounts", "... on User { id name }", representations
    )
    by_id = {user["id"]: user for user in _data("accounts")}
    assert entities == [
        {"__typename": "User", "id": "5", "name": by_id["5"]["name"]},
        {"__typename": "User", "id": "2", "name": by_id["2"]["name"]},
        None,
    ]


def test_products_top_products_defaults_to_five_and_takes_first(
    client: httpx.Client, subgraphs_url: str
) -> None:
    products = _data("products")
    data = _post(
        client,
        f"{subgraphs_url}/products",
        "{ all: topProducts { upc name price weight } two: topProducts(first: 2) { upc } }",
    )
    assert data["all"] == products[:5]
    assert data["two"] == [{"upc": "1"}, {"upc": "2"}]


def test_products_resolves_a_batch_of_products(client: httpx.Client, subgraphs_url: str) -> None:
    representations = [{"__typename": "Product", "upc": upc} for upc in ("9", "3")]
    entities = _entities(
        client, f"{subgraphs_url}/products", "... on Product { upc name price }", representations
    )
    by_upc = {product["upc"]: product for product in _data("products")}
    assert entities == [
        {
            "__typename": "Product",
            "upc": upc,
            "name": by_upc[upc]["name"],
            "price": by_upc[upc]["price"],
        }
        for upc in ("9", "3")
    ]


def test_inventory_shipping_estimate_is_null_whatever_price_and_weight(
    client: httpx.Client, subgraphs_url: str
) -> None:
    representations = [
        {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
        {"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
    ]
    entities = _entities(
        client,
        f"{subgraphs_url}/inventory",
        "... on Product { upc inStock shippingEstimate }",
        representations,
    )
    stock = {row["upc"]: row["inStock"] for row in _data("inventory")}
    assert entities == [
        {"__typename": "Product", "upc": upc, "inStock": stock[upc], "shippingEstimate": None}
        for upc in ("1", "2")
    ]


def test_reviews_batch_mixes_products_users_and_reviews(
    client: httpx.Client, subgraphs_url: str
) -> None:
    reviews = _data("reviews")
    representations = [
        {"__typename": "Product", "upc": "2"},
        {"__typename": "User", "id": "4"},
        {"__typename": "Review", "id": "10"},
        {"__typename": "Product", "upc": "4"},
    ]
    entities = _entities(
        client,
        f"{subgraphs_url}/reviews",
        """
        ... on Product { upc reviews { id } }
        ... on User { id reviews { id body product { upc } } }
        ... on Review { id body author { id username } product { upc } }
        """,
        representations,
    )

    def ids_for(upc: str) -> list[dict[str, str]]:
        return [{"id": review["id"]} for review in reviews if review["upc"] == upc]

    assert entities[0] == {"__typename": "Product", "upc": "2", "reviews": ids_for("2")}
    # User.reviews is the first two reviews for any user.
    assert entities[1] == {
        "__typename": "User",
        "id": "4",
        "reviews": [
            {"id": review["id"], "body": review["body"], "product": {"upc": review["upc"]}}
            for review in reviews[:2]
        ],
    }
    # Review.author is always user 1, and the reviews subgraph provides its username.
    assert entities[2] == {
        "__typename": "Review",
        "id": "10",
        "body": reviews[9]["body"],
        "author": {"id": "1", "username": "urigo"},
        "product": {"upc": reviews[9]["upc"]},
    }
    assert entities[3] == {"__typename": "Product", "upc": "4", "reviews": ids_for("4")}


def test_repeated_request_gets_the_same_answer_and_errors_are_reported(
    client: httpx.Client, subgraphs_url: str
) -> None:
    body = {"query": "{ me { id username } }"}
    first = client.post(f"{subgraphs_url}/accounts", json=body)
    second = client.post(f"{subgraphs_url}/accounts", json=body)
    assert first.content == second.content
    assert first.json() == {"data": {"me": {"id": "1", "username": "urigo"}}}
    invalid = client.post(f"{subgraphs_url}/accounts", json={"query": "{ nope }"}).json()
    assert "data" not in invalid
    assert "nope" in invalid["errors"][0]["message"]
    assert client.post(f"{subgraphs_url}/elsewhere", json=body).status_code == 404


def test_reviews_nested_products_and_authors_resolve_in_the_same_subgraph(
    client: httpx.Client, subgraphs_url: str
) -> None:
    reviews = _data("reviews")
    entities = _entities(
        client,
        f"{subgraphs_url}/reviews",
        "... on User { reviews { product { upc reviews { id author { id reviews { id } } } } } }",
        [{"__typename": "User", "id": "2"}],
    )
    first_review_product = entities[0]["reviews"][0]["product"]
    upc = reviews[0]["upc"]
    first_two = [{"id": review["id"]} for review in reviews[:2]]
    assert first_review_product == {
        "upc": upc,
        "reviews": [
            {"id": review["id"], "author": {"id": "1", "reviews": first_two}}
            for review in reviews
            if review["upc"] == upc
        ],
    }


def test_stats_count_the_requests_each_subgraph_served(
    client: httpx.Client, subgraphs_url: str
) -> None:
    before = client.get(f"{subgraphs_url}/_stats").json()
    for _ in range(3):
        _post(client, f"{subgraphs_url}/products", "{ topProducts { upc } }")
    _post(client, f"{subgraphs_url}/inventory", "{ _service { sdl } }")
    after = client.get(f"{subgraphs_url}/_stats").json()
    assert after["/products"] - before["/products"] == 3
    assert after["/inventory"] - before["/inventory"] == 1
    assert after["/reviews"] == before["/reviews"]
