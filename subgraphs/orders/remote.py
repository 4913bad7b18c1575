"""What the orders service asks of the users and products services, over GraphQL.

Calls go straight to the owning subgraph with a service credential (never
through the gateway), with the kit client's timeouts and error mapping: a down
service is `SERVICE_UNAVAILABLE`, a business refusal keeps its code
(`INSUFFICIENT_STOCK`, `PRODUCT_NOT_FOUND`, ...).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from subgraphs.kit.errors import DependencyUnavailable
from subgraphs.kit.scalars import parse_money
from subgraphs.kit.service_client import ServiceClient


@dataclass(frozen=True)
class UserStanding:
    exists: bool
    is_active: bool


@dataclass(frozen=True)
class ProductQuote:
    id: uuid.UUID
    name: str
    price: Decimal
    is_active: bool
    stock_quantity: int


@dataclass(frozen=True)
class StockLine:
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class ReservedLine:
    product_id: uuid.UUID
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Reservation:
    state: str
    lines: list[ReservedLine]

    @property
    def is_held(self) -> bool:
        return self.state == "RESERVED"


USER_QUERY = "query OrdersUserStanding($id: ID!) { user(id: $id) { id isActive } }"

PRODUCTS_QUERY = """
query OrdersProductQuotes($ids: [ID!]!, $first: Int!) {
  products(filter: {ids: $ids}, first: $first) {
    edges { node { id name price isActive stockQuantity } }
  }
}
"""

PRODUCT_QUERY = """
query OrdersProductQuote($id: ID!) { product(id: $id) { id name price isActive stockQuantity } }
"""

RESERVE_MUTATION = """
mutation OrdersReserveStock($orderId: ID!, $items: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, items: $items) {
    orderId state lines { productId quantity unitPrice }
  }
}
"""

RELEASE_MUTATION = """
mutation OrdersReleaseStock($orderId: ID!) { releaseStock(orderId: $orderId) { orderId state } }
"""

COMMIT_MUTATION = """
mutation OrdersCommitStock($orderId: ID!) { commitStock(orderId: $orderId) { orderId state } }
"""


class UsersDirectory:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def standing(self, user_id: uuid.UUID) -> UserStanding:
        data = await self._client.execute(USER_QUERY, {"id": str(user_id)})
        user = data.get("user")
        if user is None:
            return UserStanding(exists=False, is_active=False)
        return UserStanding(exists=True, is_active=bool(user.get("isActive")))


class ProductsCatalog:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def quotes(self, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, ProductQuote]:
        """Current prices of `product_ids`, in one call; unknown ids are simply absent."""
        if not product_ids:
            return {}
        data = await self._client.execute(
            PRODUCTS_QUERY,
            {"ids": [str(pid) for pid in product_ids], "first": len(product_ids)},
        )
        connection = data.get("products") or {}
        quotes = (_quote(edge["node"]) for edge in connection.get("edges", []))
        return {quote.id: quote for quote in quotes}

    async def quote(self, product_id: uuid.UUID) -> ProductQuote | None:
        data = await self._client.execute(PRODUCT_QUERY, {"id": str(product_id)})
        node = data.get("product")
        return None if node is None else _quote(node)

    async def reserve(self, order_id: uuid.UUID, lines: list[StockLine]) -> Reservation:
        """Reserve every line or none, at the current prices products returns.

        Idempotent per order id: a repeat returns the first reservation, in
        whatever state it is now.
        """
        data = await self._client.execute(
            RESERVE_MUTATION,
            {
                "orderId": str(order_id),
                "items": [
                    {"productId": str(line.product_id), "quantity": line.quantity} for line in lines
                ],
            },
        )
        reservation = _required(data, "reserveStock", self._client.name)
        return Reservation(
            state=str(reservation["state"]),
            lines=[
                ReservedLine(
                    product_id=uuid.UUID(line["productId"]),
                    quantity=int(line["quantity"]),
                    unit_price=parse_money(line["unitPrice"]),
                )
                for line in reservation["lines"]
            ],
        )

    async def release(self, order_id: uuid.UUID) -> None:
        """Give the order's reserved stock back; fine when nothing was reserved."""
        await self._client.execute(RELEASE_MUTATION, {"orderId": str(order_id)})

    async def commit(self, order_id: uuid.UUID) -> None:
        """Turn the order's reservation into a sale."""
        data = await self._client.execute(COMMIT_MUTATION, {"orderId": str(order_id)})
        _required(data, "commitStock", self._client.name)


def _quote(node: dict[str, Any]) -> ProductQuote:
    return ProductQuote(
        id=uuid.UUID(node["id"]),
        name=node["name"],
        price=parse_money(node["price"]),
        is_active=bool(node["isActive"]),
        stock_quantity=int(node["stockQuantity"]),
    )


def _required(data: dict[str, Any], field: str, service: str) -> dict[str, Any]:
    value = data.get(field)
    if not isinstance(value, dict):
        raise DependencyUnavailable(f"{service} service sent no {field}", service=service)
    return value
