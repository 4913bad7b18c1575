"""Business rules of the catalog and of inventory reservations.

Services only flush: the caller owns the transaction (a mutation resolver wraps
each call in `sessionmaker.begin()`), so a failure anywhere undoes everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.errors import BadInput
from subgraphs.kit.orm import utcnow
from subgraphs.kit.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.products import repository, validation
from subgraphs.products.errors import (
    InsufficientStock,
    ProductNotFound,
    ProductUnavailable,
    ReservationConflict,
    ReservationNotFound,
    UnknownCategory,
)
from subgraphs.products.models import Product, ReservationState, StockAdjustment, StockReservation
from subgraphs.products.queries import (
    Keyset,
    Ordering,
    ProductCriteria,
    SearchPosition,
    SearchTerms,
    SortField,
)

_SEARCH_CURSOR_TAG = "search"

Counter = Callable[[AsyncSession], Awaitable[int]]


@dataclass(frozen=True)
class ProductPage:
    """One page of products with the cursor after each, and a deferred total count."""

    products: list[Product]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count: Counter


@dataclass
class ProductDraft:
    name: str
    price: Decimal
    category: str
    description: str | None = None
    stock_quantity: int = 0
    image_url: str | None = None


@dataclass
class ProductChanges:
    """Model attributes to change (`name`, `price`, ...); anything absent is left alone."""

    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StockLine:
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class Reservation:
    order_id: uuid.UUID
    state: ReservationState
    lines: list[StockReservation]

    @classmethod
    def of(cls, order_id: uuid.UUID, rows: Sequence[StockReservation]) -> Reservation:
        return cls(order_id, ReservationState(rows[0].state), list(rows))


def _cursor_of(product: Product, sort_field: SortField) -> str:
    value: Any = {
        SortField.NAME: product.name,
        SortField.PRICE: product.price,
        SortField.CREATED_AT: product.created_at,
    }[sort_field]
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return encode_cursor([sort_field.value, text, str(product.id)])


def _keyset(cursor: str, sort_field: SortField) -> Keyset:
    kind, raw, raw_id = decode_cursor(cursor, length=3)
    malformed = BadInput("malformed cursor", field="after", code="INVALID_CURSOR")
    if kind != sort_field.value or not isinstance(raw, str) or not isinstance(raw_id, str):
        raise malformed
    value: str | Decimal | datetime
    try:
        if sort_field is SortField.PRICE:
            value = Decimal(raw)
            if not value.is_finite():
                raise malformed
        elif sort_field is SortField.CREATED_AT:
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None:
                raise malformed
        else:
            value = raw
        return Keyset(value, uuid.UUID(raw_id))
    except (ValueError, InvalidOperation) as error:
        raise malformed from error


def _search_cursor(product: Product, tier: int) -> str:
    return encode_cursor([_SEARCH_CURSOR_TAG, tier, str(product.id)])


def _search_position(cursor: str | None, terms: SearchTerms) -> SearchPosition | None:
    if cursor is None:
        return None
    kind, tier, raw_id = decode_cursor(cursor, length=3)
    malformed = BadInput("malformed cursor", field="after", code="INVALID_CURSOR")
    if kind != _SEARCH_CURSOR_TAG or not isinstance(raw_id, str):
        raise malformed
    # A tier is how many of the query's words a name holds: no more than it has.
    if not isinstance(tier, int) or isinstance(tier, bool) or not 0 <= tier <= len(terms.words):
        raise malformed
    try:
        return SearchPosition(tier, uuid.UUID(raw_id))
    except ValueError as error:
        raise malformed from error


class CatalogService:
    async def _check_category(self, session: AsyncSession, criteria: ProductCriteria) -> None:
        if criteria.category is not None and not await repository.category_exists(
            session, criteria.category
        ):
            raise UnknownCategory(
                f"no category named {criteria.category!r}",
                field="category",
                category=criteria.category,
            )

    async def list_products(
        self,
        session: AsyncSession,
        criteria: ProductCriteria,
        ordering: Ordering,
        *,
        first: int | None,
        after: str | None,
    ) -> ProductPage:
        limit = page_size(first)
        keyset = None if after is None else _keyset(after, ordering.field)
        await self._check_category(session, criteria)
        rows = await repository.list_products(session, criteria, ordering, keyset, limit + 1)
        products = rows[:limit]

        async def count(count_session: AsyncSession) -> int:
            return await repository.count_products(count_session, criteria)

        return ProductPage(
            products=products,
            cursors=[_cursor_of(product, ordering.field) for product in products],
            has_next_page=len(rows) > limit,
            has_previous_page=keyset is not None,
            count=count,
        )

    async def search(
        self,
        session: AsyncSession,
        query: str,
        criteria: ProductCriteria,
        *,
        first: int | None,
        after: str | None,
    ) -> ProductPage:
        terms: SearchTerms = validation.search_terms(query)
        limit = page_size(first)
        position = _search_position(after, terms)
        await self._check_category(session, criteria)
        hits = await repository.search_products(session, terms, criteria, position, limit + 1)
        page = hits[:limit]

        async def count(count_session: AsyncSession) -> int:
            return await repository.count_search(count_session, terms, criteria)

        return ProductPage(
            products=[product for product, _tier in page],
            cursors=[_search_cursor(product, tier) for product, tier in page],
            has_next_page=len(hits) > limit,
            has_previous_page=position is not None,
            count=count,
        )

    async def categories(self, session: AsyncSession) -> list[tuple[str, int]]:
        return await repository.category_counts(session)

    async def create_product(self, session: AsyncSession, draft: ProductDraft) -> Product:
        product = Product(
            name=validation.name(draft.name),
            description=validation.description(draft.description),
            price=validation.price(draft.price),
            stock_quantity=validation.stock_quantity(draft.stock_quantity),
            category=validation.category(draft.category),
            image_url=validation.image_url(draft.image_url),
            is_active=True,
        )
        return await repository.add_product(session, product)

    async def _existing(self, session: AsyncSession, product_id: uuid.UUID) -> Product:
        product = await repository.get_product(session, product_id)
        if product is None:
            raise ProductNotFound("no such product", productId=str(product_id))
        return product

    async def update_product(
        self, session: AsyncSession, product_id: uuid.UUID, changes: ProductChanges
    ) -> Product:
        checks: dict[str, Callable[[Any], Any]] = {
            "name": validation.name,
            "description": validation.description,
            "price": validation.price,
            "category": validation.category,
            "image_url": validation.image_url,
        }
        cleaned = {key: checks[key](value) for key, value in changes.values.items()}
        product = await self._existing(session, product_id)
        if not product.is_active:
            raise ProductUnavailable("archived products cannot change", productId=str(product_id))
        for key, value in cleaned.items():
            setattr(product, key, value)
        await session.flush()
        return product

    async def archive_product(self, session: AsyncSession, product_id: uuid.UUID) -> Product:
        """Take a product out of the catalog; it stays readable for the orders that hold it."""
        product = await self._existing(session, product_id)
        if product.is_active:
            product.is_active = False
            product.archived_at = utcnow()
            await session.flush()
        return product

    async def adjust_stock(
        self,
        session: AsyncSession,
        product_id: uuid.UUID,
        *,
        delta: int,
        reason: str,
        actor: str,
    ) -> Product:
        delta = validation.delta(delta)
        reason = validation.reason(reason)
        product = await self._existing(session, product_id)
        stock_after = await repository.adjust_stock(
            session, product_id, delta, maximum=validation.STOCK_MAX
        )
        if stock_after is None:
            current = await self._existing(session, product_id)
            if delta < 0:
                raise InsufficientStock(
                    "not enough stock to remove",
                    productId=str(product_id),
                    requested=-delta,
                    available=current.stock_quantity,
                )
            raise BadInput(
                f"stock would exceed {validation.STOCK_MAX}",
                field="delta",
                code="STOCK_LIMIT_EXCEEDED",
            )
        await repository.add_adjustment(
            session,
            StockAdjustment(
                product_id=product.id,
                delta=delta,
                reason=reason,
                actor=actor,
                stock_after=stock_after,
            ),
        )
        return await self._existing(session, product_id)


def merged_lines(lines: Sequence[StockLine]) -> dict[uuid.UUID, int]:
    """One quantity per product (repeated products add up), validated."""
    if not lines:
        raise BadInput("a reservation needs at least one line", field="items", code="EMPTY_ITEMS")
    if len(lines) > validation.MAX_RESERVATION_LINES:
        raise BadInput(
            f"at most {validation.MAX_RESERVATION_LINES} lines per reservation",
            field="items",
            code="TOO_MANY_ITEMS",
        )
    merged: dict[uuid.UUID, int] = {}
    for line in lines:
        validation.quantity(line.quantity)
        merged[line.product_id] = validation.quantity(
            merged.get(line.product_id, 0) + line.quantity
        )
    return merged


class InventoryService:
    async def reserve(
        self, session: AsyncSession, order_id: uuid.UUID, lines: Sequence[StockLine]
    ) -> Reservation:
        """Reserve every line or none; a retry with the same lines returns the first result."""
        wanted = merged_lines(lines)
        await repository.lock_order(session, order_id)
        existing = await repository.reservations_for_order(session, order_id)
        if existing:
            if {row.product_id: row.quantity for row in existing} != wanted:
                raise ReservationConflict(
                    "this order already has a reservation with other lines",
                    orderId=str(order_id),
                )
            return Reservation.of(order_id, existing)

        products = {p.id: p for p in await repository.products_by_ids(session, list(wanted))}
        for product_id in sorted(wanted):
            product = products.get(product_id)
            if product is None:
                raise ProductNotFound("no such product", productId=str(product_id))
            if not product.is_active:
                raise ProductUnavailable("product is archived", productId=str(product_id))

        rows = []
        # A fixed (id) order: concurrent reservations lock rows in the same order,
        # so they queue behind each other instead of deadlocking.
        for product_id in sorted(wanted):
            quantity = wanted[product_id]
            unit_price = await repository.take_stock(session, product_id, quantity)
            if unit_price is None:
                await self._refuse(session, product_id, quantity)
            rows.append(
                StockReservation(
                    order_id=order_id,
                    product_id=product_id,
                    quantity=quantity,
                    unit_price=unit_price,
                    state=ReservationState.RESERVED.value,
                )
            )
        await repository.add_reservations(session, rows)
        return Reservation.of(order_id, await repository.reservations_for_order(session, order_id))

    async def _refuse(
        self, session: AsyncSession, product_id: uuid.UUID, quantity: int
    ) -> NoReturn:
        """Say why a conditional take found too little: archived meanwhile, or short."""
        current = await repository.get_product(session, product_id)
        if current is None or not current.is_active:
            raise ProductUnavailable("product is archived", productId=str(product_id))
        raise InsufficientStock(
            "not enough stock",
            productId=str(product_id),
            requested=quantity,
            available=current.stock_quantity,
        )

    async def release(self, session: AsyncSession, order_id: uuid.UUID) -> Reservation | None:
        """Give reserved stock back; None when nothing was ever reserved for the order."""
        await repository.lock_order(session, order_id)
        existing = await repository.reservations_for_order(session, order_id)
        if not existing:
            return None
        state = ReservationState(existing[0].state)
        if state is ReservationState.RELEASED:
            return Reservation.of(order_id, existing)
        if state is ReservationState.COMMITTED:
            raise ReservationConflict(
                "a committed reservation cannot be released", orderId=str(order_id)
            )
        for row in sorted(existing, key=lambda row: row.product_id):
            await repository.return_stock(session, row.product_id, row.quantity)
        rows = await repository.set_reservation_state(
            session, order_id, ReservationState.RELEASED.value
        )
        return Reservation.of(order_id, rows)

    async def commit(self, session: AsyncSession, order_id: uuid.UUID) -> Reservation:
        """Make the reservation final: the stock stays taken for good."""
        await repository.lock_order(session, order_id)
        existing = await repository.reservations_for_order(session, order_id)
        if not existing:
            raise ReservationNotFound("no reservation for this order", orderId=str(order_id))
        state = ReservationState(existing[0].state)
        if state is ReservationState.COMMITTED:
            return Reservation.of(order_id, existing)
        if state is ReservationState.RELEASED:
            raise ReservationConflict(
                "a released reservation cannot be committed", orderId=str(order_id)
            )
        rows = await repository.set_reservation_state(
            session, order_id, ReservationState.COMMITTED.value
        )
        return Reservation.of(order_id, rows)


catalog = CatalogService()
inventory = InventoryService()
