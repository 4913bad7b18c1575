# Strawberry types `@strawberry.field(description=...)` as returning Any, which
# mypy reports on every resolver; the resolvers themselves are fully typed.
# mypy: disable-error-code="untyped-decorator"
"""Query, Mutation and the federated schema of the orders subgraph.

Resolvers are thin: they check who is calling, convert input, open the
transaction (or hand the sessionmaker to a flow that owns its transactions),
and shape the answer.
"""

from __future__ import annotations

import contextlib
import uuid

import strawberry

from subgraphs.kit.audit import AdminMutationAudit
from subgraphs.kit.auth import Principal
from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import DomainError
from subgraphs.kit.graphql_errors import MaskUnexpectedErrors
from subgraphs.kit.scalars import SCALAR_OVERRIDES
from subgraphs.kit.text_input import RefuseNulCharacters
from subgraphs.orders import limits
from subgraphs.orders.cart import carts
from subgraphs.orders.context import OrdersInfo
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.payments import payments
from subgraphs.orders.placement import PlacementRequest, placement
from subgraphs.orders.remote import StockLine
from subgraphs.orders.resolvers import caller_user_id, cart_of_user, orders_page
from subgraphs.orders.service import orders
from subgraphs.orders.transitions import Actor
from subgraphs.orders.types import (
    Cart,
    Order,
    OrderConnection,
    OrderFilter,
    OrderStatus,
    PaymentInput,
    PlaceOrderInput,
    Product,
    User,
)

# The gateway refuses these fields before any fetch (@authenticated; @requiresScopes
# with the scopes the users service issues, see subgraphs/users/README.md). The
# resolvers still check the caller themselves (defence in depth).
ADMIN = [["admin"]]


@strawberry.type
class Query:
    @strawberry.federation.field(
        description="An order: its owner or an admin; anyone else gets ORDER_NOT_FOUND.",
        authenticated=True,
    )
    async def order(self, info: OrdersInfo, id: strawberry.ID) -> Order | None:
        principal = info.context.require_principal()
        order_id = limits.identifier(id, field="id")
        async with info.context.sessionmaker() as session:
            order = await orders.visible_order(session, principal, order_id)
        return Order.from_model(order)

    @strawberry.federation.field(
        description="All orders, newest first (admin).", requires_scopes=ADMIN
    )
    async def orders(
        self,
        info: OrdersInfo,
        filter: OrderFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OrderConnection:
        info.context.require_admin()
        user_id = None
        if filter is not None and filter.user_id is not None:
            user_id = limits.identifier(filter.user_id, field="filter.userId")
        return await orders_page(
            info,
            first=first,
            after=after,
            user_id=user_id,
            status=None if filter is None else filter.status,
        )

    @strawberry.federation.field(
        description="The caller's cart at current prices.", authenticated=True
    )
    async def cart(self, info: OrdersInfo) -> Cart:
        user_id = caller_user_id(info.context.require_principal())
        return await cart_of_user(info, user_id)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        description="Add a product (it must exist and be sold); adds up.", authenticated=True
    )
    async def add_to_cart(self, info: OrdersInfo, product_id: strawberry.ID, quantity: int) -> Cart:
        user_id = caller_user_id(info.context.require_principal())
        product = limits.identifier(product_id, field="productId")
        async with info.context.sessionmaker.begin() as session:
            await carts.add(session, info.context.deps.products, user_id, product, quantity)
        return await cart_of_user(info, user_id)

    @strawberry.federation.mutation(
        description="Set the quantity of a product already in the cart.", authenticated=True
    )
    async def update_cart_item(
        self, info: OrdersInfo, product_id: strawberry.ID, quantity: int
    ) -> Cart:
        user_id = caller_user_id(info.context.require_principal())
        product = limits.identifier(product_id, field="productId")
        async with info.context.sessionmaker.begin() as session:
            await carts.update(session, user_id, product, quantity)
        return await cart_of_user(info, user_id)

    @strawberry.federation.mutation(authenticated=True)
    async def remove_from_cart(self, info: OrdersInfo, product_id: strawberry.ID) -> Cart:
        user_id = caller_user_id(info.context.require_principal())
        product = limits.identifier(product_id, field="productId")
        async with info.context.sessionmaker.begin() as session:
            await carts.remove(session, user_id, product)
        return await cart_of_user(info, user_id)

    @strawberry.federation.mutation(authenticated=True)
    async def clear_cart(self, info: OrdersInfo) -> Cart:
        user_id = caller_user_id(info.context.require_principal())
        async with info.context.sessionmaker.begin() as session:
            await carts.clear(session, user_id)
        return await cart_of_user(info, user_id)

    @strawberry.federation.mutation(
        description="Reserve stock and place an order (PENDING until paid), all or nothing.",
        authenticated=True,
    )
    async def place_order(self, info: OrdersInfo, input: PlaceOrderInput) -> Order:
        user_id = caller_user_id(info.context.require_principal())
        lines = None
        if input.items is not None:
            lines = [
                StockLine(
                    limits.identifier(line.product_id, field=f"items.{index}.productId"),
                    line.quantity,
                )
                for index, line in enumerate(input.items)
            ]
        request = PlacementRequest(
            user_id=user_id,
            lines=lines,
            from_cart=input.from_cart,
            idempotency_key=limits.idempotency_key(input.idempotency_key),
        )
        order = await placement.place(info.context.sessionmaker, info.context.deps, request)
        return Order.from_model(order)

    @strawberry.federation.mutation(
        description="Pay a PENDING order. Safe to retry: one order is never charged twice.",
        authenticated=True,
    )
    async def pay_order(
        self, info: OrdersInfo, order_id: strawberry.ID, payment: PaymentInput
    ) -> Order:
        principal = info.context.require_principal()
        caller_user_id(principal)
        order = await payments.pay(
            info.context.sessionmaker,
            info.context.deps,
            principal,
            limits.identifier(order_id, field="orderId"),
            payment.token,
        )
        return Order.from_model(order)

    @strawberry.federation.mutation(
        description="Cancel your PENDING or PAID order: stock goes back, a payment is refunded.",
        authenticated=True,
    )
    async def cancel_order(
        self, info: OrdersInfo, order_id: strawberry.ID, reason: str | None = None
    ) -> Order:
        principal = info.context.require_principal()
        caller_user_id(principal)
        actor = Actor.ADMIN if principal.is_admin else Actor.OWNER
        target = limits.identifier(order_id, field="orderId")
        context = info.context
        await settle_payment_quietly(context.sessionmaker, context.deps, target, principal)
        order = await orders.cancel(
            context.sessionmaker, context.deps, principal, target, limits.reason(reason), actor
        )
        return Order.from_model(order)

    @strawberry.federation.mutation(
        description="Move an order along its life (admin): SHIPPED, DELIVERED, ...",
        requires_scopes=ADMIN,
    )
    async def update_order_status(
        self,
        info: OrdersInfo,
        order_id: strawberry.ID,
        status: OrderStatus,
        reason: str | None = None,
    ) -> Order:
        admin = info.context.require_admin()
        target = limits.identifier(order_id, field="orderId")
        context = info.context
        if status is OrderStatus.CANCELLED:
            await settle_payment_quietly(context.sessionmaker, context.deps, target, admin)
        order = await orders.update_status(
            context.sessionmaker,
            context.deps,
            admin,
            target,
            status.to_model(),
            limits.reason(reason),
        )
        return Order.from_model(order)


async def settle_payment_quietly(
    sessionmaker: Sessionmaker,
    deps: OrdersDependencies,
    order_id: uuid.UUID,
    principal: Principal,
) -> None:
    """Before a cancellation: learn whether a payment whose answer was lost went through."""
    with contextlib.suppress(DomainError):  # the cancellation then says what is wrong
        await payments.settle_unanswered(sessionmaker, deps, order_id, principal)


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    types=[User, Product, Order],
    extensions=[MaskUnexpectedErrors, RefuseNulCharacters, AdminMutationAudit],
    scalar_overrides=SCALAR_OVERRIDES,
)
