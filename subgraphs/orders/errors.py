"""The orders service's errors; each code is part of the API."""

from __future__ import annotations

from subgraphs.kit.errors import (
    BadInput,
    Conflict,
    DependencyUnavailable,
    DomainError,
    Forbidden,
    NotFound,
)


class OrderNotFound(NotFound):
    """Also what a caller sees for someone else's order: its existence is not leaked."""

    code = "ORDER_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("order not found")


class CartItemNotFound(NotFound):
    code = "CART_ITEM_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("that product is not in the cart")


class InvalidQuantity(BadInput):
    code = "INVALID_QUANTITY"


class EmptyOrder(BadInput):
    code = "EMPTY_ORDER"


class InvalidOrderInput(BadInput):
    code = "INVALID_ORDER_INPUT"


class CartFull(BadInput):
    code = "CART_FULL"


class UserCannotOrder(Forbidden):
    code = "USER_CANNOT_ORDER"


class IdempotencyConflict(Conflict):
    code = "IDEMPOTENCY_CONFLICT"

    def __init__(self) -> None:
        super().__init__(
            "this idempotency key was already used for a different order; use a new key"
        )


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"


class OrderNotPayable(Conflict):
    code = "ORDER_NOT_PAYABLE"


class OrderAlreadyPaid(Conflict):
    code = "ORDER_ALREADY_PAID"


class PaymentProviderUnavailable(DependencyUnavailable):
    """The provider did not give an outcome; retrying the payment is safe."""

    code = "PAYMENT_PROVIDER_UNAVAILABLE"


class PaymentDeclined(DomainError):
    """The attempt is recorded and the order stays payable with another card."""

    code = "PAYMENT_DECLINED"
    http_status = 402
