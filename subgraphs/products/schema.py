# Strawberry types `@strawberry.field(description=...)` as returning Any, which
# mypy reports on every resolver; the resolvers themselves are fully typed.
# mypy: disable-error-code="untyped-decorator"
"""The products subgraph schema: catalog reads, admin catalog management, and the
inventory operations orders calls with its service credential."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from subgraphs.kit.audit import AdminMutationAudit
from subgraphs.kit.graphql_errors import MaskUnexpectedErrors, ServiceSchema
from subgraphs.kit.scalars import SCALAR_OVERRIDES
from subgraphs.kit.text_input import RefuseNulCharacters
from subgraphs.products.context import ProductsInfo
from subgraphs.products.service import ProductPage, catalog, inventory
from subgraphs.products.types import (
    Category,
    CreateProductInput,
    PageInfo,
    Product,
    ProductConnection,
    ProductEdge,
    ProductFilter,
    ProductSort,
    StockLineInput,
    StockReservation,
    UpdateProductInput,
    criteria_of,
    ordering_of,
)
from subgraphs.products.validation import parse_id

# The gateway refuses these operations before any fetch (@requiresScopes, with the
# scopes the users service issues, see subgraphs/users/README.md). No user token
# holds `inventory`: services call the inventory operations on this subgraph
# directly. The resolvers still check the caller themselves (defence in depth).
ADMIN = [["admin"]]
INVENTORY = [["inventory"]]


def _connection(info: ProductsInfo, page: ProductPage) -> ProductConnection:
    reader = info.context.reader

    async def total() -> int:
        async with reader() as session:
            return await page.count(session)

    edges = [
        ProductEdge(cursor=cursor, node=Product.from_model(product))
        for product, cursor in zip(page.products, page.cursors, strict=True)
    ]
    return ProductConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        counter=total,
    )


@strawberry.type
class Query:
    @strawberry.field(description="One product by id, archived ones included.")
    async def product(self, info: ProductsInfo, id: strawberry.ID) -> Product | None:
        found = await info.context.loaders.product_by_id.load(parse_id(id))
        return None if found is None else Product.from_model(found)

    @strawberry.field(description="Active products, filtered and sorted, 20 a page (max 100).")
    async def products(
        self,
        info: ProductsInfo,
        filter: ProductFilter | None = None,
        sort: ProductSort | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        criteria = criteria_of(filter)
        ordering = ordering_of(sort)
        async with info.context.reader() as session:
            page = await catalog.list_products(
                session, criteria, ordering, first=first, after=after
            )
        return _connection(info, page)

    @strawberry.field(
        description=(
            "Active products matching every word of `query` (as a word prefix, so "
            '"lapt" finds "Laptop"), best match first. Punctuation and operators are '
            "ignored."
        )
    )
    async def search_products(
        self,
        info: ProductsInfo,
        query: str,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        criteria = criteria_of(filter)
        async with info.context.reader() as session:
            page = await catalog.search(session, query, criteria, first=first, after=after)
        return _connection(info, page)

    @strawberry.field(description="Categories of active products, by name, with counts.")
    async def categories(self, info: ProductsInfo) -> list[Category]:
        async with info.context.reader() as session:
            counts = await catalog.categories(session)
        return [Category(name=name, product_count=count) for name, count in counts]


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        description="Add a product to the catalog (admins only).", requires_scopes=ADMIN
    )
    async def create_product(self, info: ProductsInfo, input: CreateProductInput) -> Product:
        info.context.require_admin()
        draft = input.to_draft()
        async with info.context.sessionmaker.begin() as session:
            product = await catalog.create_product(session, draft)
        return Product.from_model(product)

    @strawberry.federation.mutation(
        description="Change a product's details (admins only).", requires_scopes=ADMIN
    )
    async def update_product(
        self, info: ProductsInfo, id: strawberry.ID, input: UpdateProductInput
    ) -> Product:
        info.context.require_admin()
        product_id = parse_id(id)
        changes = input.to_changes()
        async with info.context.sessionmaker.begin() as session:
            product = await catalog.update_product(session, product_id, changes)
        return Product.from_model(product)

    @strawberry.federation.mutation(
        description=(
            "Archive a product (admins only): it leaves the catalog but stays readable "
            "by id, so orders that hold it keep resolving."
        ),
        requires_scopes=ADMIN,
    )
    async def delete_product(self, info: ProductsInfo, id: strawberry.ID) -> Product:
        info.context.require_admin()
        product_id = parse_id(id)
        async with info.context.sessionmaker.begin() as session:
            product = await catalog.archive_product(session, product_id)
        return Product.from_model(product)

    @strawberry.federation.mutation(
        description="Add (delta > 0) or remove stock by hand, with a reason (admins only).",
        requires_scopes=ADMIN,
    )
    async def adjust_stock(
        self, info: ProductsInfo, product_id: strawberry.ID, delta: int, reason: str
    ) -> Product:
        principal = info.context.require_admin()
        parsed_id = parse_id(product_id, field="productId")
        async with info.context.sessionmaker.begin() as session:
            product = await catalog.adjust_stock(
                session, parsed_id, delta=delta, reason=reason, actor=principal.subject
            )
        return Product.from_model(product)

    @strawberry.federation.mutation(
        description=(
            "Reserve stock for every line of an order, or none (service credential only). "
            "Idempotent per order id: a retry with the same lines returns the reservation "
            "as it stands, other lines are a RESERVATION_CONFLICT."
        ),
        requires_scopes=INVENTORY,
    )
    async def reserve_stock(
        self, info: ProductsInfo, order_id: strawberry.ID, items: list[StockLineInput]
    ) -> StockReservation:
        info.context.require_service()
        parsed_order = parse_id(order_id, field="orderId")
        lines = [item.to_line() for item in items]
        async with info.context.sessionmaker.begin() as session:
            reservation = await inventory.reserve(session, parsed_order, lines)
        return StockReservation.from_reservation(reservation)

    @strawberry.federation.mutation(
        description=(
            "Return an order's reserved stock (service credential only); null when "
            "nothing was reserved for it. Idempotent."
        ),
        requires_scopes=INVENTORY,
    )
    async def release_stock(
        self, info: ProductsInfo, order_id: strawberry.ID
    ) -> StockReservation | None:
        info.context.require_service()
        parsed_order = parse_id(order_id, field="orderId")
        async with info.context.sessionmaker.begin() as session:
            reservation = await inventory.release(session, parsed_order)
        return None if reservation is None else StockReservation.from_reservation(reservation)

    @strawberry.federation.mutation(
        description="Make an order's reservation final (service credential only). Idempotent.",
        requires_scopes=INVENTORY,
    )
    async def commit_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        info.context.require_service()
        parsed_order = parse_id(order_id, field="orderId")
        async with info.context.sessionmaker.begin() as session:
            reservation = await inventory.commit(session, parsed_order)
        return StockReservation.from_reservation(reservation)


# Storefronts and the router send the same few documents over and over: parsing and
# validating each once (per process, bounded) takes a large share off every request.
DOCUMENT_CACHE_SIZE = 512

schema = ServiceSchema(
    query=Query,
    mutation=Mutation,
    types=[Product],
    extensions=[
        MaskUnexpectedErrors,
        RefuseNulCharacters,
        AdminMutationAudit,
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
    ],
    scalar_overrides=SCALAR_OVERRIDES,
)
