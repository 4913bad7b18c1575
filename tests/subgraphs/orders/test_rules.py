"""The rules that need no other service: state machine, money, the sandbox provider."""

from __future__ import annotations

import asyncio
import itertools
from decimal import Decimal

import pytest

from subgraphs.orders.errors import IllegalTransition
from subgraphs.orders.models import OrderStatus
from subgraphs.orders.payment_provider import (
    ChargeOutcome,
    ChargeResult,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    SandboxPaymentProvider,
)
from subgraphs.orders.pricing import line_total, money, total
from subgraphs.orders.transitions import TRANSITIONS, Actor, check_transition

ALLOWED = {
    (OrderStatus.PENDING, OrderStatus.PAID),
    (OrderStatus.PENDING, OrderStatus.CANCELLED),
    (OrderStatus.PAID, OrderStatus.SHIPPED),
    (OrderStatus.PAID, OrderStatus.CANCELLED),
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
}


def test_the_transition_table_is_exactly_the_documented_one() -> None:
    assert set(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in itertools.product(OrderStatus, OrderStatus) if pair not in ALLOWED],
)
def test_every_other_transition_is_illegal(current: OrderStatus, target: OrderStatus) -> None:
    for actor in Actor:
        with pytest.raises(IllegalTransition) as raised:
            check_transition(current, target, actor)
        assert raised.value.code == "ILLEGAL_TRANSITION"


def test_only_a_payment_pays_and_only_an_admin_ships() -> None:
    check_transition(OrderStatus.PENDING, OrderStatus.PAID, Actor.PAYMENT)
    check_transition(OrderStatus.PAID, OrderStatus.SHIPPED, Actor.ADMIN)
    check_transition(OrderStatus.PENDING, OrderStatus.CANCELLED, Actor.EXPIRY)
    with pytest.raises(IllegalTransition):
        check_transition(OrderStatus.PENDING, OrderStatus.PAID, Actor.ADMIN)
    with pytest.raises(IllegalTransition):
        check_transition(OrderStatus.PAID, OrderStatus.SHIPPED, Actor.OWNER)
    with pytest.raises(IllegalTransition):
        check_transition(OrderStatus.PAID, OrderStatus.CANCELLED, Actor.EXPIRY)


def test_money_is_exact() -> None:
    assert total([line_total(Decimal("0.10"), 1), line_total(Decimal("0.20"), 1)]) == Decimal(
        "0.30"
    )
    assert line_total(Decimal("19.99"), 3) == Decimal("59.97")
    assert str(total([])) == "0.00"
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


async def charge(
    provider: SandboxPaymentProvider, key: str, token: str, amount: str = "5.00"
) -> ChargeResult:
    return await provider.charge(
        idempotency_key=key, amount=Decimal(amount), currency="USD", token=token
    )


async def test_sandbox_tokens_approve_decline_and_fail() -> None:
    provider = SandboxPaymentProvider()
    assert (await charge(provider, "a", "tok_visa")).outcome is ChargeOutcome.APPROVED
    declined = await charge(provider, "b", "tok_declined")
    assert (declined.outcome, declined.decline_code) == (ChargeOutcome.DECLINED, "card_declined")
    poor = await charge(provider, "c", "tok_insufficient_funds")
    assert poor.decline_code == "insufficient_funds"
    assert (await charge(provider, "d", "tok_unknown")).decline_code == "invalid_token"
    with pytest.raises(ProviderUnavailable):
        await charge(provider, "e", "tok_provider_error")
    retried = await charge(provider, "e", "tok_provider_error")
    assert (retried.outcome, retried.decline_code) == (ChargeOutcome.DECLINED, "processing_error")
    assert provider.approved_charges() == 1
    assert provider.captured_total() == Decimal("5.00")


async def test_sandbox_charges_once_per_key_even_after_a_timeout() -> None:
    provider = SandboxPaymentProvider()
    with pytest.raises(ProviderTimeout):
        await charge(provider, "order-1", "tok_timeout")
    first = await charge(provider, "order-1", "tok_timeout")
    again = await asyncio.gather(*(charge(provider, "order-1", "tok_timeout") for _ in range(5)))

    assert first.outcome is ChargeOutcome.APPROVED
    assert {result.reference for result in again} == {first.reference}
    assert provider.approved_charges() == 1
    with pytest.raises(ProviderRejected):
        await charge(provider, "order-1", "tok_timeout", amount="6.00")


async def test_sandbox_refunds_at_most_what_was_charged() -> None:
    provider = SandboxPaymentProvider()
    approved = await charge(provider, "k", "tok_visa", amount="10.00")
    assert approved.reference is not None
    refund = await provider.refund(
        idempotency_key="r", charge_reference=approved.reference, amount=Decimal("10.00")
    )
    repeat = await provider.refund(
        idempotency_key="r", charge_reference=approved.reference, amount=Decimal("10.00")
    )
    assert repeat == refund
    assert provider.captured_total() == Decimal("0.00")
    with pytest.raises(ProviderRejected):
        await provider.refund(
            idempotency_key="r2", charge_reference=approved.reference, amount=Decimal("0.01")
        )
