"""Resolver bodies shared by Query and the `User` entity (thin: rules live in the services)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from subgraphs.kit.auth import Principal
from subgraphs.kit.errors import BadInput, NotFound, Unauthenticated
from subgraphs.kit.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.orders import limits
from subgraphs.orders.cart import carts
from subgraphs.orders.context import OrdersInfo
from subgraphs.orders.loaders import FirstPage
from subgraphs.orders.models import Order as OrderModel
from subgraphs.orders.service import orders
from subgraphs.orders.types import (
    Cart,
    Order,
    OrderConnection,
    OrderEdge,
    OrderStatus,
    PageInfo,
)


def caller_user_id(principal: Principal) -> uuid.UUID:
    """The customer or admin calling; service credentials have no cart or orders."""
    user_id = principal.user_id
    if user_id is None:
        raise Unauthenticated("a user's access token is required")
    return user_id


def require_self_or_admin(principal: Principal, user_id: uuid.UUID) -> None:
    """Someone else's orders or cart do not exist for the caller (no leak, no 403)."""
    if principal.user_id != user_id and not principal.is_admin:
        raise NotFound("not found")


async def orders_page(
    info: OrdersInfo,
    *,
    first: int | None,
    after: str | None,
    user_id: uuid.UUID | None,
    status: OrderStatus | None,
) -> OrderConnection:
    limit = page_size(first)
    position: tuple[datetime, uuid.UUID] | None = None
    if after is None and user_id is not None:
        first_page = FirstPage(user_id, limit + 1, None if status is None else status.to_model())
        rows = await info.context.loaders.first_orders_of_user.load(first_page)
        return connection_of(rows, limit, after)
    if after is not None:
        created_at, last_id = decode_cursor(after, length=2)
        try:
            position = (datetime.fromisoformat(created_at), uuid.UUID(last_id))
        except (TypeError, ValueError) as error:
            raise BadInput("malformed cursor", field="after", code="INVALID_CURSOR") from error
    async with info.context.sessionmaker() as session:
        rows = await orders.page(
            session,
            limit=limit + 1,
            after=position,
            user_id=user_id,
            status=None if status is None else status.to_model(),
        )
    return connection_of(rows, limit, after)


def connection_of(rows: list[OrderModel], limit: int, after: str | None) -> OrderConnection:
    """A page from up to `limit + 1` rows (the extra one only says there is a next page)."""
    page = rows[:limit]
    edges = [
        OrderEdge(
            cursor=encode_cursor([row.created_at.isoformat(), str(row.id)]),
            node=Order.from_model(row),
        )
        for row in page
    ]
    return OrderConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > limit,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def orders_of_user(
    info: OrdersInfo,
    user_id: strawberry.ID,
    *,
    first: int | None,
    after: str | None,
    status: OrderStatus | None,
) -> OrderConnection:
    principal = info.context.require_principal()
    owner = limits.identifier(user_id, field="id")
    require_self_or_admin(principal, owner)
    return await orders_page(info, first=first, after=after, user_id=owner, status=status)


async def cart_of_user(info: OrdersInfo, user_id: strawberry.ID | uuid.UUID) -> Cart:
    principal = info.context.require_principal()
    owner = user_id if isinstance(user_id, uuid.UUID) else limits.identifier(user_id, field="id")
    if principal.user_id != owner:
        raise NotFound("not found")
    view = await carts.view(info.context.sessionmaker, info.context.deps.products, owner)
    return Cart.from_view(view)
