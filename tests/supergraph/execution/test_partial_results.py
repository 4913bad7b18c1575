"""Where nulls and errors land when a subgraph fails or is down (each nullability case),
and when a subgraph returns an enum value the API schema does not have."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from supergraph.server.app import create_gateway_app
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import PYTHON, ROOT, free_port, running_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{ query: Query }

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION
  | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  CATALOG @join__graph(name: "catalog", url: "http://unused/catalog")
  STOCK @join__graph(name: "stock", url: "http://unused/stock")
}

type Query @join__type(graph: CATALOG) @join__type(graph: STOCK) {
  products: [Product!]! @join__field(graph: CATALOG)
  featured: Product @join__field(graph: CATALOG)
  shelf: [Product] @join__field(graph: CATALOG)
  broken: String @join__field(graph: CATALOG)
  brokenRequired: String! @join__field(graph: CATALOG)
}

type Product @join__type(graph: CATALOG, key: "id") @join__type(graph: STOCK, key: "id") {
  id: ID!
  name: String! @join__field(graph: CATALOG)
  stock: Int @join__field(graph: STOCK)
  stockRequired: Int! @join__field(graph: STOCK)
  availability: Availability @join__field(graph: STOCK)
  availabilityRequired: Availability! @join__field(graph: STOCK)
  availabilityHistory: [Availability] @join__field(graph: STOCK)
}

enum Availability @join__type(graph: STOCK) {
  IN_STOCK @join__enumValue(graph: STOCK)
  DISCONTINUED @join__enumValue(graph: STOCK) @inaccessible
}
"""


@pytest.fixture(scope="module")
def failing_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    script = ROOT / "tests/supergraph/execution/failing_subgraphs.py"
    with running_process(
        "failing-subgraphs",
        [PYTHON, str(script), "--port", str(port)],
        log_dir=tmp_path_factory.mktemp("failing-subgraphs"),
        health_url=f"http://127.0.0.1:{port}/_stats",
    ):
        yield f"http://127.0.0.1:{port}"


def _router(urls: dict[str, str]) -> Any:
    return create_gateway_app(SUPERGRAPH, GatewaySettings(subgraph_urls=urls))


@pytest.fixture
async def router(failing_subgraphs: str) -> AsyncIterator[httpx.AsyncClient]:
    app = _router(
        {"catalog": f"{failing_subgraphs}/catalog", "stock": f"{failing_subgraphs}/stock"}
    )
    async with app_client(app) as client:
        yield client


@pytest.fixture
async def router_without_stock(failing_subgraphs: str) -> AsyncIterator[httpx.AsyncClient]:
    down = f"http://127.0.0.1:{free_port()}/stock"  # nothing listens there
    app = _router({"catalog": f"{failing_subgraphs}/catalog", "stock": down})
    async with app_client(app) as client:
        yield client


@pytest.fixture
async def router_without_catalog(failing_subgraphs: str) -> AsyncIterator[httpx.AsyncClient]:
    down = f"http://127.0.0.1:{free_port()}/catalog"
    app = _router({"catalog": down, "stock": f"{failing_subgraphs}/stock"})
    async with app_client(app) as client:
        yield client


async def _ask(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_nullable_entity_field_error_nulls_only_that_field(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ products { id stock } }")
    assert body["data"] == {
        "products": [{"id": "1", "stock": 10}, {"id": "2", "stock": None}, {"id": "3", "stock": 30}]
    }
    [error] = body["errors"]
    assert error["path"] == ["products", 1, "stock"]
    assert error["message"] == "stock is unavailable for product 2"
    assert error["extensions"]["serviceName"] == "stock"


async def test_non_null_entity_field_error_nulls_the_nearest_nullable_parent(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ featured { id name stockRequired } }")
    assert body["data"] == {"featured": None}
    [error] = body["errors"]
    assert error["path"] == ["featured", "stockRequired"]
    assert error["extensions"]["serviceName"] == "stock"


async def test_non_null_error_in_a_nullable_list_item_nulls_only_that_item(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ shelf { id stockRequired } }")
    assert body["data"] == {
        "shelf": [{"id": "1", "stockRequired": 7}, None, {"id": "3", "stockRequired": 7}]
    }
    [error] = body["errors"]
    assert error["path"] == ["shelf", 1, "stockRequired"]
    assert error["extensions"]["serviceName"] == "stock"


async def test_non_null_error_inside_non_null_list_bubbles_to_the_root(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ products { id stockRequired } featured { id } }")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["products", 1, "stockRequired"]
    assert error["extensions"]["serviceName"] == "stock"


async def test_nullable_root_field_error_keeps_sibling_root_fields(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ broken products { id } }")
    assert body["data"] == {"broken": None, "products": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}
    [error] = body["errors"]
    assert error["path"] == ["broken"]
    assert error["extensions"]["serviceName"] == "catalog"


async def test_non_null_root_field_error_nulls_data(router: httpx.AsyncClient) -> None:
    body = await _ask(router, "{ brokenRequired }")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["brokenRequired"]
    assert error["extensions"]["serviceName"] == "catalog"


async def test_down_subgraph_leaves_its_nullable_fields_null_with_an_error(
    router_without_stock: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_stock, "{ products { id name stock } }")
    assert body["data"] == {
        "products": [
            {"id": "1", "name": "Table", "stock": None},
            {"id": "2", "name": "Couch", "stock": None},
            {"id": "3", "name": "Lamp", "stock": None},
        ]
    }
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "stock"}


async def test_down_subgraph_behind_non_null_fields_nulls_each_nullable_list_item(
    router_without_stock: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_stock, "{ shelf { id stockRequired } }")
    assert body["data"] == {"shelf": [None, None, None]}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "stock"}


async def test_down_subgraph_behind_non_null_list_items_nulls_data(
    router_without_stock: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_stock, "{ products { id stockRequired } featured { id } }")
    assert body["data"] is None
    assert [e["extensions"]["serviceName"] for e in body["errors"]] == ["stock"]


async def test_down_subgraph_behind_a_non_null_field_nulls_the_nullable_parent(
    router_without_stock: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_stock, "{ featured { id stockRequired } }")
    assert body["data"] == {"featured": None}
    assert [e["extensions"]["serviceName"] for e in body["errors"]] == ["stock"]


async def test_down_root_subgraph_nulls_data_when_its_root_field_is_non_null(
    router_without_catalog: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_catalog, "{ products { id } }")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "catalog"}


async def test_down_root_subgraph_leaves_nullable_root_fields_null(
    router_without_catalog: httpx.AsyncClient,
) -> None:
    body = await _ask(router_without_catalog, "{ featured { id } broken }")
    assert body["data"] == {"featured": None, "broken": None}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "catalog"}


# An enum value the API schema does not have (DISCONTINUED is @inaccessible) cannot be
# serialised: the field is null with an error at its path, and the null propagates.
DISCONTINUED = 'Enum "Availability" cannot represent value: "DISCONTINUED"'


async def test_inaccessible_enum_value_in_a_nullable_field_is_a_field_error(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ products { id availability } }")
    assert body["data"] == {
        "products": [
            {"id": "1", "availability": "IN_STOCK"},
            {"id": "2", "availability": None},
            {"id": "3", "availability": "IN_STOCK"},
        ]
    }
    assert body["errors"] == [{"message": DISCONTINUED, "path": ["products", 1, "availability"]}]


async def test_inaccessible_enum_value_in_a_non_null_field_nulls_the_nullable_parent(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ featured { id availabilityRequired } }")
    assert body["data"] == {"featured": None}
    assert body["errors"] == [
        {"message": DISCONTINUED, "path": ["featured", "availabilityRequired"]}
    ]


async def test_inaccessible_enum_value_under_non_null_list_items_nulls_data(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ products { availabilityRequired } }")
    assert body["data"] is None
    assert [e["path"] for e in body["errors"]] == [["products", 1, "availabilityRequired"]]


async def test_inaccessible_enum_value_in_a_list_nulls_only_that_item(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ featured { availabilityHistory } }")
    assert body["data"] == {"featured": {"availabilityHistory": ["IN_STOCK", None]}}
    assert [e["path"] for e in body["errors"]] == [["featured", "availabilityHistory", 1]]


async def test_inaccessible_enum_value_is_reported_beside_a_subgraph_error(
    router: httpx.AsyncClient,
) -> None:
    body = await _ask(router, "{ featured { stock availability } }")
    assert body["data"] == {"featured": {"stock": None, "availability": None}}
    assert [(e["path"], e["message"]) for e in body["errors"]] == [
        (["featured", "stock"], "stock is unavailable for product 2"),
        (["featured", "availability"], DISCONTINUED),
    ]
