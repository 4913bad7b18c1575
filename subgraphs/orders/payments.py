"""Paying for an order through the payment provider, safely under retries.

Each charge attempt has a key derived from the order and the attempt number,
sent to the provider as its idempotency key. An attempt whose outcome is unknown
(timeout, provider error) is stored as PENDING; the next `payOrder` asks the
provider again with the same key, so a charge that went through is found, never
made twice. The whole attempt runs under the order's row lock, so a payment
and a cancellation of one order do not interleave.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.auth import Principal
from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import BadInput, DomainError, Forbidden
from subgraphs.orders import business_metrics, repository
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.errors import (
    OrderAlreadyPaid,
    OrderNotPayable,
    PaymentDeclined,
    PaymentProviderUnavailable,
)
from subgraphs.orders.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    StockAction,
)
from subgraphs.orders.payment_provider import (
    ChargeOutcome,
    ChargeResult,
    ProviderRejected,
    ProviderUnavailable,
)
from subgraphs.orders.service import OrdersService, can_see, orders
from subgraphs.orders.transitions import Actor

logger = logging.getLogger("shopgraph.orders.payments")

CURRENCY = "USD"
MAX_TOKEN_LENGTH = 128


class OrderPayments:
    def __init__(self, lifecycle: OrdersService) -> None:
        self._lifecycle = lifecycle

    async def pay(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        principal: Principal,
        order_id: uuid.UUID,
        token: str,
    ) -> Order:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise BadInput("payment token is required", field="payment.token", code="INVALID_TOKEN")
        failure: DomainError | None = None
        async with sessionmaker.begin() as session:
            order = await self._lifecycle.visible_order(
                session, principal, order_id, for_update=True
            )
            if principal.user_id != order.user_id:
                raise Forbidden("only the customer who placed the order pays for it")
            self._check_payable(order, deps)
            charges = await repository.charges_of_order(session, order.id)
            pending = next((c for c in charges if c.status == PaymentStatus.PENDING), None)
            if pending is not None:
                # Settle the attempt whose answer was lost before trying anything new.
                failure = await self._settle(session, deps, order, principal, pending)
                declined = pending.status == PaymentStatus.DECLINED
                if declined and pending.payment_token != token:
                    failure = None  # that card was declined; now try the one given
            if failure is None and order.status == OrderStatus.PENDING:
                failure = await self._attempt(
                    session, deps, order, principal, len(charges) + 1, token
                )
        if failure is not None:
            raise failure
        _count_if_paid(order)
        await self._commit_stock(sessionmaker, deps, order)
        return order

    async def settle_unanswered(
        self,
        sessionmaker: Sessionmaker,
        deps: OrdersDependencies,
        order_id: uuid.UUID,
        principal: Principal | None = None,
    ) -> None:
        """Ask the provider again about an unpaid order's attempt whose answer was lost.

        Done before an order is expired or cancelled: a charge that went through
        makes the order PAID (so cancelling refunds it); a decline lets it go.
        """
        async with sessionmaker.begin() as session:
            order = await repository.get_order(session, order_id, for_update=True)
            if order is None or order.status != OrderStatus.PENDING:
                return
            if principal is not None and not can_see(principal, order):
                return
            charges = await repository.charges_of_order(session, order_id)
            pending = next((c for c in charges if c.status == PaymentStatus.PENDING), None)
            if pending is None:
                return
            await self._settle(session, deps, order, None, pending)
        _count_if_paid(order)
        await self._commit_stock(sessionmaker, deps, order)

    def _check_payable(self, order: Order, deps: OrdersDependencies) -> None:
        status = OrderStatus(order.status)
        if status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            raise OrderAlreadyPaid("this order is already paid", status=status.value)
        if status is OrderStatus.CANCELLED:
            raise OrderNotPayable("a cancelled order cannot be paid", status=status.value)
        if order.payment_deadline <= deps.clock():
            raise OrderNotPayable(
                "the payment window of this order has closed", status=status.value
            )

    async def _settle(
        self,
        session: AsyncSession,
        deps: OrdersDependencies,
        order: Order,
        principal: Principal | None,
        payment: Payment,
    ) -> DomainError | None:
        """Ask again about an attempt whose answer was lost, and record the outcome."""
        result = await self._ask(deps, payment.attempt_key, payment.amount, payment.payment_token)
        if result is None:
            return _unavailable()
        _record(payment, result)
        await session.flush()
        if result.outcome is ChargeOutcome.DECLINED:
            return _declined(result)
        await self._mark_paid(session, deps, order, principal)
        return None

    async def _attempt(
        self,
        session: AsyncSession,
        deps: OrdersDependencies,
        order: Order,
        principal: Principal,
        number: int,
        token: str,
    ) -> DomainError | None:
        key = f"order-{order.id}-charge-{number}"
        payment = await repository.add_payment(
            session,
            Payment(
                order_id=order.id,
                kind=PaymentKind.CHARGE,
                status=PaymentStatus.PENDING,
                amount=order.total_amount,
                attempt_key=key,
                payment_token=token,
            ),
        )
        return await self._settle(session, deps, order, principal, payment)

    async def _ask(
        self, deps: OrdersDependencies, key: str, amount: Decimal, token: str
    ) -> ChargeResult | None:
        """The provider's answer for attempt `key`, or None when it gave none."""
        try:
            return await deps.payments.charge(
                idempotency_key=key, amount=amount, currency=CURRENCY, token=token
            )
        except ProviderUnavailable:
            logger.warning("payment provider gave no answer", extra={"attempt": key})
            return None
        except ProviderRejected as error:
            raise BadInput(str(error), field="payment.token", code="PAYMENT_REJECTED") from error

    async def _mark_paid(
        self,
        session: AsyncSession,
        deps: OrdersDependencies,
        order: Order,
        principal: Principal | None,
    ) -> None:
        await self._lifecycle.transition(
            session,
            deps,
            order,
            OrderStatus.PAID,
            actor=Actor.PAYMENT,
            label="system:payment" if principal is None else f"user:{principal.subject}",
            reason="payment approved",
        )

    async def _commit_stock(
        self, sessionmaker: Sessionmaker, deps: OrdersDependencies, order: Order
    ) -> None:
        """Tell products the reserved stock is sold; the worker retries if it cannot."""
        if order.status != OrderStatus.PAID:
            return
        try:
            await deps.products.commit(order.id)
        except DomainError as error:
            async with sessionmaker.begin() as session:
                await repository.record_pending_stock_action(
                    session, order.id, StockAction.COMMIT, error.message
                )


def _record(payment: Payment, result: ChargeResult) -> None:
    payment.status = (
        PaymentStatus.APPROVED
        if result.outcome is ChargeOutcome.APPROVED
        else PaymentStatus.DECLINED
    )
    payment.provider_reference = result.reference
    payment.failure_code = result.decline_code
    payment.failure_message = result.message


def _declined(result: ChargeResult) -> PaymentDeclined:
    return PaymentDeclined(
        "the payment was declined; the order can be paid with another card",
        declineCode=result.decline_code,
    )


def _unavailable() -> PaymentProviderUnavailable:
    return PaymentProviderUnavailable(
        "the payment provider did not answer; paying again is safe and never charges twice"
    )


payments = OrderPayments(orders)


def _count_if_paid(order: Order) -> None:
    """Revenue on /metrics, once the transaction that made the order PAID has committed."""
    if order.status == OrderStatus.PAID:
        business_metrics.payment_approved(order.total_amount, CURRENCY)
