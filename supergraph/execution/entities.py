"""Finding the objects an entity fetch applies to, and their representations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supergraph.planning.plan import Path, PathSegment
from supergraph.planning.subgraph_selection import QSelection

Extractor = Callable[[dict[str, Any]], dict[str, Any] | None]
_MISSING = object()


def objects_at(data: dict[str, Any], path: Path, type_name: str) -> list[dict[str, Any]]:
    """Every object of `type_name` reached from the root along `path` (lists flattened)."""
    current: list[dict[str, Any]] = [data]
    for segment in path:
        found: list[dict[str, Any]] = []
        key, type_filter = segment.key, segment.type_filter
        for obj in current:
            _flatten(obj.get(key), type_filter, found)
        current = found
    return [obj for obj in current if obj.get("__typename") == type_name]


def _flatten(value: Any, type_filter: str | None, found: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if type_filter is None or value.get("__typename") == type_filter:
            found.append(value)
    elif isinstance(value, list):
        for item in value:
            _flatten(item, type_filter, found)


def located_objects(
    data: dict[str, Any], path: Path, type_name: str
) -> list[tuple[list[Any], dict[str, Any]]]:
    """Like `objects_at`, with each object's response path (used only for errors)."""
    found: list[tuple[list[Any], dict[str, Any]]] = []
    _walk(data, path, 0, [], type_name, found)
    return found


def _walk(
    value: Any,
    path: Path,
    depth: int,
    prefix: list[Any],
    type_name: str,
    found: list[tuple[list[Any], dict[str, Any]]],
) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, path, depth, [*prefix, index], type_name, found)
        return
    if not isinstance(value, dict):
        return
    if depth > 0:
        type_filter = path[depth - 1].type_filter
        if type_filter is not None and value.get("__typename") != type_filter:
            return
    if depth == len(path):
        if value.get("__typename") == type_name:
            found.append((prefix, value))
        return
    segment: PathSegment = path[depth]
    _walk(value.get(segment.key), path, depth + 1, [*prefix, segment.key], type_name, found)


def compile_extractor(selection: QSelection) -> Extractor:
    """A function building one representation; None when a field it needs is absent."""
    # (key in the data, key in the representation): required fields with arguments
    # are fetched under an alias but sent under their name.
    leaf_keys = [(k, f.name) for k, f in selection.fields.items() if f.selection is None]
    nested = [
        (k, f.name, compile_extractor(f.selection))
        for k, f in selection.fields.items()
        if f.selection is not None
    ]
    fragments = {t: compile_extractor(s) for t, s in selection.fragments.items()}

    if not nested and not fragments:

        def extract_flat(obj: dict[str, Any]) -> dict[str, Any] | None:
            result = {}
            for key, name in leaf_keys:
                value = obj.get(key, _MISSING)
                if value is _MISSING:
                    return None
                result[name] = value
            return result

        return extract_flat

    def extract(obj: dict[str, Any]) -> dict[str, Any] | None:
        result = extract_flat_part(obj)
        if result is None:
            return None
        for key, name, sub in nested:
            value = obj.get(key, _MISSING)
            if value is _MISSING:
                return None
            result[name] = _apply(sub, value)
        fragment = fragments.get(obj.get("__typename", ""))
        if fragment is not None:
            extra = fragment(obj)
            if extra is None:
                return None
            result.update(extra)
        return result

    def extract_flat_part(obj: dict[str, Any]) -> dict[str, Any] | None:
        result = {}
        for key, name in leaf_keys:
            value = obj.get(key, _MISSING)
            if value is _MISSING:
                return None
            result[name] = value
        return result

    return extract


def _apply(extractor: Extractor, value: Any) -> Any:
    if isinstance(value, list):
        return [_apply(extractor, item) for item in value]
    if isinstance(value, dict):
        return extractor(value)
    return value
