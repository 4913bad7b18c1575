"""Opaque cursors and page sizes."""

from __future__ import annotations

import base64

import pytest

from subgraphs.kit.errors import BadInput
from subgraphs.kit.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_cursor,
    encode_cursor,
    page_size,
)


def test_a_cursor_round_trips_its_values() -> None:
    values = ["2026-11-25T11:00:00+00:00", "6f1c0d1e-8e0e-4b8e-9f4e-1d2c3b4a5f6e", 42]

    cursor = encode_cursor(values)

    assert decode_cursor(cursor, length=3) == values
    assert "=" not in cursor
    assert "2026" not in cursor  # opaque, not the raw values


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "not base64 at all ☃",
        base64.urlsafe_b64encode(b"not json").decode(),
        encode_cursor(["only one value"]),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
    ],
)
def test_a_malformed_cursor_is_a_clear_input_error(cursor: str) -> None:
    with pytest.raises(BadInput) as refused:
        decode_cursor(cursor, length=2)

    assert refused.value.code == "INVALID_CURSOR"
    assert refused.value.details == {"field": "after"}


def test_page_size_defaults_and_bounds() -> None:
    assert page_size(None) == DEFAULT_PAGE_SIZE
    assert page_size(1) == 1
    assert page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE == 100


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE_SIZE + 1])
def test_page_size_outside_the_bounds_is_refused(first: int) -> None:
    with pytest.raises(BadInput) as refused:
        page_size(first)

    assert refused.value.code == "INVALID_PAGE_SIZE"
