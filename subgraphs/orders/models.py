"""The orders database: orders, their items, status history, payments, carts.

Users and products live in other services: their ids are plain UUID columns
that join through federation, never foreign keys.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.kit.orm import Timestamps, UTCDateTime, UUIDPrimaryKey, service_metadata, utcnow

# Twelve digits with two decimal places: exact, and wide enough for any order.
MoneyColumn = Numeric(12, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class PaymentKind(StrEnum):
    CHARGE = "CHARGE"
    REFUND = "REFUND"


class PaymentStatus(StrEnum):
    # The provider has not told us the outcome yet (a timeout or provider error):
    # the next attempt asks again with the same attempt key instead of charging anew.
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


class StockAction(StrEnum):
    RELEASE = "RELEASE"
    COMMIT = "COMMIT"


class Order(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "orders"
    __table_args__ = (
        # One order per (user, idempotency key): the database settles concurrent retries.
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_orders_user_id_created_at", "user_id", "created_at"),
        Index("ix_orders_status_payment_deadline", "status", "payment_deadline"),
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[OrderStatus] = mapped_column(String(16), index=True)
    total_amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    # A digest of what was asked for, so a reused key with a different payload is
    # told apart from an honest retry.
    request_digest: Mapped[str] = mapped_column(String(64))
    payment_deadline: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderItem(UUIDPrimaryKey, Base):
    __tablename__ = "order_items"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[int] = mapped_column(Integer)
    # The unit price the products service quoted when the stock was reserved.
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    subtotal: Mapped[Decimal] = mapped_column(MoneyColumn)
    position: Mapped[int] = mapped_column(Integer, default=0)


class OrderStatusChange(UUIDPrimaryKey, Base):
    __tablename__ = "order_status_history"

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[OrderStatus | None] = mapped_column(String(16))
    to_status: Mapped[OrderStatus] = mapped_column(String(16))
    # "user:<id>", "admin:<id>", "system:expiry", "system:payment".
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PaymentKind] = mapped_column(String(16))
    status: Mapped[PaymentStatus] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    # Sent to the provider as its idempotency key: one attempt, at most one charge.
    attempt_key: Mapped[str] = mapped_column(String(128), unique=True)
    payment_token: Mapped[str] = mapped_column(String(128))
    provider_reference: Mapped[str | None] = mapped_column(String(128))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(500))


class CartItem(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "cart"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[int] = mapped_column(Integer)


class PendingStockAction(UUIDPrimaryKey, Timestamps, Base):
    """A release or commit the products service still has to hear about.

    Written whenever such a call could not be confirmed (products down, timed
    out); the worker retries it until products answers, so no stock stays
    reserved for an order that does not exist and no paid stock stays unsold.
    """

    __tablename__ = "pending_stock_actions"
    __table_args__ = (UniqueConstraint("order_id", "action"),)

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[StockAction] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
