"""Two small subgraphs whose fields fail on purpose, served over real HTTP.

    python tests/supergraph/execution/failing_subgraphs.py --port N

`catalog` owns `Product` and the root fields; `stock` adds stock fields to
`Product`. Product "2" fails in `stock` (a nullable and a non-null field), and
the root fields `broken`/`brokenRequired` always fail, so that tests can check
where errors and nulls land for each nullability case. Product "2" is also
DISCONTINUED, an availability the router's supergraph marks @inaccessible.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, GraphQLUnionType, build_schema

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from bench.federation.graphql_endpoint import GraphQLEndpoint  # noqa: E402
from bench.federation.http_server import serve  # noqa: E402

_FEDERATION = """
scalar _Any
type _Service { sdl: String }
"""

CATALOG_SDL = """
type Query {
  products: [Product!]!
  featured: Product
  shelf: [Product]
  broken: String
  brokenRequired: String!
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
type Product { id: ID! name: String! }
union _Entity = Product
"""

STOCK_SDL = """
type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
type Product {
  id: ID!
  stock: Int
  stockRequired: Int!
  availability: Availability
  availabilityRequired: Availability!
  availabilityHistory: [Availability]
}
enum Availability { IN_STOCK DISCONTINUED }
union _Entity = Product
"""

PRODUCTS = [{"id": "1", "name": "Table"}, {"id": "2", "name": "Couch"}, {"id": "3", "name": "Lamp"}]


def _fail(message: str) -> Any:
    def resolve(*_: Any, **__: Any) -> Any:
        raise ValueError(message)

    return resolve


def _product(id_: str) -> dict[str, Any]:
    row = next(p for p in PRODUCTS if p["id"] == id_)
    return {"__typename": "Product", **row}


def _stock(id_: str) -> dict[str, Any]:
    if id_ == "2":
        return {
            "__typename": "Product",
            "id": id_,
            "stock": _fail("stock is unavailable for product 2"),
            "stockRequired": _fail("stock is unavailable for product 2"),
            "availability": "DISCONTINUED",
            "availabilityRequired": "DISCONTINUED",
            "availabilityHistory": ["IN_STOCK", "DISCONTINUED"],
        }
    return {
        "__typename": "Product",
        "id": id_,
        "stock": int(id_) * 10,
        "stockRequired": 7,
        "availability": "IN_STOCK",
        "availabilityRequired": "IN_STOCK",
        "availabilityHistory": ["IN_STOCK"],
    }


def _schema(sdl: str, entity: Any, root: dict[str, Any]) -> GraphQLSchema:
    schema = build_schema(_FEDERATION + sdl)
    query = schema.query_type
    assert query is not None
    query.fields["_entities"].resolve = lambda _root, _info, representations: [
        entity(r["id"]) for r in representations
    ]
    query.fields["_service"].resolve = lambda *_: {"sdl": sdl}
    for name, resolver in root.items():
        query.fields[name].resolve = resolver
    union = schema.type_map["_Entity"]
    assert isinstance(union, GraphQLUnionType)
    union.resolve_type = lambda value, *_: value["__typename"]
    return schema


def build_routes() -> dict[str, Any]:
    catalog = _schema(
        CATALOG_SDL,
        _product,
        {
            "products": lambda *_: [_product(p["id"]) for p in PRODUCTS],
            "featured": lambda *_: _product("2"),
            "shelf": lambda *_: [_product(p["id"]) for p in PRODUCTS],
            "broken": _fail("broken on purpose"),
            "brokenRequired": _fail("broken on purpose"),
        },
    )
    stock = _schema(STOCK_SDL, _stock, {})
    return {
        "/catalog": GraphQLEndpoint(catalog, cache_responses=False).handle,
        "/stock": GraphQLEndpoint(stock, cache_responses=False).handle,
    }


async def _run(port: int) -> None:
    server = await serve(build_routes(), "127.0.0.1", port)
    print(f"ready http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(_run(parser.parse_args().port))
