"""Merging subgraph results into the response tree, in place."""

from __future__ import annotations

from typing import Any


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Add `source` into `target`; objects merge key by key, lists element by element."""
    for key, value in source.items():
        current = target.get(key)
        if current is None or not isinstance(value, dict | list):
            target[key] = value
        elif isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            _merge_lists(current, value)
        else:
            target[key] = value


def _merge_lists(current: list[Any], value: list[Any]) -> None:
    for index, item in enumerate(value):
        existing = current[index]
        if isinstance(existing, dict) and isinstance(item, dict):
            deep_merge(existing, item)
        elif isinstance(existing, list) and isinstance(item, list) and len(existing) == len(item):
            _merge_lists(existing, item)
        else:
            current[index] = item
