# Strawberry types `@strawberry.field(description=...)` as returning Any, which
# mypy reports on every resolver; the resolvers themselves are fully typed.
# mypy: disable-error-code="untyped-decorator"
"""The products subgraph's GraphQL types (schema text lives in `description=`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Self

import strawberry

from subgraphs.kit.scalars import Money
from subgraphs.products import models, validation
from subgraphs.products.queries import Ordering, ProductCriteria, SortField
from subgraphs.products.service import ProductChanges, ProductDraft, Reservation, StockLine

if TYPE_CHECKING:
    from subgraphs.products.context import ProductsInfo


@strawberry.federation.type(keys=["id"], description="Something the shop sells.")
class Product:
    id: strawberry.ID
    name: str
    description: str
    price: Money = strawberry.field(description="The current unit price.")
    stock_quantity: int = strawberry.field(description="Units on hand, not reserved.")
    in_stock: bool = strawberry.field(description="At least one unit is on hand.")
    category: str
    image_url: str | None
    is_active: bool = strawberry.field(
        description="False once archived: no longer sold, still readable for past orders."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, product: models.Product) -> Self:
        return cls(
            id=strawberry.ID(str(product.id)),
            name=product.name,
            description=product.description,
            price=Money(product.price),
            stock_quantity=product.stock_quantity,
            in_stock=product.stock_quantity > 0,
            category=product.category,
            image_url=product.image_url,
            is_active=product.is_active,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )

    @classmethod
    async def resolve_reference(cls, info: ProductsInfo, id: strawberry.ID) -> Self | None:
        # Every representation of a request goes through one loader: one SELECT.
        product_id = validation.parse_id(id, field="representations.id")
        product = await info.context.loaders.product_by_id.load(product_id)
        return None if product is None else cls.from_model(product)


@strawberry.federation.type(shareable=True, description="Where a page sits in a list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type(description="A page of products.")
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many products match, on all pages together.")
    async def total_count(self) -> int:
        # Counted only when asked for: the count costs as much as the page itself.
        return await self.counter()


@strawberry.type(description="A category with how many active products it holds.")
class Category:
    name: str
    product_count: int


@strawberry.enum(description="Which field orders a product listing.")
class ProductSortField(Enum):
    NAME = "NAME"
    PRICE = "PRICE"
    CREATED_AT = "CREATED_AT"


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(
    description="Restricts a listing or search to matching products (active ones unless `ids`)."
)
class ProductFilter:
    category: str | None = strawberry.field(
        default=None, description="An existing category name (see `categories`)."
    )
    min_price: Money | None = None
    max_price: Money | None = None
    in_stock: bool | None = None
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="At most 100. Products named by id are included even when archived.",
    )

    def to_criteria(self) -> ProductCriteria:
        return validation.criteria(
            category_name=self.category,
            min_price=None if self.min_price is None else Decimal(self.min_price),
            max_price=None if self.max_price is None else Decimal(self.max_price),
            in_stock=self.in_stock,
            ids=None if self.ids is None else [str(value) for value in self.ids],
        )


def criteria_of(product_filter: ProductFilter | None) -> ProductCriteria:
    return ProductCriteria() if product_filter is None else product_filter.to_criteria()


@strawberry.input
class ProductSort:
    field: ProductSortField = ProductSortField.NAME
    direction: SortDirection = SortDirection.ASC

    def to_ordering(self) -> Ordering:
        return Ordering(SortField(self.field.value), self.direction is SortDirection.DESC)


def ordering_of(sort: ProductSort | None) -> Ordering:
    return Ordering() if sort is None else sort.to_ordering()


@strawberry.input
class CreateProductInput:
    name: str
    price: Money
    category: str
    description: str | None = None
    stock_quantity: int = 0
    image_url: str | None = None

    def to_draft(self) -> ProductDraft:
        return ProductDraft(
            name=self.name,
            price=Decimal(self.price),
            category=self.category,
            description=self.description,
            stock_quantity=self.stock_quantity,
            image_url=self.image_url,
        )


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class UpdateProductInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Money | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    image_url: str | None = strawberry.UNSET

    def to_changes(self) -> ProductChanges:
        values = {
            "name": self.name,
            "description": self.description,
            "price": self.price,
            "category": self.category,
            "image_url": self.image_url,
        }
        changes = ProductChanges()
        for key, value in values.items():
            if value is strawberry.UNSET:
                continue
            if value is None and key in ("name", "price", "category"):
                # Required fields can change but not disappear.
                validation.required_missing(key)
            changes.values[key] = value
        return changes


@strawberry.input
class StockLineInput:
    product_id: strawberry.ID
    quantity: int

    def to_line(self) -> StockLine:
        return StockLine(validation.parse_id(self.product_id, field="productId"), self.quantity)


@strawberry.enum
class ReservationState(Enum):
    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    COMMITTED = "COMMITTED"


@strawberry.type(description="One product's part of an order's reservation.")
class ReservationLine:
    product_id: strawberry.ID
    quantity: int
    unit_price: Money = strawberry.field(description="The product's price when reserved.")


@strawberry.type(description="The stock held for one order.")
class StockReservation:
    order_id: strawberry.ID
    state: ReservationState
    lines: list[ReservationLine]

    @classmethod
    def from_reservation(cls, reservation: Reservation) -> Self:
        return cls(
            order_id=strawberry.ID(str(reservation.order_id)),
            state=ReservationState(reservation.state.value),
            lines=[
                ReservationLine(
                    product_id=strawberry.ID(str(line.product_id)),
                    quantity=line.quantity,
                    unit_price=Money(line.unit_price),
                )
                for line in reservation.lines
            ],
        )
