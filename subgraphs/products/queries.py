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
    """Sanitised search words: letters and digits only, each matched as a prefix."""

    words: tuple[str, ...]
