"""GraphQL scalars shared by every subgraph (composition needs them identical)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, NewType

import strawberry

from subgraphs.kit.errors import BadInput

MONEY_QUANTUM = Decimal("0.01")


def parse_money(value: object) -> Decimal:
    """A money amount from its decimal string (or an integer); never from a float."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadInput('money is a decimal string such as "12.50"', code="INVALID_MONEY")
    try:
        amount = Decimal(value)
        # quantize() itself refuses amounts too large for the decimal context (1e400).
        exact = amount.is_finite() and amount == amount.quantize(MONEY_QUANTUM)
    except InvalidOperation as error:
        raise BadInput(f"{value!r} is not a decimal amount", code="INVALID_MONEY") from error
    if not exact:
        raise BadInput("money has at most two decimal places", code="INVALID_MONEY")
    return amount.quantize(MONEY_QUANTUM)


def serialize_money(value: Decimal) -> str:
    return str(Decimal(value).quantize(MONEY_QUANTUM))


Money = NewType("Money", Decimal)

# Strawberry maps `Money` to its scalar per schema (passing a class to
# `strawberry.scalar` is deprecated): every subgraph builds its schema with
# `scalar_overrides=SCALAR_OVERRIDES`; a schema that forgets fails to build.
MONEY_SCALAR = strawberry.scalar(
    name="Money",
    description='An exact amount of money as a decimal string with two places, e.g. "19.99".',
    serialize=serialize_money,
    parse_value=parse_money,
)
SCALAR_OVERRIDES: dict[object, Any] = {Money: MONEY_SCALAR}
