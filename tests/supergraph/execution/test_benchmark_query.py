"""The shared federation benchmark query through our router over real subgraphs."""

from __future__ import annotations

import json

import httpx
import pytest
from benchmark_subgraphs import BENCHMARK, BenchmarkSubgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_benchmark_query_returns_expected_response_with_seven_fetches_in_four_waves(
    benchmark_router: httpx.AsyncClient, benchmark_subgraphs: BenchmarkSubgraphs
) -> None:
    query = (BENCHMARK / "query.graphql").read_text()
    expected = json.loads((BENCHMARK / "expected-response.json").read_text())
    before = benchmark_subgraphs.fetch_counts()

    response = await benchmark_router.post("/graphql", json={"query": query})

    after = benchmark_subgraphs.fetch_counts()
    assert response.status_code == 200
    body = response.json()
    plan = body.pop("extensions")["queryPlan"]
    assert body == expected
    assert sum(after.values()) - sum(before.values()) == 7
    assert [len(wave["nodes"]) for wave in plan["nodes"]] == [2, 2, 2, 1]


async def test_benchmark_query_keeps_the_operation_key_order(
    benchmark_router: httpx.AsyncClient,
) -> None:
    query = (BENCHMARK / "query.graphql").read_text()
    response = await benchmark_router.post("/graphql", json={"query": query})
    user = response.json()["data"]["users"][0]
    assert list(user) == ["id", "username", "name", "reviews"]
    assert list(user["reviews"][0]["product"]) == [
        "inStock",
        "name",
        "price",
        "shippingEstimate",
        "upc",
        "weight",
        "reviews",
    ]


async def test_repeated_request_reuses_the_cached_plan_and_gives_the_same_answer(
    benchmark_router: httpx.AsyncClient,
) -> None:
    query = "query Top($n: Int) { topProducts(first: $n) { upc name inStock } }"
    first = await benchmark_router.post("/graphql", json={"query": query, "variables": {"n": 2}})
    second = await benchmark_router.post("/graphql", json={"query": query, "variables": {"n": 3}})
    assert [p["upc"] for p in first.json()["data"]["topProducts"]] == ["1", "2"]
    assert second.json()["data"]["topProducts"] == [
        {"upc": "1", "name": "Table", "inStock": True},
        {"upc": "2", "name": "Couch", "inStock": False},
        {"upc": "3", "name": "Glass", "inStock": False},
    ]
