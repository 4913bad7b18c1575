"""Tracking orders and moving them through the state machine.

Reads only flush; the flows that also talk to products or the payment provider
(cancelling, expiring) hold the order's row lock for their whole transaction, so
that a payment and a cancellation of one order never interleave.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.auth import Principal
from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import DependencyUnavailable, DomainError
from subgraphs.orders import repository
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.errors import OrderNotFound, PaymentProviderUnavailable
from subgraphs.orders.models import (
    Order,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentKind,
    PaymentStatus,
    StockAction,
)
from subgraphs.orders.payment_provider import ProviderRejected, ProviderUnavailable
from subgraphs.orders.transitions import Actor, check_transition

logger = logging.getLogger("shopgraph.orders")


def can_see(principal: Principal, order: Order) -> bool:
    return principal.is_admin or principal.is_service or principal.user_id == order.user_id


def actor_label(principal: Principal | None, actor: Actor) -> str:
    if principal is None:
        return f"system:{actor.value}"
    return f"{'admin' if actor is Actor.ADMIN else 'user'}:{principal.subject}"


class OrdersService:
    async def visible_order(
        self,
        session: AsyncSession,
        principal: Principal,
        order_id: uuid.UUID,
        *,
        for_update: bool = False,
    ) -> Order:
        """The order if the caller may see it; someone else's order is simply not found."""
        order = await repository.get_order(session, order_id, for_update=for_update)
        if order is None or not can_see(principal, order):
            raise OrderNotFound()
        return order

    async def page(
        self,
        session: AsyncSession,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
        user_id: uuid.UUID | None = None,
        status: OrderStatus | None = None,
    ) -> list[Order]:
        return await repository.page_of_orders(
            session, limit=limit, after=after, user_id=user_id, status=status
        )

    async def transition(
        self,
        session: AsyncSession,
        deps: OrdersDependencies,
        order: Order,
        target: OrderStatus,
        *,
        actor: Actor,
        label: str,
        reason: str | None,
    ) -> None:
        """Move `order` to `target` if the table allows it, and write the history entry."""
        current = OrderStatus(order.status)
        check_transition(current, target, actor)
        await repository.set_status(session, order, target)
        repository.add_status_change(
            session,
            OrderStatusChange(
                order_id=order.id,
                from_status=current,
                to_status=target,
                actor=label,
                reason=reason,
                changed_at=deps.clock(),
            ),
        )
        await session.flush()

    async def update_status(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        admin: Principal,
        order_id: uuid.UUID,
        target: OrderStatus,
        reason: str | None,
    ) -> Order:
        if target is OrderStatus.CANCELLED:
            return await self.cancel(sessionmaker, deps, admin, order_id, reason, Actor.ADMIN)
        async with sessionmaker.begin() as session:
            order = await self.visible_order(session, admin, order_id, for_update=True)
            await self.transition(
                session,
                deps,
                order,
                target,
                actor=Actor.ADMIN,
                label=actor_label(admin, Actor.ADMIN),
                reason=reason,
            )
        return order

    async def cancel(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        principal: Principal | None,
        order_id: uuid.UUID,
        reason: str | None,
        actor: Actor,
    ) -> Order:
        """Cancel: refund a paid order, give its stock back, record who and why."""
        async with sessionmaker.begin() as session:
            if principal is None:
                order = await repository.get_order(session, order_id, for_update=True)
                if order is None:
                    raise OrderNotFound()
            else:
                order = await self.visible_order(session, principal, order_id, for_update=True)
            current = OrderStatus(order.status)
            check_transition(current, OrderStatus.CANCELLED, actor)
            charges = await repository.charges_of_order(session, order.id)
            if any(charge.status == PaymentStatus.PENDING for charge in charges):
                # Money may have moved: the attempt is settled first (payOrder or
                # the worker asks the provider again), then the order can go.
                raise PaymentProviderUnavailable(
                    "a payment of this order has no answer from the provider yet; try again"
                )
            notes = [reason] if reason else []
            if current is OrderStatus.PAID:
                await self._refund(session, deps, order)
                notes.append("payment refunded")
            notes.extend(await self._return_stock(session, deps, order))
            await self.transition(
                session,
                deps,
                order,
                OrderStatus.CANCELLED,
                actor=actor,
                label=actor_label(principal, actor),
                reason="; ".join(notes) or None,
            )
        return order

    async def _refund(self, session: AsyncSession, deps: OrdersDependencies, order: Order) -> None:
        charges = await repository.charges_of_order(session, order.id)
        approved = next((c for c in charges if c.status == PaymentStatus.APPROVED), None)
        if approved is None or approved.provider_reference is None:
            return
        key = f"order-{order.id}-refund"
        try:
            result = await deps.payments.refund(
                idempotency_key=key,
                charge_reference=approved.provider_reference,
                amount=approved.amount,
            )
        except ProviderUnavailable as error:
            raise PaymentProviderUnavailable(
                "the payment provider did not confirm the refund; try again", reason=str(error)
            ) from error
        except ProviderRejected as error:
            raise DomainError(str(error), code="REFUND_REJECTED") from error
        await repository.add_payment(
            session,
            Payment(
                order_id=order.id,
                kind=PaymentKind.REFUND,
                status=PaymentStatus.APPROVED,
                amount=approved.amount,
                attempt_key=key,
                payment_token=approved.payment_token,
                provider_reference=result.reference,
            ),
        )

    async def _return_stock(
        self, session: AsyncSession, deps: OrdersDependencies, order: Order
    ) -> list[str]:
        """Release the order's reservation; what could not be done yet is queued."""
        # A commit products never confirmed must not happen now.
        await repository.resolve_pending_stock_action(session, order.id, StockAction.COMMIT)
        try:
            await deps.products.release(order.id)
        except DependencyUnavailable as error:
            await repository.record_pending_stock_action(
                session, order.id, StockAction.RELEASE, error.message
            )
            return ["stock release queued until the products service answers"]
        except DomainError as error:
            if error.code != "RESERVATION_CONFLICT":
                raise
            # Products keeps sold (committed) stock sold; returning it is a
            # restock, which the products service does not take from orders.
            logger.warning("paid stock not returned", extra={"order": str(order.id)})
            return ["stock was already sold and is not returned automatically"]
        return ["stock released"]

    async def expire_due(self, sessionmaker: Sessionmaker, deps: OrdersDependencies) -> int:
        """Cancel every unpaid order past its payment deadline; returns how many."""
        async with sessionmaker() as session:
            due = await repository.expired_pending_order_ids(session, now=deps.clock())
        expired = 0
        for order_id in due:
            try:
                if await self._expire(sessionmaker, deps, order_id):
                    expired += 1
            except DomainError as error:
                logger.warning(
                    "could not expire order", extra={"order": str(order_id), "error": error.code}
                )
        return expired

    async def _expire(
        self, sessionmaker: Sessionmaker, deps: OrdersDependencies, order_id: uuid.UUID
    ) -> bool:
        async with sessionmaker.begin() as session:
            order = await repository.get_order(session, order_id, for_update=True)
            # Paid or cancelled since the scan, or a deadline moved: nothing to do.
            if (
                order is None
                or order.status != OrderStatus.PENDING
                or order.payment_deadline >= deps.clock()
            ):
                return False
            charges = await repository.charges_of_order(session, order_id)
            if any(c.status == PaymentStatus.PENDING for c in charges):
                # A charge may have gone through; the customer's retry (or the
                # next round) settles it before the order can expire.
                return False
            notes = ["payment deadline passed", *await self._return_stock(session, deps, order)]
            await self.transition(
                session,
                deps,
                order,
                OrderStatus.CANCELLED,
                actor=Actor.EXPIRY,
                label=actor_label(None, Actor.EXPIRY),
                reason="; ".join(notes),
            )
        return True


orders = OrdersService()
