"""The catalog and inventory tables (products_db).

PostgreSQL also has a generated `search_vector` column (see the first migration)
that the ORM does not map: it is written by the database and read only by the
search query. SQLite keeps an FTS5 index (`products_fts`) in step with triggers.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.kit.orm import Timestamps, UTCDateTime, UUIDPrimaryKey, service_metadata, utcnow

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
CATEGORY_MAX_LENGTH = 60
IMAGE_URL_MAX_LENGTH = 500
REASON_MAX_LENGTH = 200
PRICE_MAX = Decimal("9999999999.99")  # NUMERIC(12, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()


class ReservationState(StrEnum):
    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    COMMITTED = "COMMITTED"


class Product(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        Index("ix_products_category", "category"),
        Index("ix_products_name", "name"),
        Index("ix_products_price", "price"),
        Index("ix_products_created_at", "created_at"),
        # Category pages in each sort order (migration 0002).
        Index("ix_products_category_name", "category", "name", "id"),
        Index("ix_products_category_price", "category", "price", "id"),
        Index("ix_products_category_created_at", "category", "created_at", "id"),
    )

    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    stock_quantity: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX_LENGTH), nullable=False)
    image_url: Mapped[str | None] = mapped_column(String(IMAGE_URL_MAX_LENGTH), nullable=True)
    # Archived products stay readable (orders reference them) but leave the catalog.
    is_active: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=true()
    )
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StockReservation(UUIDPrimaryKey, Timestamps, Base):
    """One line of an order's reservation; all lines of an order share one state."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("state IN ('RESERVED', 'RELEASED', 'COMMITTED')", name="state_known"),
        Index("ix_stock_reservations_product_id", "product_id"),
    )

    # Orders live in another database: a plain UUID, joined through federation.
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    product_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False
    )
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)


class StockAdjustment(UUIDPrimaryKey, Base):
    """Why stock changed by hand: the audit trail of `adjustStock`."""

    __tablename__ = "stock_adjustments"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        Index("ix_stock_adjustments_product_id", "product_id"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False
    )
    delta: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(REASON_MAX_LENGTH), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    stock_after: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


__all__ = ["Base", "Product", "ReservationState", "StockAdjustment", "StockReservation"]
