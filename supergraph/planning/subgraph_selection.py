"""The selection sets of subgraph queries, built up while planning, then printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ArgumentNode, VariableNode, print_ast
from graphql.language import Visitor, visit


class SelectionConflict(Exception):
    """Two selections use one response key for different fields or arguments."""


@dataclass
class QField:
    key: str
    name: str
    arguments: tuple[ArgumentNode, ...] = ()
    selection: QSelection | None = None

    def signature(self) -> tuple[str, str]:
        return self.name, "".join(print_ast(a) for a in self.arguments)


@dataclass
class QSelection:
    """Fields by response key, plus inline fragments by type condition."""

    fields: dict[str, QField] = field(default_factory=dict)
    fragments: dict[str, QSelection] = field(default_factory=dict)
    # Response keys the client's operation uses here, with the field they stand for:
    # the router's own fields (keys, @requires inputs) must not take them.
    reserved: dict[str, tuple[str, str]] = field(default_factory=dict)

    def reserve(self, key: str, name: str, arguments: tuple[ArgumentNode, ...]) -> None:
        self.reserved.setdefault(key, (name, _printed(arguments)))

    def taken_by_other(self, key: str, name: str, arguments: tuple[ArgumentNode, ...]) -> bool:
        """Whether `key` already means another field (or other arguments) here."""
        wanted = (name, _printed(arguments))
        reserved = self.reserved.get(key)
        if reserved is not None and reserved != wanted:
            return True
        existing = self.fields.get(key)
        return existing is not None and existing.signature() != wanted

    def add_field(
        self, key: str, name: str, arguments: tuple[ArgumentNode, ...], composite: bool
    ) -> QField:
        existing = self.fields.get(key)
        if existing is not None:
            if existing.name != name or existing.signature() != (
                name,
                "".join(print_ast(a) for a in arguments),
            ):
                raise SelectionConflict(f"response key {key!r} used for two different fields")
            return existing
        created = QField(key, name, arguments, QSelection() if composite else None)
        self.fields[key] = created
        return created

    def add_typename(self) -> None:
        if "__typename" not in self.fields:
            self.fields["__typename"] = QField("__typename", "__typename")

    def fragment(self, type_name: str) -> QSelection:
        found = self.fragments.get(type_name)
        if found is None:
            found = self.fragments[type_name] = QSelection()
        return found

    def merge(self, other: QSelection) -> None:
        """Add another selection into this one (raises SelectionConflict)."""
        for key, other_field in other.fields.items():
            mine = self.fields.get(key)
            if mine is None:
                self.fields[key] = _copy_field(other_field)
                continue
            if mine.signature() != other_field.signature():
                raise SelectionConflict(f"response key {key!r} used for two different fields")
            if mine.selection is not None and other_field.selection is not None:
                mine.selection.merge(other_field.selection)
        for type_name, other_fragment in other.fragments.items():
            self.fragment(type_name).merge(other_fragment)

    def can_merge(self, other: QSelection) -> bool:
        for key, other_field in other.fields.items():
            mine = self.fields.get(key)
            if mine is None:
                continue
            if mine.signature() != other_field.signature():
                return False
            if (
                mine.selection is not None
                and other_field.selection is not None
                and not mine.selection.can_merge(other_field.selection)
            ):
                return False
        for type_name, other_fragment in other.fragments.items():
            mine_fragment = self.fragments.get(type_name)
            if mine_fragment is not None and not mine_fragment.can_merge(other_fragment):
                return False
        return True

    def print(self) -> str:
        parts: list[str] = []
        for qfield in self.fields.values():
            text = qfield.name if qfield.key == qfield.name else f"{qfield.key}:{qfield.name}"
            if qfield.arguments:
                text += "(" + ",".join(print_ast(a) for a in qfield.arguments) + ")"
            if qfield.selection is not None:
                text += (
                    qfield.selection.print()
                    if not qfield.selection.is_empty()
                    else ("{__typename}")
                )
            parts.append(text)
        for type_name, fragment in self.fragments.items():
            if not fragment.is_empty():
                parts.append(f"...on {type_name}{fragment.print()}")
        return "{" + " ".join(parts) + "}"

    def is_empty(self) -> bool:
        """Selects nothing (a type condition nothing was planned under)."""
        return not self.fields and all(f.is_empty() for f in self.fragments.values())

    def variables(self) -> set[str]:
        """Names of the operation variables used in arguments anywhere in this selection."""
        names: set[str] = set()
        collector = _VariableCollector(names)
        for qfield in self.fields.values():
            for arg in qfield.arguments:
                visit(arg, collector)
            if qfield.selection is not None:
                names |= qfield.selection.variables()
        for fragment in self.fragments.values():
            names |= fragment.variables()
        return names


def _printed(arguments: tuple[ArgumentNode, ...]) -> str:
    return "".join(print_ast(a) for a in arguments)


def _copy_field(source: QField) -> QField:
    copied = QField(source.key, source.name, source.arguments, None)
    if source.selection is not None:
        copied.selection = QSelection()
        copied.selection.merge(source.selection)
    return copied


class _VariableCollector(Visitor):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self._names = names

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self._names.add(node.name.value)
