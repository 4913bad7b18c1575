"""All SQL of the products service.

Stock only ever moves through conditional UPDATEs (`... WHERE stock_quantity >= :q`),
so concurrent callers can never drive it below zero or lose an update, whatever
they read before; the database CHECK is the last line of defence.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.orm import utcnow
from subgraphs.products.models import Product, StockAdjustment, StockReservation
from subgraphs.products.queries import (
    Keyset,
    Ordering,
    ProductCriteria,
    SearchPosition,
    SearchTerms,
    SortField,
)

_SORT_COLUMNS: dict[SortField, Any] = {
    SortField.NAME: Product.name,
    SortField.PRICE: Product.price,
    SortField.CREATED_AT: Product.created_at,
}


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


# Reads -----------------------------------------------------------------------------------


async def products_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Product]:
    """Products with these ids, archived ones included (one SELECT whatever the count)."""
    if not ids:
        return []
    result = await session.scalars(select(Product).where(Product.id.in_(list(ids))))
    return list(result)


async def get_product(session: AsyncSession, product_id: uuid.UUID) -> Product | None:
    return await session.get(Product, product_id, populate_existing=True)


def _restricted(statement: Select[Any], criteria: ProductCriteria) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.ids is None:
        conditions.append(Product.is_active == true())
    else:
        # Products asked for by id are returned archived or not (orders quote them).
        conditions.append(Product.id.in_(list(criteria.ids)))
    if criteria.category is not None:
        conditions.append(Product.category == criteria.category)
    if criteria.min_price is not None:
        conditions.append(Product.price >= criteria.min_price)
    if criteria.max_price is not None:
        conditions.append(Product.price <= criteria.max_price)
    if criteria.in_stock is True:
        conditions.append(Product.stock_quantity > 0)
    elif criteria.in_stock is False:
        conditions.append(Product.stock_quantity == 0)
    return statement.where(*conditions)


async def list_products(
    session: AsyncSession,
    criteria: ProductCriteria,
    ordering: Ordering,
    after: Keyset | None,
    limit: int,
) -> list[Product]:
    """A page of active products in a total order (sort column, then id), keyset-paged."""
    column = _SORT_COLUMNS[ordering.field]
    statement = _restricted(select(Product), criteria)
    if after is not None:
        # A row-value comparison lets PostgreSQL seek the (column, id) index directly.
        key, start = tuple_(column, Product.id), tuple_(after.value, after.id)
        statement = statement.where(key < start if ordering.descending else key > start)
    if ordering.descending:
        statement = statement.order_by(column.desc(), Product.id.desc())
    else:
        statement = statement.order_by(column.asc(), Product.id.asc())
    result = await session.scalars(statement.limit(limit))
    return list(result)


async def count_products(session: AsyncSession, criteria: ProductCriteria) -> int:
    statement = _restricted(select(func.count()).select_from(Product), criteria)
    return int(await session.scalar(statement) or 0)


@dataclass(frozen=True)
class _TextMatch:
    """The search's text conditions in the session's dialect."""

    anywhere: ColumnElement[bool]  # every word in name, category or description
    name_holds_all: ColumnElement[bool]  # every word in the name
    name_holds_each: list[ColumnElement[bool]]  # each word in the name, one by one


def _text_match(session: AsyncSession, terms: SearchTerms) -> _TextMatch:
    words = terms.as_prefixes()
    if _dialect(session) == "postgresql":
        search_vector: ColumnElement[Any] = literal_column("products.search_vector")
        name_vector: ColumnElement[Any] = literal_column("products.name_vector")
        return _TextMatch(
            anywhere=search_vector.bool_op("@@")(_tsquery(words)),
            name_holds_all=name_vector.bool_op("@@")(_tsquery(words)),
            name_holds_each=[name_vector.bool_op("@@")(_tsquery([word])) for word in words],
        )
    # SQLite: FTS5 with the same prefix semantics; `name : (...)` is a column filter.
    return _TextMatch(
        anywhere=_fts_match(_fts_words(words)),
        name_holds_all=_fts_match(f"name : ({_fts_words(words)})"),
        name_holds_each=[_fts_match(f"name : ({_fts_words([word])})") for word in words],
    )


def _tsquery(words: list[tuple[str, bool]]) -> ColumnElement[Any]:
    # Words are letters and digits only, so `word:*` joined by `&` is a valid tsquery
    # whatever the user typed; the config stems them like the index.
    query = " & ".join(f"{word}:*" if prefix else word for word, prefix in words)
    return func.to_tsquery(literal_column("'english'::regconfig"), query)


def _fts_words(words: list[tuple[str, bool]]) -> str:
    return " AND ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in words)


def _fts_match(match: str) -> ColumnElement[bool]:
    matching_rows: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(table("products_fts"))
        .where(literal_column("products_fts").bool_op("MATCH")(match))
    )
    return literal_column("products.rowid").in_(matching_rows)


async def search_products(
    session: AsyncSession,
    terms: SearchTerms,
    criteria: ProductCriteria,
    after: SearchPosition | None,
    limit: int,
) -> list[tuple[Product, int]]:
    """Active products matching `terms`, each with its tier, best first (see SearchPosition).

    The best tier, names holding every word, is asked for on its own in id order.
    Ids are random, so the products a word matches are spread evenly along the
    primary key: for a broad word ("laptop": 4% of the catalog) PostgreSQL walks
    the key until the page is full (about 25 rows per result) instead of reading
    and sorting every match, and for a rare word it finds the few matches through
    the name-vector index; its estimate of which is cheaper holds because nothing
    (a brand, a category) clusters a word's products along the key, as it would
    along names. That choice is made per search (see ProductsSettings). Lower tiers
    are asked for only when the best one runs out.
    """
    text_match = _text_match(session, terms)
    top = len(terms.words)
    base = _restricted(select(Product), criteria)
    hits: list[tuple[Product, int]] = []
    if after is None or after.tier == top:
        best = base.where(text_match.name_holds_all)
        if after is not None:
            best = best.where(Product.id > after.id)
        rows = await session.scalars(best.order_by(Product.id).limit(limit))
        hits = [(product, top) for product in rows]
    if len(hits) < limit:
        hits += await _search_lower_tiers(session, base, text_match, after, limit - len(hits))
    return hits


async def _search_lower_tiers(
    session: AsyncSession,
    base: Select[Any],
    text_match: _TextMatch,
    after: SearchPosition | None,
    limit: int,
) -> list[tuple[Product, int]]:
    """Matches whose name misses a word: most words in the name first, then by id."""
    statement = base.where(text_match.anywhere, not_(text_match.name_holds_all))
    top = len(text_match.name_holds_each)
    if top == 1:
        # One word, missing from every such name: all tier 0, id order alone.
        tier: ColumnElement[int] = literal(0, Integer)
        if after is not None and after.tier == 0:
            statement = statement.where(Product.id > after.id)
        ordering: list[Any] = [Product.id]
    else:
        tier = reduce(operator.add, (cast(holds, Integer) for holds in text_match.name_holds_each))
        if after is not None and after.tier < top:
            statement = statement.where(
                or_(tier < after.tier, and_(tier == after.tier, Product.id > after.id))
            )
        ordering = [tier.desc(), Product.id]
    rows = await session.execute(statement.add_columns(tier).order_by(*ordering).limit(limit))
    return [(product, int(product_tier)) for product, product_tier in rows]


async def count_search(session: AsyncSession, terms: SearchTerms, criteria: ProductCriteria) -> int:
    base = _restricted(select(func.count()).select_from(Product), criteria)
    statement = base.where(_text_match(session, terms).anywhere)
    return int(await session.scalar(statement) or 0)


async def category_counts(session: AsyncSession) -> list[tuple[str, int]]:
    """Every category that has active products, with how many, by name."""
    statement = (
        select(Product.category, func.count())
        .where(Product.is_active == true())
        .group_by(Product.category)
        .order_by(Product.category)
    )
    rows = await session.execute(statement)
    return [(category, int(count)) for category, count in rows]


async def category_exists(session: AsyncSession, category: str) -> bool:
    statement = select(Product.id).where(Product.category == category).limit(1)
    return (await session.scalar(statement)) is not None


# Catalog writes --------------------------------------------------------------------------


async def add_product(session: AsyncSession, product: Product) -> Product:
    session.add(product)
    await session.flush()
    return product


async def adjust_stock(
    session: AsyncSession, product_id: uuid.UUID, delta: int, *, maximum: int
) -> int | None:
    """Move stock by `delta` unless it would leave 0..maximum; the new stock or None."""
    statement = (
        update(Product)
        .where(
            Product.id == product_id,
            Product.stock_quantity + delta >= 0,
            Product.stock_quantity + delta <= maximum,
        )
        .values(stock_quantity=Product.stock_quantity + delta, updated_at=utcnow())
        .returning(Product.stock_quantity)
        .execution_options(synchronize_session=False)
    )
    return await session.scalar(statement)


async def add_adjustment(session: AsyncSession, adjustment: StockAdjustment) -> None:
    session.add(adjustment)
    await session.flush()


# Inventory -------------------------------------------------------------------------------


async def lock_order(session: AsyncSession, order_id: uuid.UUID) -> None:
    """Serialise operations on one order's reservation until the transaction ends.

    Must come first in the transaction: what is read after it is current.
    PostgreSQL: a transaction-scoped advisory lock per order, so two retries of
    the same order cannot both find "no reservation yet" (other orders proceed).
    SQLite: a write that changes nothing opens the transaction and takes the
    database's single write lock now, before the reads rather than after them.
    """
    if _dialect(session) == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"stock-reservation:{order_id}"},
        )
    else:
        await session.execute(text("UPDATE stock_reservations SET state = state WHERE 0 = 1"))


async def reservations_for_order(
    session: AsyncSession, order_id: uuid.UUID
) -> list[StockReservation]:
    statement = (
        select(StockReservation)
        .where(StockReservation.order_id == order_id)
        .order_by(StockReservation.product_id)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(statement))


async def take_stock(session: AsyncSession, product_id: uuid.UUID, quantity: int) -> Decimal | None:
    """Take `quantity` of an active product if that much is there; its price, or None."""
    statement = (
        update(Product)
        .where(
            Product.id == product_id,
            Product.is_active == true(),
            Product.stock_quantity >= quantity,
        )
        .values(stock_quantity=Product.stock_quantity - quantity, updated_at=utcnow())
        .returning(Product.price)
        .execution_options(synchronize_session=False)
    )
    return await session.scalar(statement)


async def return_stock(session: AsyncSession, product_id: uuid.UUID, quantity: int) -> None:
    statement = (
        update(Product)
        .where(Product.id == product_id)
        .values(stock_quantity=Product.stock_quantity + quantity, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def add_reservations(session: AsyncSession, lines: Sequence[StockReservation]) -> None:
    session.add_all(lines)
    await session.flush()


async def set_reservation_state(
    session: AsyncSession, order_id: uuid.UUID, state: str
) -> list[StockReservation]:
    statement = (
        update(StockReservation)
        .where(StockReservation.order_id == order_id)
        .values(state=state, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)
    return await reservations_for_order(session, order_id)
