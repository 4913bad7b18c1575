"""What a catalog read asks for, in plain values (validated, independent of GraphQL)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class SortField(StrEnum):
    NAME = "NAME"
    PRICE = "PRICE"
    CREATED_AT = "CREATED_AT"


@dataclass(frozen=True)
class ProductCriteria:
    """Which active products a listing or search is restricted to."""

    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    ids: tuple[uuid.UUID, ...] | None = None


@dataclass(frozen=True)
class Ordering:
    field: SortField = SortField.NAME
    descending: bool = False


@dataclass(frozen=True)
class Keyset:
    """The position after which the next page of a sorted listing starts."""

    value: str | Decimal | datetime
    id: uuid.UUID


@dataclass(frozen=True)
class SearchTerms:
    """Sanitised search words: letters and digits only.

    Each word matches as a prefix ("lapt" finds "Laptop"), except single characters:
    those match only themselves, since a one-letter prefix matches most of the
    vocabulary and makes the search cost a scan of much of the index.
    """

    words: tuple[str, ...]

    def as_prefixes(self) -> list[tuple[str, bool]]:
        """Each word with whether it is matched as a prefix."""
        return [(word, len(word) > 1) for word in self.words]


@dataclass(frozen=True)
class SearchPosition:
    """The search result a page starts after: its tier and id.

    Results are ordered by tier (how many of the query's words the product's name
    holds, most first), then by id: within a tier every product matches equally
    well, and the id is a fixed order that costs the database nothing to follow
    (see `repository.search_products`). A total order, so pages never skip or
    repeat a product and a deep page costs no more than the first.
    """

    tier: int
    id: uuid.UUID
