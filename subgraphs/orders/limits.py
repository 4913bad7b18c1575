"""Input limits of the orders API, checked before anything is stored or sent on."""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.kit.errors import BadInput
from subgraphs.orders.errors import InvalidQuantity

MAX_LINE_QUANTITY = 1000
MAX_LINES = 100
MAX_IDEMPOTENCY_KEY_LENGTH = 128
MAX_REASON_LENGTH = 500


def quantity(value: int, *, field: str = "quantity") -> int:
    if value < 1 or value > MAX_LINE_QUANTITY:
        raise InvalidQuantity(
            f"quantity must be between 1 and {MAX_LINE_QUANTITY}",
            field=field,
            min=1,
            max=MAX_LINE_QUANTITY,
        )
    return value


def identifier(value: strawberry.ID | str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise BadInput(f"{field} is not a valid id", field=field, code="INVALID_ID") from error


def idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if not cleaned or len(cleaned) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise BadInput(
            f"idempotencyKey is 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters",
            field="idempotencyKey",
            code="INVALID_IDEMPOTENCY_KEY",
        )
    return cleaned


def reason(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > MAX_REASON_LENGTH:
        raise BadInput(
            f"reason is at most {MAX_REASON_LENGTH} characters",
            field="reason",
            code="INVALID_REASON",
        )
    return cleaned or None
