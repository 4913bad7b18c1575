"""Breaking and safe changes between two API schemas.

A change is *breaking* when an operation that was valid against the old schema
can fail or get a differently-shaped answer against the new one; *dangerous*
when valid operations keep working but clients may see values they did not
expect (a new enum value); *safe* otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    is_non_null_type,
    print_ast,
)
from graphql.pyutils import Undefined

from supergraph.composition import typeref


class Severity(StrEnum):
    BREAKING = "breaking"
    DANGEROUS = "dangerous"
    SAFE = "safe"


@dataclass(frozen=True)
class Change:
    severity: Severity
    kind: str
    coordinate: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value.upper():9} {self.kind:26} {self.coordinate}: {self.message}"


def _kind(type_: GraphQLNamedType) -> str:
    return type(type_).__name__.removeprefix("GraphQL").removesuffix("Type").lower()


def _required(value: GraphQLArgument | GraphQLInputField) -> bool:
    return is_non_null_type(value.type) and _default(value) is None


def _default(value: GraphQLArgument | GraphQLInputField) -> str | None:
    """The default value as printed; schemas built from SDL keep it on the AST node."""
    node = value.ast_node
    if node is not None and node.default_value is not None:
        return print_ast(node.default_value)
    if value.default_value is Undefined:
        return None
    return repr(value.default_value)


def compare_schemas(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    """Every difference between two API schemas, with its severity."""
    changes: list[Change] = []
    old_types = {n: t for n, t in old.type_map.items() if not n.startswith("__")}
    new_types = {n: t for n, t in new.type_map.items() if not n.startswith("__")}
    for name in sorted(old_types.keys() - new_types.keys()):
        changes.append(Change(Severity.BREAKING, "TYPE_REMOVED", name, "type removed"))
    for name in sorted(new_types.keys() - old_types.keys()):
        changes.append(Change(Severity.SAFE, "TYPE_ADDED", name, "type added"))
    for name in sorted(old_types.keys() & new_types.keys()):
        before, after = old_types[name], new_types[name]
        if type(before) is not type(after):
            changes.append(
                Change(
                    Severity.BREAKING,
                    "TYPE_KIND_CHANGED",
                    name,
                    f"changed from {_kind(before)} to {_kind(after)}",
                )
            )
            continue
        if isinstance(before, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(after, GraphQLObjectType | GraphQLInterfaceType)
            changes += _compare_fields(name, before.fields, after.fields)
            changes += _compare_set(
                name,
                {i.name for i in before.interfaces},
                {i.name for i in after.interfaces},
                "INTERFACE",
                Severity.BREAKING,
                Severity.SAFE,
            )
        elif isinstance(before, GraphQLUnionType):
            assert isinstance(after, GraphQLUnionType)
            changes += _compare_set(
                name,
                {t.name for t in before.types},
                {t.name for t in after.types},
                "UNION_MEMBER",
                Severity.BREAKING,
                Severity.DANGEROUS,
            )
        elif isinstance(before, GraphQLEnumType):
            assert isinstance(after, GraphQLEnumType)
            changes += _compare_set(
                name,
                set(before.values),
                set(after.values),
                "ENUM_VALUE",
                Severity.BREAKING,
                Severity.DANGEROUS,
            )
        elif isinstance(before, GraphQLInputObjectType):
            assert isinstance(after, GraphQLInputObjectType)
            changes += _compare_inputs(name, before.fields, after.fields, "INPUT_FIELD")
    return changes


def _compare_set(
    owner: str,
    before: set[str],
    after: set[str],
    what: str,
    on_removal: Severity,
    on_addition: Severity,
) -> list[Change]:
    label = what.lower().replace("_", " ")
    changes = [
        Change(on_removal, f"{what}_REMOVED", f"{owner}.{name}", f"{label} removed")
        for name in sorted(before - after)
    ]
    changes += [
        Change(on_addition, f"{what}_ADDED", f"{owner}.{name}", f"{label} added")
        for name in sorted(after - before)
    ]
    return changes


def _compare_fields(
    owner: str, before: dict[str, GraphQLField], after: dict[str, GraphQLField]
) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(before.keys() - after.keys()):
        changes.append(
            Change(Severity.BREAKING, "FIELD_REMOVED", f"{owner}.{name}", "field removed")
        )
    for name in sorted(after.keys() - before.keys()):
        changes.append(Change(Severity.SAFE, "FIELD_ADDED", f"{owner}.{name}", "field added"))
    for name in sorted(before.keys() & after.keys()):
        coordinate = f"{owner}.{name}"
        old_type, new_type = str(before[name].type), str(after[name].type)
        if old_type != new_type:
            # Output position: the new type may only be stricter (String -> String!).
            stricter = typeref.is_subtype(new_type, old_type, {})
            changes.append(
                Change(
                    Severity.SAFE if stricter else Severity.BREAKING,
                    "FIELD_TYPE_CHANGED",
                    coordinate,
                    f"type changed from {old_type} to {new_type}",
                )
            )
        if after[name].deprecation_reason and not before[name].deprecation_reason:
            changes.append(
                Change(Severity.SAFE, "FIELD_DEPRECATED", coordinate, "field deprecated")
            )
        changes += _compare_inputs(coordinate, before[name].args, after[name].args, "ARGUMENT")
    return changes


def _compare_inputs(
    owner: str,
    before: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
    after: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
    what: str,
) -> list[Change]:
    label = what.lower().replace("_", " ")
    changes: list[Change] = []
    for name in sorted(before.keys() - after.keys()):
        changes.append(
            Change(Severity.BREAKING, f"{what}_REMOVED", f"{owner}.{name}", f"{label} removed")
        )
    for name in sorted(after.keys() - before.keys()):
        required = _required(after[name])
        changes.append(
            Change(
                Severity.BREAKING if required else Severity.SAFE,
                f"REQUIRED_{what}_ADDED" if required else f"OPTIONAL_{what}_ADDED",
                f"{owner}.{name}",
                f"{'required' if required else 'optional'} {label} added",
            )
        )
    for name in sorted(before.keys() & after.keys()):
        coordinate = f"{owner}.{name}"
        old_type, new_type = str(before[name].type), str(after[name].type)
        if old_type != new_type:
            # Input position: the new type may only be looser (String! -> String).
            looser = typeref.is_subtype(old_type, new_type, {})
            changes.append(
                Change(
                    Severity.SAFE if looser else Severity.BREAKING,
                    f"{what}_TYPE_CHANGED",
                    coordinate,
                    f"type changed from {old_type} to {new_type}",
                )
            )
        old_default, new_default = _default(before[name]), _default(after[name])
        if old_default != new_default:
            changes.append(
                Change(
                    Severity.DANGEROUS,
                    f"{what}_DEFAULT_CHANGED",
                    coordinate,
                    f"default changed from {old_default} to {new_default}",
                )
            )
    return changes


def has_breaking(changes: list[Change]) -> bool:
    return any(change.severity is Severity.BREAKING for change in changes)
