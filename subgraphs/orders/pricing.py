"""Exact money arithmetic for carts and orders (Decimal, two places, no floats)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | str | int) -> Decimal:
    """An amount rounded to cents; refuses binary floats, which cannot be exact."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return money(sum(amounts, Decimal(0)))
