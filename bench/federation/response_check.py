"""Comparing a gateway's response with the benchmark's expected response.

Key order does not matter (JSON objects compare as mappings); list order and
every value do. The first difference is described with its path, so a failed
check says what is wrong.
"""

from __future__ import annotations

from typing import Any


def first_difference(actual: Any, expected: Any, path: str = "$") -> str | None:
    """None when equal, else a short description of the first difference."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {_short(actual)}"
        for key in expected:
            if key not in actual:
                return f"{path}.{key}: missing"
        for key in actual:
            if key not in expected:
                return f"{path}.{key}: unexpected (value {_short(actual[key])})"
        for key, value in expected.items():
            difference = first_difference(actual[key], value, f"{path}.{key}")
            if difference is not None:
                return difference
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {_short(actual)}"
        if len(actual) != len(expected):
            return f"{path}: expected {len(expected)} items, got {len(actual)}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            difference = first_difference(got, want, f"{path}[{index}]")
            if difference is not None:
                return difference
        return None
    # bool is an int in Python: compare types too, so true never equals 1.
    if type(actual) is not type(expected) or actual != expected:
        return f"{path}: expected {_short(expected)}, got {_short(actual)}"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
