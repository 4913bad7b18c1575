"""The four benchmark subgraphs as executable graphql-core schemas over static data.

Every object is built once, as a plain dict carrying `__typename` (which
graphql-core's default resolvers read), so that only root fields and
`_entities` need resolvers. The behaviour follows the benchmark's README,
quirks included:

- inventory's `shippingEstimate` is always null (the reference implementation
  ignores the `price` and `weight` it requires);
- reviews' `Review.author` is always user 1 with the provided username "urigo";
- reviews' `User.reviews` is the first two reviews for any user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema

from bench.federation.dataset import BENCHMARK_DIR, load_data, load_subgraph_sdl

# The federation subgraph spec's own fields, shared by every subgraph.
_FEDERATION_SDL = """
scalar _Any
type _Service { sdl: String }
"""

_EXECUTABLE_SDL = {
    "accounts": """
type Query {
  me: User
  user(id: ID!): User
  users: [User]
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = User
type User { id: ID! name: String username: String birthday: Int }
""",
    "products": """
type Query {
  topProducts(first: Int = 5): [Product]
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = Product
type Product { upc: String! name: String price: Int weight: Int }
""",
    "inventory": """
type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = Product
type Product {
  upc: String! weight: Int price: Int inStock: Boolean shippingEstimate: Int
}
""",
    "reviews": """
type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = Review | User | Product
type Review { id: ID! body: String product: Product author: User }
type User { id: ID! username: String reviews: [Review] }
type Product { upc: String! reviews: [Review] }
""",
}

Representation = Mapping[str, Any]
EntityResolver = Callable[[Representation], Any]


@dataclass(frozen=True)
class Subgraph:
    """One subgraph: its executable schema and the SDL it reports through `_service`."""

    name: str
    schema: GraphQLSchema
    sdl: str


def _typed(typename: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {"__typename": typename, **row}


def _accounts(benchmark_dir: Path) -> tuple[dict[str, Any], dict[str, EntityResolver]]:
    users = [_typed("User", row) for row in load_data("accounts", benchmark_dir)]
    by_id = {user["id"]: user for user in users}
    root = {
        "me": lambda _info, **_args: by_id["1"],
        "user": lambda _info, id: by_id.get(id),
        "users": lambda _info: users,
    }
    return root, {"User": lambda rep: by_id.get(rep.get("id"))}


def _products(benchmark_dir: Path) -> tuple[dict[str, Any], dict[str, EntityResolver]]:
    products = [_typed("Product", row) for row in load_data("products", benchmark_dir)]
    by_upc = {product["upc"]: product for product in products}
    root = {"topProducts": lambda _info, first=5: products[:first]}
    return root, {"Product": lambda rep: by_upc.get(rep.get("upc"))}


def _inventory(benchmark_dir: Path) -> tuple[dict[str, Any], dict[str, EntityResolver]]:
    stock = {row["upc"]: row["inStock"] for row in load_data("inventory", benchmark_dir)}

    def product(rep: Representation) -> dict[str, Any] | None:
        upc = rep.get("upc")
        if upc not in stock:
            return None
        # price and weight are external: echo what the gateway sent; the
        # estimate ignores them on purpose (the benchmark's quirk).
        return {
            "__typename": "Product",
            "upc": upc,
            "price": rep.get("price"),
            "weight": rep.get("weight"),
            "inStock": stock[upc],
            "shippingEstimate": None,
        }

    return {}, {"Product": product}


def _reviews(benchmark_dir: Path) -> tuple[dict[str, Any], dict[str, EntityResolver]]:
    rows = load_data("reviews", benchmark_dir)
    # The objects link to each other (review -> product -> reviews, review ->
    # author -> reviews), so nested selections resolve in this subgraph too.
    reviews = [{"__typename": "Review", "id": row["id"], "body": row["body"]} for row in rows]
    by_id = {review["id"]: review for review in reviews}
    products: dict[Any, dict[str, Any]] = {}
    for review, row in zip(reviews, rows, strict=True):
        product = products.setdefault(
            row["upc"], {"__typename": "Product", "upc": row["upc"], "reviews": []}
        )
        product["reviews"].append(review)
        review["product"] = product
    first_two = reviews[:2]
    author = {"__typename": "User", "id": "1", "username": "urigo", "reviews": first_two}
    for review in reviews:
        review["author"] = author

    def user(rep: Representation) -> dict[str, Any]:
        return {
            "__typename": "User",
            "id": rep.get("id"),
            "username": rep.get("username"),
            "reviews": first_two,
        }

    def product_entity(rep: Representation) -> dict[str, Any]:
        upc = rep.get("upc")
        known = products.get(upc)
        return known if known else {"__typename": "Product", "upc": upc, "reviews": []}

    return {}, {
        "Review": lambda rep: by_id.get(rep.get("id")),
        "User": user,
        "Product": product_entity,
    }


_BUILDERS = {
    "accounts": _accounts,
    "products": _products,
    "inventory": _inventory,
    "reviews": _reviews,
}


def _entities_resolver(resolvers: Mapping[str, EntityResolver]) -> Callable[..., list[Any]]:
    def resolve(_root: Any, _info: Any, representations: list[Representation]) -> list[Any]:
        # One call resolves the whole batch, in the order the gateway sent it.
        result = []
        for rep in representations:
            resolver = resolvers.get(rep.get("__typename", ""))
            result.append(resolver(rep) if resolver else None)
        return result

    return resolve


def build_subgraph(name: str, benchmark_dir: Path = BENCHMARK_DIR) -> Subgraph:
    """Build subgraph `name` (accounts, products, inventory or reviews)."""
    schema = build_schema(_FEDERATION_SDL + _EXECUTABLE_SDL[name])
    root_fields, entity_resolvers = _BUILDERS[name](benchmark_dir)
    sdl = load_subgraph_sdl(name, benchmark_dir)
    query_type = schema.query_type
    assert query_type is not None
    fields = query_type.fields
    for field_name, resolve in root_fields.items():
        fields[field_name].resolve = _root_resolver(resolve)
    fields["_entities"].resolve = _entities_resolver(entity_resolvers)
    service = {"sdl": sdl}
    fields["_service"].resolve = lambda _root, _info: service
    return Subgraph(name=name, schema=schema, sdl=sdl)


def _root_resolver(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def root_field(_root: Any, info: Any, **args: Any) -> Any:
        return resolve(info, **args)

    return root_field
