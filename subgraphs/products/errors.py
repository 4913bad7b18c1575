"""The products service's domain errors (codes are part of the cross-service contract)."""

from __future__ import annotations

from subgraphs.kit.errors import BadInput, Conflict, NotFound


class ProductNotFound(NotFound):
    code = "PRODUCT_NOT_FOUND"


class ProductUnavailable(Conflict):
    """The product is archived: readable, but no longer sold or stocked."""

    code = "PRODUCT_UNAVAILABLE"


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"


class ReservationConflict(Conflict):
    """The order's reservation exists with other lines, or is in a state that forbids this."""

    code = "RESERVATION_CONFLICT"


class ReservationNotFound(NotFound):
    code = "RESERVATION_NOT_FOUND"


class UnknownCategory(BadInput):
    code = "UNKNOWN_CATEGORY"


def invalid(field: str, code: str, message: str) -> BadInput:
    """A bad-input error naming the offending field, with its own stable code."""
    return BadInput(message, field=field, code=code)
