"""Opaque cursors and page sizes shared by every paginated field."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from subgraphs.kit.errors import BadInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_size(first: int | None, *, field: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 1 or first > MAX_PAGE_SIZE:
        raise BadInput(
            f"{field} must be between 1 and {MAX_PAGE_SIZE}", field=field, code="INVALID_PAGE_SIZE"
        )
    return first


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values, default=str)).decode().rstrip("=")


def decode_cursor(cursor: str, *, length: int, field: str = "after") -> list[Any]:
    """The values a cursor was made from; a clear input error for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError) as error:
        raise BadInput("malformed cursor", field=field, code="INVALID_CURSOR") from error
    if not isinstance(values, list) or len(values) != length:
        raise BadInput("malformed cursor", field=field, code="INVALID_CURSOR")
    return values
