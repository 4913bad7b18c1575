"""All SQL of the orders service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from subgraphs.kit.orm import utcnow
from subgraphs.orders.models import (
    CartItem,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentKind,
    PendingStockAction,
    StockAction,
)

# --- orders


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, *, for_update: bool = False
) -> Order | None:
    statement = select(Order).where(Order.id == order_id)
    if for_update:
        # PostgreSQL locks the row so that paying, cancelling and expiring one
        # order never interleave; SQLite has a single writer anyway.
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def orders_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Order]:
    if not ids:
        return []
    return list((await session.scalars(select(Order).where(Order.id.in_(ids)))).all())


async def order_by_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str
) -> Order | None:
    statement = select(Order).where(Order.user_id == user_id, Order.idempotency_key == key)
    return (await session.execute(statement)).scalar_one_or_none()


async def order_exists(session: AsyncSession, order_id: uuid.UUID) -> bool:
    found = await session.scalar(select(func.count()).where(Order.id == order_id))
    return bool(found)


def add_order(session: AsyncSession, order: Order, items: list[OrderItem]) -> None:
    session.add(order)
    session.add_all(items)


async def page_of_orders(
    session: AsyncSession,
    *,
    limit: int,
    user_id: uuid.UUID | None = None,
    status: OrderStatus | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Order]:
    """Newest first; `after` is the (created_at, id) of the last order already seen."""
    statement = select(Order)
    if user_id is not None:
        statement = statement.where(Order.user_id == user_id)
    if status is not None:
        statement = statement.where(Order.status == status.value)
    if after is not None:
        created_at, last_id = after
        statement = statement.where(
            or_(
                Order.created_at < created_at,
                and_(Order.created_at == created_at, Order.id < last_id),
            )
        )
    statement = statement.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    return list((await session.scalars(statement)).all())


async def first_orders_of_users(
    session: AsyncSession,
    user_ids: Sequence[uuid.UUID],
    *,
    limit: int,
    status: OrderStatus | None = None,
) -> list[Order]:
    """The newest `limit` orders of each user, for all of them in one query."""
    newest_first = (Order.created_at.desc(), Order.id.desc())
    ranked = select(
        Order,
        func.row_number().over(partition_by=Order.user_id, order_by=newest_first).label("rank"),
    ).where(Order.user_id.in_(user_ids))
    if status is not None:
        ranked = ranked.where(Order.status == status.value)
    rows = ranked.subquery()
    order = aliased(Order, rows)
    statement = (
        select(order)
        .where(rows.c.rank <= limit)
        .order_by(rows.c.user_id, rows.c.created_at.desc(), rows.c.id.desc())
    )
    return list((await session.scalars(statement)).all())


async def expired_pending_order_ids(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[uuid.UUID]:
    statement = (
        select(Order.id)
        .where(Order.status == OrderStatus.PENDING.value, Order.payment_deadline < now)
        .order_by(Order.payment_deadline)
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def set_status(session: AsyncSession, order: Order, status: OrderStatus) -> None:
    order.status = status
    order.updated_at = utcnow()
    await session.flush()


# --- items, history, payments


async def items_of_orders(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[OrderItem]:
    statement = (
        select(OrderItem)
        .where(OrderItem.order_id.in_(order_ids))
        .order_by(OrderItem.order_id, OrderItem.position)
    )
    return list((await session.scalars(statement)).all())


def add_status_change(session: AsyncSession, change: OrderStatusChange) -> None:
    session.add(change)


async def history_of_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[OrderStatusChange]:
    statement = (
        select(OrderStatusChange)
        .where(OrderStatusChange.order_id.in_(order_ids))
        .order_by(OrderStatusChange.changed_at, OrderStatusChange.id)
    )
    return list((await session.scalars(statement)).all())


async def payments_of_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[Payment]:
    statement = (
        select(Payment)
        .where(Payment.order_id.in_(order_ids))
        .order_by(Payment.created_at, Payment.id)
    )
    return list((await session.scalars(statement)).all())


async def charges_of_order(session: AsyncSession, order_id: uuid.UUID) -> list[Payment]:
    statement = (
        select(Payment)
        .where(Payment.order_id == order_id, Payment.kind == PaymentKind.CHARGE.value)
        .order_by(Payment.created_at, Payment.id)
    )
    return list((await session.scalars(statement)).all())


async def add_payment(session: AsyncSession, payment: Payment) -> Payment:
    session.add(payment)
    await session.flush()
    return payment


# --- carts


async def cart_items(session: AsyncSession, user_id: uuid.UUID) -> list[CartItem]:
    statement = (
        select(CartItem)
        .where(CartItem.user_id == user_id)
        .order_by(CartItem.created_at, CartItem.id)
    )
    return list((await session.scalars(statement)).all())


async def cart_items_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> list[CartItem]:
    statement = (
        select(CartItem)
        .where(CartItem.user_id.in_(user_ids))
        .order_by(CartItem.created_at, CartItem.id)
    )
    return list((await session.scalars(statement)).all())


async def cart_item(
    session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID
) -> CartItem | None:
    statement = select(CartItem).where(
        CartItem.user_id == user_id, CartItem.product_id == product_id
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def count_cart_items(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int(await session.scalar(select(func.count()).where(CartItem.user_id == user_id)) or 0)


async def add_cart_item(session: AsyncSession, item: CartItem) -> CartItem:
    session.add(item)
    await session.flush()
    return item


async def delete_cart_item(session: AsyncSession, item: CartItem) -> None:
    await session.delete(item)
    await session.flush()


async def clear_cart(
    session: AsyncSession, user_id: uuid.UUID, product_ids: Sequence[uuid.UUID] | None = None
) -> None:
    statement = delete(CartItem).where(CartItem.user_id == user_id)
    if product_ids is not None:
        statement = statement.where(CartItem.product_id.in_(product_ids))
    await session.execute(statement)


# --- stock actions the products service has not confirmed yet


async def record_pending_stock_action(
    session: AsyncSession, order_id: uuid.UUID, action: StockAction, error: str
) -> None:
    existing = (
        await session.execute(
            select(PendingStockAction).where(
                PendingStockAction.order_id == order_id,
                PendingStockAction.action == action.value,
            )
        )
    ).scalar_one_or_none()
    if existing is None:
        session.add(
            PendingStockAction(order_id=order_id, action=action, attempts=1, last_error=error)
        )
    else:
        existing.attempts += 1
        existing.last_error = error
    await session.flush()


async def pending_stock_actions(
    session: AsyncSession, *, limit: int = 100
) -> list[PendingStockAction]:
    statement = select(PendingStockAction).order_by(PendingStockAction.created_at).limit(limit)
    return list((await session.scalars(statement)).all())


async def resolve_pending_stock_action(
    session: AsyncSession, order_id: uuid.UUID, action: StockAction
) -> None:
    await session.execute(
        delete(PendingStockAction).where(
            PendingStockAction.order_id == order_id, PendingStockAction.action == action.value
        )
    )


async def note_pending_stock_failure(
    session: AsyncSession, action_id: uuid.UUID, error: str
) -> None:
    await session.execute(
        update(PendingStockAction)
        .where(PendingStockAction.id == action_id)
        .values(attempts=PendingStockAction.attempts + 1, last_error=error, updated_at=utcnow())
    )
