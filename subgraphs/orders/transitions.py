"""The order state machine: every allowed status change, and who may make it.

    PENDING -> PAID -> SHIPPED -> DELIVERED
    PENDING -> CANCELLED            (owner, admin, or the expiry worker)
    PAID    -> CANCELLED            (owner or admin; the payment is refunded)

Anything not in the table is an `ILLEGAL_TRANSITION`.
"""

from __future__ import annotations

from enum import StrEnum

from subgraphs.orders.errors import IllegalTransition
from subgraphs.orders.models import OrderStatus


class Actor(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    PAYMENT = "payment"
    EXPIRY = "expiry"


TRANSITIONS: dict[tuple[OrderStatus, OrderStatus], frozenset[Actor]] = {
    (OrderStatus.PENDING, OrderStatus.PAID): frozenset({Actor.PAYMENT}),
    (OrderStatus.PENDING, OrderStatus.CANCELLED): frozenset(
        {Actor.OWNER, Actor.ADMIN, Actor.EXPIRY}
    ),
    (OrderStatus.PAID, OrderStatus.SHIPPED): frozenset({Actor.ADMIN}),
    (OrderStatus.PAID, OrderStatus.CANCELLED): frozenset({Actor.OWNER, Actor.ADMIN}),
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED): frozenset({Actor.ADMIN}),
}


def next_statuses(current: OrderStatus) -> list[OrderStatus]:
    return [target for (source, target) in TRANSITIONS if source == current]


def check_transition(current: OrderStatus, target: OrderStatus, actor: Actor) -> None:
    """Raise `IllegalTransition` unless `actor` may move an order from `current` to `target`."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise IllegalTransition(
            f"an order cannot go from {current.value} to {target.value}",
            current=current.value,
            target=target.value,
            allowed=[status.value for status in next_statuses(current)],
        )
    if actor not in allowed:
        raise IllegalTransition(
            f"{current.value} -> {target.value} is not made this way",
            current=current.value,
            target=target.value,
        )
