"""Checks on what callers send, each failing with its own stable error code."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import NoReturn
from urllib.parse import urlsplit

from subgraphs.kit.errors import BadInput
from subgraphs.kit.pagination import MAX_PAGE_SIZE
from subgraphs.products.errors import invalid
from subgraphs.products.models import (
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    IMAGE_URL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRICE_MAX,
    REASON_MAX_LENGTH,
)
from subgraphs.products.queries import ProductCriteria, SearchTerms

# Stock stays far below PostgreSQL's INTEGER limit, so no sum of two stocks overflows.
STOCK_MAX = 1_000_000_000
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8
MAX_RESERVATION_LINES = 100
# Letters and digits only: quotes, operators and SQL punctuation never reach a query.
_WORD = re.compile(r"[^\W_]+")


def parse_id(value: str, *, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise BadInput(f"{field} is not a valid id", field=field, code="INVALID_ID") from error


def parse_ids(values: Iterable[str], *, field: str) -> tuple[uuid.UUID, ...]:
    return tuple(parse_id(value, field=field) for value in values)


def search_terms(query: str) -> SearchTerms:
    """The words of a search string, matched as prefixes; operators are plain text here."""
    if len(query) > SEARCH_MAX_LENGTH:
        raise invalid(
            "query",
            "INVALID_SEARCH_QUERY",
            f"search text is at most {SEARCH_MAX_LENGTH} characters",
        )
    words = [word.lower() for word in _WORD.findall(query)][:SEARCH_MAX_WORDS]
    if not words:
        raise invalid("query", "INVALID_SEARCH_QUERY", "search text needs a letter or a digit")
    return SearchTerms(tuple(words))


def name(value: str) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > NAME_MAX_LENGTH:
        raise invalid("name", "INVALID_NAME", f"name is 1 to {NAME_MAX_LENGTH} characters")
    return cleaned


def description(value: str | None) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) > DESCRIPTION_MAX_LENGTH:
        raise invalid(
            "description",
            "INVALID_DESCRIPTION",
            f"description is at most {DESCRIPTION_MAX_LENGTH} characters",
        )
    return cleaned


def price(value: Decimal, *, field: str = "price") -> Decimal:
    if value < 0:
        raise invalid(field, "INVALID_PRICE", f"{field} cannot be negative")
    if value > PRICE_MAX:
        raise invalid(field, "INVALID_PRICE", f"{field} is at most {PRICE_MAX}")
    return value


def category(value: str, *, field: str = "category") -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > CATEGORY_MAX_LENGTH:
        raise invalid(
            field, "INVALID_CATEGORY", f"category is 1 to {CATEGORY_MAX_LENGTH} characters"
        )
    return cleaned


def image_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    parts = urlsplit(cleaned)
    if (
        len(cleaned) > IMAGE_URL_MAX_LENGTH
        or parts.scheme not in ("http", "https")
        or not (parts.netloc)
    ):
        raise invalid(
            "imageUrl",
            "INVALID_IMAGE_URL",
            f"imageUrl is an http(s) URL of at most {IMAGE_URL_MAX_LENGTH} characters",
        )
    return cleaned


def stock_quantity(value: int) -> int:
    if value < 0 or value > STOCK_MAX:
        raise invalid(
            "stockQuantity", "INVALID_STOCK_QUANTITY", f"stockQuantity is 0 to {STOCK_MAX}"
        )
    return value


def quantity(value: int, *, field: str = "quantity") -> int:
    if value <= 0 or value > STOCK_MAX:
        raise invalid(field, "INVALID_QUANTITY", f"{field} is 1 to {STOCK_MAX}")
    return value


def delta(value: int) -> int:
    if value == 0 or abs(value) > STOCK_MAX:
        raise invalid(
            "delta", "INVALID_DELTA", f"delta is non-zero, at most {STOCK_MAX} either way"
        )
    return value


def reason(value: str) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > REASON_MAX_LENGTH:
        raise invalid("reason", "INVALID_REASON", f"reason is 1 to {REASON_MAX_LENGTH} characters")
    return cleaned


def criteria(
    *,
    category_name: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
    in_stock: bool | None,
    ids: list[str] | None,
) -> ProductCriteria:
    """A listing filter, checked for shape (whether the category exists is the service's)."""
    if min_price is not None:
        price(min_price, field="minPrice")
    if max_price is not None:
        price(max_price, field="maxPrice")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise invalid("maxPrice", "INVALID_PRICE_RANGE", "maxPrice is below minPrice")
    if ids is not None and len(ids) > MAX_PAGE_SIZE:
        raise invalid("ids", "TOO_MANY_IDS", f"at most {MAX_PAGE_SIZE} ids per filter")
    return ProductCriteria(
        category=None if category_name is None else category(category_name),
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        ids=None if ids is None else parse_ids(ids, field="ids"),
    )


def required_missing(field: str) -> NoReturn:
    """A required field sent as null in an update."""
    codes = {"name": "INVALID_NAME", "price": "INVALID_PRICE", "category": "INVALID_CATEGORY"}
    raise invalid(field, codes[field], f"{field} cannot be null")
