"""Operation limits measured on the parsed document, before validation and planning.

Everything is measured on the operation as it would execute, with fragments
expanded; each fragment is measured once and reused, so a "fragment bomb" (each
fragment spreading the next twice) is counted at its expanded size without ever
being expanded. Fragment cycles are found first: nothing else can be measured
on a document that contains one.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from supergraph.edge.settings import LimitSettings

INTROSPECTION_ROOTS = ("__schema", "__type")


@dataclass(frozen=True)
class LimitViolation:
    code: str
    message: str


TOO_DEEP = LimitViolation("MAX_DEPTH_EXCEEDED", "The operation is nested too deeply to be read.")


@dataclass
class _Measure:
    depth: int = 0  # deepest field nesting (1 for `{ a }`)
    fields: int = 0
    aliases: int = 0
    introspection_depth: int = 0
    introspection: bool = False
    directives: int = 0  # most directives on one field

    def add(self, other: _Measure, extra_depth: int = 0) -> None:
        self.depth = max(self.depth, other.depth + extra_depth)
        self.fields += other.fields
        self.aliases += other.aliases
        self.introspection_depth = max(self.introspection_depth, other.introspection_depth)
        self.introspection = self.introspection or other.introspection
        self.directives = max(self.directives, other.directives)


def check_limits(document: DocumentNode, limits: LimitSettings) -> list[LimitViolation]:
    """Every limit the document breaks (empty when it is within all of them)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cycle = _fragment_cycle(fragments)
    if cycle is not None:
        return [
            LimitViolation(
                "GRAPHQL_VALIDATION_FAILED",
                f'Cannot spread fragment "{cycle[0]}" within itself via '
                f"{', '.join(repr(n) for n in cycle[1:])}.",
            )
        ]
    measurer = _Measurer(fragments)
    violations: list[LimitViolation] = []
    try:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                violations.extend(_operation_violations(definition, measurer, limits))
    except RecursionError:
        return [TOO_DEEP]
    unique: list[LimitViolation] = []
    for violation in violations:
        if violation not in unique:
            unique.append(violation)
    return unique


def _operation_violations(
    operation: OperationDefinitionNode, measurer: _Measurer, limits: LimitSettings
) -> list[LimitViolation]:
    measure = measurer.selection_set(operation.selection_set, inside_introspection=False)
    root_fields = measurer.root_field_count(operation.selection_set)
    name = f'Operation "{operation.name.value}"' if operation.name else "The operation"
    found: list[LimitViolation] = []

    def over(code: str, what: str, value: int, limit: int) -> None:
        if value > limit:
            found.append(LimitViolation(code, f"{name} {what} {value}, over the limit of {limit}."))

    over("MAX_DEPTH_EXCEEDED", "is nested", measure.depth, limits.max_depth)
    over("MAX_ALIASES_EXCEEDED", "uses aliases", measure.aliases, limits.max_aliases)
    over("MAX_ROOT_FIELDS_EXCEEDED", "selects root fields", root_fields, limits.max_root_fields)
    over("MAX_FIELDS_EXCEEDED", "selects fields", measure.fields, limits.max_fields)
    over(
        "MAX_DIRECTIVES_EXCEEDED",
        "puts on one field directives",
        measure.directives,
        limits.max_directives_per_field,
    )
    if measure.introspection and not limits.introspection:
        found.append(
            LimitViolation("INTROSPECTION_DISABLED", "Introspection is disabled on this gateway.")
        )
    over(
        "MAX_INTROSPECTION_DEPTH_EXCEEDED",
        "nests introspection",
        measure.introspection_depth,
        limits.max_introspection_depth,
    )
    return found


class _Measurer:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self._memo: dict[tuple[str, bool], _Measure] = {}
        self._roots: dict[str, int] = {}

    def selection_set(
        self, selection_set: SelectionSetNode, *, inside_introspection: bool
    ) -> _Measure:
        total = _Measure()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total.add(self.field(selection, inside_introspection))
            elif isinstance(selection, InlineFragmentNode):
                total.add(
                    self.selection_set(
                        selection.selection_set, inside_introspection=inside_introspection
                    )
                )
            elif isinstance(selection, FragmentSpreadNode):
                total.add(self.fragment(selection.name.value, inside_introspection))
        return total

    def field(self, field: FieldNode, inside_introspection: bool) -> _Measure:
        introspection = inside_introspection or field.name.value in INTROSPECTION_ROOTS
        measure = _Measure(
            fields=1,
            aliases=1 if field.alias is not None else 0,
            directives=len(field.directives or ()),
            introspection=field.name.value in INTROSPECTION_ROOTS,
        )
        if field.selection_set is not None:
            measure.add(self.selection_set(field.selection_set, inside_introspection=introspection))
        measure.depth += 1
        if introspection:
            measure.introspection_depth = max(measure.introspection_depth, measure.depth)
        return measure

    def fragment(self, name: str, inside_introspection: bool) -> _Measure:
        key = (name, inside_introspection)
        cached = self._memo.get(key)
        if cached is None:
            definition = self.fragments.get(name)
            cached = (
                self.selection_set(
                    definition.selection_set, inside_introspection=inside_introspection
                )
                if definition is not None
                else _Measure()
            )
            self._memo[key] = cached
        copy = _Measure()
        copy.add(cached)
        return copy

    def root_field_count(self, selection_set: SelectionSetNode) -> int:
        count = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self.root_field_count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in self._roots:
                    definition = self.fragments.get(name)
                    self._roots[name] = (
                        self.root_field_count(definition.selection_set) if definition else 0
                    )
                count += self._roots[name]
        return count


def _fragment_cycle(fragments: dict[str, FragmentDefinitionNode]) -> list[str] | None:
    """The first cycle of fragment spreads found, as [start, ..., start], or None."""
    spreads = {name: _spreads(d.selection_set) for name, d in fragments.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in spreads.get(name, ()):
            if target not in spreads:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if state.get(target) is None:
                found = visit(target, path)
                if found is not None:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in spreads:
        if state.get(name) is None:
            found = visit(name, [])
            if found is not None:
                return found
    return None


def _spreads(selection_set: SelectionSetNode) -> list[str]:
    names: list[str] = []
    stack = [selection_set]
    while stack:
        current = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append(selection.selection_set)
    return names
