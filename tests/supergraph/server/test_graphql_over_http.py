"""The gateway endpoint's GraphQL-over-HTTP behaviour (answered before any subgraph fetch)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from supergraph.server.app import create_gateway_app
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client

pytestmark = pytest.mark.asyncio(loop_scope="session")

BENCHMARK = Path(__file__).resolve().parents[3] / "bench/federation/benchmark"


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    sdl = (BENCHMARK / "supergraph.graphql").read_text()
    app = create_gateway_app(sdl, GatewaySettings(expose_query_plan=True))
    async with app_client(app) as client:  # type: ignore[arg-type]
        yield client


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_health_answers_ok(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_post_with_invalid_json_is_a_bad_request(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert _codes(response.json()) == ["BAD_REQUEST"]


async def test_post_without_query_is_a_bad_request(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/graphql", json={"variables": {}})
    assert response.status_code == 400
    assert _codes(response.json()) == ["BAD_REQUEST"]


async def test_syntax_error_is_reported_with_its_location(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/graphql", json={"query": "{ users { id "})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["locations"] == [{"line": 1, "column": 14}]
    assert "data" not in response.json()


async def test_unknown_field_fails_validation(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/graphql", json={"query": "{ users { id password } }"})
    assert response.status_code == 400
    body = response.json()
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "password" in body["errors"][0]["message"]


async def test_federation_machinery_cannot_be_queried(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/graphql", json={"query": "{ _entities(representations: []) { __typename } }"}
    )
    assert response.status_code == 400
    assert _codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_unknown_operation_name_is_rejected(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/graphql", json={"query": "query A { __typename }", "operationName": "B"}
    )
    assert response.status_code == 400
    body = response.json()
    assert _codes(body) == ["OPERATION_RESOLUTION_FAILURE"]
    assert body["errors"][0]["message"] == 'Unknown operation named "B".'


async def test_several_operations_need_an_operation_name(gateway: httpx.AsyncClient) -> None:
    query = "query A { __typename } query B { __typename }"
    response = await gateway.post("/graphql", json={"query": query})
    assert response.status_code == 400
    chosen = await gateway.post("/graphql", json={"query": query, "operationName": "B"})
    assert chosen.json() == {
        "data": {"__typename": "Query"},
        "extensions": chosen.json()["extensions"],
    }


async def test_missing_required_variable_is_bad_user_input(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/graphql", json={"query": "query ($id: ID!) { user(id: $id) { id } }"}
    )
    assert response.status_code == 400
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_get_runs_queries_from_the_query_string(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get(
        "/graphql", params={"query": "query Q { __typename t: __typename }"}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query", "t": "Query"}


async def test_get_refuses_mutations(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code in (400, 405)
    assert "errors" in response.json()


async def test_introspection_is_answered_from_the_api_schema(gateway: httpx.AsyncClient) -> None:
    query = '{ __type(name: "Product") { fields { name } } __schema { queryType { name } } }'
    response = await gateway.post("/graphql", json={"query": query})
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["__schema"] == {"queryType": {"name": "Query"}}
    names = [f["name"] for f in body["data"]["__type"]["fields"]]
    assert names == ["upc", "weight", "price", "inStock", "shippingEstimate", "name", "reviews"]
    assert body["extensions"]["queryPlan"]["nodes"] == []


async def test_browser_get_receives_graphiql(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/graphiql/graphiql.js" in response.text
