# Strawberry types `@strawberry.field(description=...)` as returning Any, which
# mypy reports on every resolver; the resolvers themselves are fully typed.
# mypy: disable-error-code="untyped-decorator"
"""The orders subgraph's GraphQL types.

`User` and `Product` are entity stubs: orders contributes `User.orders` and
`User.cart`, and refers to products by id; the router fetches the rest of them
from the users and products subgraphs.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Annotated, Self

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.kit.scalars import Money
from subgraphs.orders import models
from subgraphs.orders.cart import CartLine, CartView
from subgraphs.orders.context import OrdersInfo


@strawberry.enum(description="Where an order is in its life.")
class OrderStatus(Enum):
    PENDING = "PENDING"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"

    def to_model(self) -> models.OrderStatus:
        return models.OrderStatus(self.value)


@strawberry.enum
class PaymentKind(Enum):
    CHARGE = "CHARGE"
    REFUND = "REFUND"


@strawberry.enum(description="PENDING: the provider's answer was lost; paying again settles it.")
class PaymentStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)], description="A product (products)."
)
class Product:
    id: strawberry.ID


@strawberry.type(description="One line of an order, priced when the order was placed.")
class OrderItem:
    id: strawberry.ID
    product_id: strawberry.ID
    quantity: int
    price: Money = strawberry.field(description="Unit price when the order was placed.")
    subtotal: Money

    @strawberry.field
    def product(self) -> Product:
        return Product(id=self.product_id)

    @classmethod
    def from_model(cls, item: models.OrderItem) -> Self:
        return cls(
            id=strawberry.ID(str(item.id)),
            product_id=strawberry.ID(str(item.product_id)),
            quantity=item.quantity,
            price=Money(item.price),
            subtotal=Money(item.subtotal),
        )


@strawberry.type(description="One status change, with who made it and why.")
class OrderStatusChange:
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: str
    reason: str | None
    changed_at: datetime

    @classmethod
    def from_model(cls, change: models.OrderStatusChange) -> Self:
        return cls(
            from_status=None if change.from_status is None else OrderStatus(change.from_status),
            to_status=OrderStatus(change.to_status),
            actor=change.actor,
            reason=change.reason,
            changed_at=change.changed_at,
        )


@strawberry.type(description="A charge attempt or a refund.")
class Payment:
    id: strawberry.ID
    kind: PaymentKind
    status: PaymentStatus
    amount: Money
    provider_reference: str | None
    failure_code: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, payment: models.Payment) -> Self:
        return cls(
            id=strawberry.ID(str(payment.id)),
            kind=PaymentKind(payment.kind),
            status=PaymentStatus(payment.status),
            amount=Money(payment.amount),
            provider_reference=payment.provider_reference,
            failure_code=payment.failure_code,
            created_at=payment.created_at,
        )


@strawberry.federation.type(keys=["id"], description="An order placed by a user.")
class Order:
    id: strawberry.ID
    status: OrderStatus
    total_amount: Money = strawberry.field(description="Exact sum of the item subtotals.")
    payment_deadline: datetime = strawberry.field(
        description="An unpaid order is cancelled after this time and its stock released."
    )
    idempotency_key: str | None
    created_at: datetime
    updated_at: datetime
    user_id: strawberry.Private[uuid.UUID]
    order_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    def user(self) -> Annotated[User, strawberry.lazy("subgraphs.orders.types")]:
        return User(id=strawberry.ID(str(self.user_id)))

    @strawberry.field
    async def items(self, info: OrdersInfo) -> list[OrderItem]:
        rows = await info.context.loaders.items_by_order.load(self.order_id)
        return [OrderItem.from_model(row) for row in rows]

    @strawberry.field(description="Every status change, oldest first.")
    async def status_history(self, info: OrdersInfo) -> list[OrderStatusChange]:
        rows = await info.context.loaders.history_by_order.load(self.order_id)
        return [OrderStatusChange.from_model(row) for row in rows]

    @strawberry.field(description="Charge attempts and refunds, oldest first.")
    async def payments(self, info: OrdersInfo) -> list[Payment]:
        rows = await info.context.loaders.payments_by_order.load(self.order_id)
        return [Payment.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, order: models.Order) -> Self:
        return cls(
            id=strawberry.ID(str(order.id)),
            status=OrderStatus(order.status),
            total_amount=Money(order.total_amount),
            payment_deadline=order.payment_deadline,
            idempotency_key=order.idempotency_key,
            created_at=order.created_at,
            updated_at=order.updated_at,
            user_id=order.user_id,
            order_id=order.id,
        )

    @classmethod
    async def resolve_reference(cls, info: OrdersInfo, id: strawberry.ID) -> Self | None:
        from subgraphs.orders.service import can_see

        try:
            order_id = uuid.UUID(str(id))
        except ValueError:
            return None
        principal = info.context.principal
        order = await info.context.loaders.order_by_id.load(order_id)
        if order is None or principal is None or not can_see(principal, order):
            return None
        return cls.from_model(order)


@strawberry.federation.type(shareable=True, description="Where a page sits in a list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo


@strawberry.type(description="A product in the cart, at its current price.")
class CartItem:
    id: strawberry.ID
    product_id: strawberry.ID
    quantity: int
    unit_price: Money | None = strawberry.field(
        description="The product's current price; null when it no longer exists."
    )
    subtotal: Money = strawberry.field(description="0.00 when the product is not available.")
    available: bool = strawberry.field(description="The product exists and is still sold.")
    added_at: datetime

    @strawberry.field
    def product(self) -> Product:
        return Product(id=self.product_id)

    @classmethod
    def from_line(cls, line: CartLine) -> Self:
        return cls(
            id=strawberry.ID(str(line.item.id)),
            product_id=strawberry.ID(str(line.item.product_id)),
            quantity=line.item.quantity,
            unit_price=None if line.unit_price is None else Money(line.unit_price),
            subtotal=Money(line.subtotal),
            available=line.available,
            added_at=line.item.created_at,
        )


@strawberry.type(description="A user's cart, priced now.")
class Cart:
    items: list[CartItem]
    total_amount: Money = strawberry.field(
        description="Exact sum of the available items' subtotals at current prices."
    )
    item_count: int = strawberry.field(description="Units in the cart, all lines together.")

    @classmethod
    def from_view(cls, view: CartView) -> Self:
        return cls(
            items=[CartItem.from_line(line) for line in view.lines],
            total_amount=Money(view.total),
            item_count=view.item_count,
        )


@strawberry.federation.type(keys=["id"], description="A user (users); orders adds their orders.")
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Self:
        return cls(id=id)

    @strawberry.federation.field(
        description="The user's orders, newest first (the user or an admin).",
        authenticated=True,
    )
    async def orders(
        self,
        info: OrdersInfo,
        first: int | None = None,
        after: str | None = None,
        status: OrderStatus | None = None,
    ) -> OrderConnection:
        from subgraphs.orders.resolvers import orders_of_user

        return await orders_of_user(info, self.id, first=first, after=after, status=status)

    @strawberry.federation.field(
        description="The user's cart (the user themself).", authenticated=True
    )
    async def cart(self, info: OrdersInfo) -> Cart:
        from subgraphs.orders.resolvers import cart_of_user

        return await cart_of_user(info, self.id)


@strawberry.input
class OrderLineInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="Give `items`, or `fromCart: true` to order the cart's content.")
class PlaceOrderInput:
    items: list[OrderLineInput] | None = None
    from_cart: bool = False
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key returns the first order instead of a new one.",
    )


@strawberry.input(description="A payment token from the provider (sandbox: tok_visa, ...).")
class PaymentInput:
    token: str


@strawberry.input
class OrderFilter:
    status: OrderStatus | None = None
    user_id: strawberry.ID | None = None
