"""Per-request DataLoaders: one query per kind of row per request, each batch in its own session."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby
from typing import NamedTuple, TypeVar

from strawberry.dataloader import DataLoader

from subgraphs.kit.database import Sessionmaker
from subgraphs.orders import repository
from subgraphs.orders.models import Order, OrderItem, OrderStatus, OrderStatusChange, Payment

Row = TypeVar("Row", OrderItem, OrderStatusChange, Payment)


class FirstPage(NamedTuple):
    user_id: uuid.UUID
    limit: int
    status: OrderStatus | None


class OrderLoaders:
    def __init__(self, sessionmaker: Sessionmaker) -> None:
        self._sessionmaker = sessionmaker
        self.order_by_id: DataLoader[uuid.UUID, Order | None] = DataLoader(self._orders)
        self.items_by_order: DataLoader[uuid.UUID, list[OrderItem]] = DataLoader(
            self._grouped(repository.items_of_orders)
        )
        self.history_by_order: DataLoader[uuid.UUID, list[OrderStatusChange]] = DataLoader(
            self._grouped(repository.history_of_orders)
        )
        self.payments_by_order: DataLoader[uuid.UUID, list[Payment]] = DataLoader(
            self._grouped(repository.payments_of_orders)
        )
        # First pages of several users' orders (an admin listing users with
        # their orders through the router) come from one query.
        self.first_orders_of_user: DataLoader[FirstPage, list[Order]] = DataLoader(
            self._first_pages
        )

    async def _first_pages(self, pages: Sequence[FirstPage]) -> list[list[Order]]:
        found: dict[FirstPage, list[Order]] = defaultdict(list)
        async with self._sessionmaker() as session:
            for (limit, status), group in groupby(
                sorted(pages, key=lambda p: (p.limit, p.status or "")),
                key=lambda p: (p.limit, p.status),
            ):
                users = [page.user_id for page in group]
                rows = await repository.first_orders_of_users(
                    session, users, limit=limit, status=status
                )
                for row in rows:
                    found[FirstPage(row.user_id, limit, status)].append(row)
        return [found.get(page, []) for page in pages]

    async def _orders(self, ids: Sequence[uuid.UUID]) -> list[Order | None]:
        async with self._sessionmaker() as session:
            found = {order.id: order for order in await repository.orders_by_ids(session, ids)}
        return [found.get(order_id) for order_id in ids]

    def _grouped(
        self, fetch: Callable[..., Awaitable[list[Row]]]
    ) -> Callable[[Sequence[uuid.UUID]], Awaitable[list[list[Row]]]]:
        async def load(order_ids: Sequence[uuid.UUID]) -> list[list[Row]]:
            async with self._sessionmaker() as session:
                rows = await fetch(session, order_ids)
            groups: dict[uuid.UUID, list[Row]] = defaultdict(list)
            for row in rows:
                groups[row.order_id].append(row)
            return [groups.get(order_id, []) for order_id in order_ids]

        return load
