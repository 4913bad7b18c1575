"""Response shaping by Python code generated once per plan.

The merged subgraph data holds more than the client asked for (keys, `@requires`
inputs, `__typename`s). A shaper, generated from the normalised operation, copies
exactly the requested fields in the requested order, fills `__typename`, applies
the non-null rules (a null in a non-null position nulls the nearest nullable
parent and records an error at the exact path), turns enum values the API schema
does not have into field errors, and never interprets the operation at request time.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    is_composite_type,
)

from supergraph.planning.operation import INTROSPECTION_FIELDS, OpField

# A path as a cons list: (last element, rest) ... or None at the root.
ConsPath = tuple[Any, Any] | None


class ShapeErrors:
    """Field errors found while shaping, in response order."""

    def __init__(self) -> None:
        # (a null in a non-null position?, the error)
        self.found: list[tuple[bool, dict[str, Any]]] = []

    def reported(self, *, fetches_failed: bool) -> list[dict[str, Any]]:
        """The errors to report. When a fetch failed, its error already explains the
        nulls it left behind; values the API schema cannot represent are always field
        errors of their own."""
        return [error for is_null, error in self.found if not (fetches_failed and is_null)]


Shaper = Callable[[dict[str, Any], ShapeErrors], dict[str, Any] | None]


class NullViolation(Exception):
    """A null reached a non-null position, or a value cannot be represented (the field
    is null); caught by the nearest nullable parent."""


def path_list(path: ConsPath) -> list[Any]:
    parts: list[Any] = []
    while path is not None:
        parts.append(path[0])
        path = path[1]
    parts.reverse()
    return parts


def _violation(errors: ShapeErrors, message: str, path: ConsPath) -> None:
    errors.found.append((True, {"message": message, "path": path_list(path)}))
    raise NullViolation


def _unrepresentable(errors: ShapeErrors, enum: str, value: Any, path: ConsPath) -> None:
    # The message graphql-js gives when serialising a value the enum does not have.
    shown = json.dumps(value, default=str, ensure_ascii=False)  # as JSON.stringify
    message = f'Enum "{enum}" cannot represent value: {shown}'
    errors.found.append((False, {"message": message, "path": path_list(path)}))
    raise NullViolation


class _Compiler:
    """Generates one Python function per selection (object) and per list level."""

    def __init__(self, enum_limits: Mapping[str, frozenset[str]]) -> None:
        self._names = itertools.count()
        self.namespace: dict[str, Any] = {
            "_violation": _violation,
            "_unrepresentable": _unrepresentable,
            "NullViolation": NullViolation,
        }
        self.sources: list[str] = []
        self._tables: list[tuple[dict[str, Any], dict[str, str]]] = []
        self._enum_limits = enum_limits
        self._enum_functions: dict[str, str] = {}

    def constant(self, value: Any) -> str:
        name = f"_c{next(self._names)}"
        self.namespace[name] = value
        return name

    def object_function(self, type_name: str, fields: list[OpField]) -> str:
        name = f"_object{next(self._names)}"
        lines = [f"def {name}(obj, path, errors):", "    out = {}"]
        for op_field in fields:
            key = repr(op_field.key)
            if op_field.name == "__typename":
                lines.append(f"    out[{key}] = {type_name!r}")
                continue
            if op_field.name in INTROSPECTION_FIELDS:
                lines.append(f"    out[{key}] = obj.get({key})")
                continue
            lines += self._field_lines(type_name, op_field)
        lines.append("    return out")
        self.sources.append("\n".join(lines))
        return name

    def _field_lines(self, parent: str, op_field: OpField) -> list[str]:
        key = repr(op_field.key)
        field_type = op_field.type
        non_null = isinstance(field_type, GraphQLNonNull)
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        message = repr(f"Cannot return null for non-nullable field {parent}.{op_field.key}.")
        lines = [f"    v = obj.get({key})"]
        value_function = self._value_function(inner, op_field)
        if non_null:
            lines.append(f"    if v is None: _violation(errors, {message}, ({key}, path))")
            if value_function is not None:
                lines.append(f"    v = {value_function}(v, ({key}, path), errors)")
        elif value_function is not None:
            lines += [
                "    if v is not None:",
                "        try:",
                f"            v = {value_function}(v, ({key}, path), errors)",
                "        except NullViolation:",
                "            v = None",
            ]
        lines.append(f"    out[{key}] = v")
        return lines

    def _value_function(self, value_type: GraphQLOutputType, op_field: OpField) -> str | None:
        """Name of a function shaping a non-null value of this (nullable) type; None: as is."""
        if isinstance(value_type, GraphQLList):
            return self._list_function(value_type, op_field)
        if isinstance(value_type, GraphQLEnumType) and value_type.name in self._enum_limits:
            return self._enum_function(value_type.name)
        if not is_composite_type(value_type):
            return None
        assert op_field.selections is not None
        if not op_field.abstract:
            ((runtime, fields),) = op_field.selections.items()
            return self.object_function(runtime, fields)
        # Filled with the functions themselves once the module is executed.
        table: dict[str, Any] = {}
        names = {
            runtime: self.object_function(runtime, fields)
            for runtime, fields in op_field.selections.items()
        }
        if names:
            # Objects an @interfaceObject subgraph returned, when nothing asked for
            # their concrete type, still carry the interface's name.
            names.setdefault(op_field.named_type, next(iter(names.values())))
        self._tables.append((table, names))
        table_name = self.constant(table)
        name = f"_abstract{next(self._names)}"
        self.sources.append(
            "\n".join(
                [
                    f"def {name}(obj, path, errors):",
                    f"    shape = {table_name}.get(obj.get('__typename'))",
                    "    return None if shape is None else shape(obj, path, errors)",
                ]
            )
        )
        return name

    def _enum_function(self, enum: str) -> str:
        """A check that the value is one the API schema's enum has."""
        name = self._enum_functions.get(enum)
        if name is None:
            name = self._enum_functions[enum] = f"_enum{next(self._names)}"
            allowed = self.constant(self._enum_limits[enum])
            self.sources.append(
                "\n".join(
                    [
                        f"def {name}(v, path, errors):",
                        f"    if v.__class__ is not str or v not in {allowed}:",
                        f"        _unrepresentable(errors, {enum!r}, v, path)",
                        "    return v",
                    ]
                )
            )
        return name

    def _list_function(self, list_type: GraphQLList[Any], op_field: OpField) -> str | None:
        item_type = list_type.of_type
        non_null = isinstance(item_type, GraphQLNonNull)
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        item_function = self._value_function(inner, op_field)
        name = f"_list{next(self._names)}"
        head = self.constant(
            f"Cannot return null for non-nullable array element of type {inner} at index "
        )
        if item_function is None and not non_null:
            return None
        lines = [f"def {name}(items, path, errors):"]
        if item_function is None:
            lines += [
                "    for i, x in enumerate(items):",
                f"        if x is None: _violation(errors, {head} + str(i) + '.', (i, path))",
                "    return items",
            ]
        else:
            lines += ["    out = []", "    for i, x in enumerate(items):"]
            if non_null:
                lines += [
                    f"        if x is None: _violation(errors, {head} + str(i) + '.', (i, path))",
                    f"        out.append({item_function}(x, (i, path), errors))",
                ]
            else:
                lines += [
                    "        if x is not None:",
                    "            try:",
                    f"                x = {item_function}(x, (i, path), errors)",
                    "            except NullViolation:",
                    "                x = None",
                    "        out.append(x)",
                ]
            lines.append("    return out")
        self.sources.append("\n".join(lines))
        return name

    def finish(self) -> None:
        # Functions refer to each other by name; they are defined together in one module.
        code = compile("\n\n".join(self.sources), "<shaper>", "exec")
        exec(code, self.namespace)  # noqa: S102 - source generated above from the schema
        for table, names in self._tables:
            table.update({runtime: self.namespace[name] for runtime, name in names.items()})


def compile_shaper(
    root_type: str, root_fields: list[OpField], enum_limits: Mapping[str, frozenset[str]]
) -> Shaper:
    """A function turning merged data into the response `data` (None if the root nulls).

    `enum_limits`: the enums whose values must be checked (see Supergraph.enum_limits).
    """
    compiler = _Compiler(enum_limits)
    root = compiler.object_function(root_type, root_fields)
    compiler.finish()
    shape = compiler.namespace[root]

    def shaper(data: dict[str, Any], errors: ShapeErrors) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = shape(data, None, errors)
        except NullViolation:
            return None
        return result

    return shaper
