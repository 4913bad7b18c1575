"""Placing an order: the one flow that crosses all three services.

    users (may this user order?) -> products (reserve every line, get prices)
    -> orders_db (order, items with the price snapshot, history, cart cleared)

The steps talk to other processes, so they cannot share one database
transaction; this module owns its transactions and makes the sequence safe:

- Retries: with an idempotency key, the order id is derived from (user, key).
  Concurrent or repeated calls therefore reserve stock under the same order id
  (products' reservation is idempotent per order id) and race for the same
  primary key, so exactly one order and one reservation exist however many
  calls arrive. The same key with a different payload is `IDEMPOTENCY_CONFLICT`.
- Partial failure: if anything fails after the reservation and no order was
  written, the reservation is released; if products cannot be reached to
  release it (or to learn whether a reservation was made at all), a pending
  release is stored and the worker retries it until products answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import Conflict, DependencyUnavailable, DomainError
from subgraphs.orders import business_metrics, limits, repository
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.errors import (
    EmptyOrder,
    IdempotencyConflict,
    InvalidOrderInput,
    UserCannotOrder,
)
from subgraphs.orders.models import (
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    StockAction,
)
from subgraphs.orders.pricing import line_total, total
from subgraphs.orders.remote import Reservation, ReservedLine, StockLine

logger = logging.getLogger("shopgraph.orders.placement")

# Namespace for order ids derived from (user, idempotency key).
ORDER_ID_NAMESPACE = uuid.UUID("5b0c7f8e-3a52-4a1e-9d0b-6f0c2f6b9a11")


@dataclass(frozen=True)
class PlacementRequest:
    user_id: uuid.UUID
    lines: list[StockLine] | None
    from_cart: bool
    idempotency_key: str | None

    def digest(self) -> str:
        """What was asked for, canonically: an honest retry has the same digest."""
        if self.from_cart:
            canonical: object = {"fromCart": True}
        else:
            canonical = {
                "items": sorted([str(line.product_id), line.quantity] for line in self.lines or [])
            }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


# How many times one key may start over after failed attempts gave their stock back.
MAX_KEY_GENERATIONS = 20


def order_id_for(user_id: uuid.UUID, idempotency_key: str | None, generation: int = 0) -> uuid.UUID:
    """The order id for an attempt: random without a key, derived from (user, key) with one.

    Products keeps a released reservation released for good, so after an attempt
    failed and gave its stock back, the retry moves to the key's next generation;
    every concurrent retry walks the same sequence and so still meets the others.
    """
    if idempotency_key is None:
        return uuid.uuid4()
    suffix = f"/{generation}" if generation else ""
    return uuid.uuid5(ORDER_ID_NAMESPACE, f"{user_id}/{idempotency_key}{suffix}")


def validated_lines(lines: list[StockLine]) -> list[StockLine]:
    if not lines:
        raise EmptyOrder("an order needs at least one item", field="items")
    if len(lines) > limits.MAX_LINES:
        raise InvalidOrderInput(f"an order has at most {limits.MAX_LINES} items", field="items")
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(lines):
        limits.quantity(line.quantity, field=f"items.{index}.quantity")
        if line.product_id in seen:
            raise InvalidOrderInput(
                "each product appears once; give its total quantity",
                field=f"items.{index}.productId",
            )
        seen.add(line.product_id)
    return lines


class OrderPlacement:
    async def place(
        self, sessionmaker: Sessionmaker, deps: OrdersDependencies, request: PlacementRequest
    ) -> Order:
        if request.from_cart == (request.lines is not None):
            raise InvalidOrderInput("give either items or fromCart: true", field="input")
        if request.lines is not None:
            validated_lines(request.lines)
        digest = request.digest()

        if request.idempotency_key is not None:
            async with sessionmaker() as session:
                earlier = await repository.order_by_idempotency_key(
                    session, request.user_id, request.idempotency_key
                )
            if earlier is not None:
                return _same_request_or_conflict(earlier, digest)

        lines = request.lines
        if request.from_cart:
            async with sessionmaker() as session:
                cart = await repository.cart_items(session, request.user_id)
            if not cart:
                raise EmptyOrder("the cart is empty", field="fromCart")
            lines = [StockLine(item.product_id, item.quantity) for item in cart]
        assert lines is not None

        standing = await deps.users.standing(request.user_id)
        if not standing.exists or not standing.is_active:
            raise UserCannotOrder("this account cannot place orders")

        generations = 1 if request.idempotency_key is None else MAX_KEY_GENERATIONS
        for generation in range(generations):
            order_id = order_id_for(request.user_id, request.idempotency_key, generation)
            reservation = await self._reserve(sessionmaker, deps, order_id, lines, request)
            if reservation.is_held:
                break
            async with sessionmaker() as session:
                earlier = await repository.get_order(session, order_id)
            if earlier is not None:
                return _same_request_or_conflict(earlier, digest)
        else:
            raise Conflict(
                "this idempotency key failed too many times; use a new key",
                code="IDEMPOTENCY_KEY_SPENT",
            )
        reserved = reservation.lines
        try:
            return await self._write(sessionmaker, deps, order_id, reserved, request, digest)
        except IntegrityError:
            # Another call with the same key wrote this order first: the
            # reservation is that order's, so it stays.
            async with sessionmaker() as session:
                winner = await repository.get_order(session, order_id)
            if winner is None:
                await asyncio.shield(self._compensate(sessionmaker, deps, order_id))
                raise
            return _same_request_or_conflict(winner, digest)
        except BaseException:
            await asyncio.shield(self._compensate(sessionmaker, deps, order_id))
            raise

    async def _reserve(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        order_id: uuid.UUID,
        lines: list[StockLine],
        request: PlacementRequest,
    ) -> Reservation:
        try:
            return await deps.products.reserve(order_id, lines)
        except DependencyUnavailable as error:
            # Products may have reserved before it stopped answering: make sure
            # that stock comes back once it answers again.
            await asyncio.shield(
                _remember_release(sessionmaker, order_id, f"reserve failed: {error.message}")
            )
            raise
        except DomainError as error:
            if error.code == "RESERVATION_CONFLICT" and request.idempotency_key is not None:
                # The same key is being used for a different order right now.
                raise IdempotencyConflict() from error
            raise

    async def _write(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        order_id: uuid.UUID,
        reserved: list[ReservedLine],
        request: PlacementRequest,
        digest: str,
    ) -> Order:
        if not reserved:
            raise DependencyUnavailable("products returned an empty reservation")
        now = deps.clock()
        items = [
            OrderItem(
                order_id=order_id,
                product_id=line.product_id,
                quantity=line.quantity,
                price=line.unit_price,
                subtotal=line_total(line.unit_price, line.quantity),
                position=position,
            )
            for position, line in enumerate(reserved)
        ]
        order = Order(
            id=order_id,
            user_id=request.user_id,
            status=OrderStatus.PENDING,
            total_amount=total(item.subtotal for item in items),
            idempotency_key=request.idempotency_key,
            request_digest=digest,
            payment_deadline=now + deps.payment_window,
            created_at=now,
            updated_at=now,
        )
        async with sessionmaker.begin() as session:
            repository.add_order(session, order, items)
            repository.add_status_change(
                session,
                OrderStatusChange(
                    order_id=order_id,
                    from_status=None,
                    to_status=OrderStatus.PENDING,
                    actor=f"user:{request.user_id}",
                    reason="order placed",
                    changed_at=now,
                ),
            )
            await session.flush()
            if request.from_cart:
                await repository.clear_cart(
                    session, request.user_id, [line.product_id for line in reserved]
                )
        business_metrics.order_placed()
        return order

    async def _compensate(
        self, sessionmaker: Sessionmaker, deps: OrdersDependencies, order_id: uuid.UUID
    ) -> None:
        try:
            await deps.products.release(order_id)
            logger.info("released stock of an unwritten order", extra={"order": str(order_id)})
        except DomainError as error:
            await _remember_release(sessionmaker, order_id, f"release failed: {error.message}")


async def _remember_release(sessionmaker: Sessionmaker, order_id: uuid.UUID, why: str) -> None:
    try:
        async with sessionmaker.begin() as session:
            await repository.record_pending_stock_action(
                session, order_id, StockAction.RELEASE, why
            )
    except IntegrityError:
        pass  # a concurrent retry with the same key queued this release already
    logger.warning("stock release pending", extra={"order": str(order_id), "why": why})


def _same_request_or_conflict(order: Order, digest: str) -> Order:
    if order.request_digest != digest:
        raise IdempotencyConflict()
    return order


placement = OrderPlacement()
