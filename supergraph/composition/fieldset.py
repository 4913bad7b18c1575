"""Field sets (`@key(fields:)`, `@requires`, `@provides`): parsing and walking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from supergraph.composition import typeref
from supergraph.composition.model import FieldDef, Subgraph


@dataclass
class Selection:
    """A field of a field set, or an inline fragment when `type_condition` is set."""

    name: str
    has_arguments: bool = False
    has_directives: bool = False
    type_condition: str | None = None
    children: list[Selection] | None = None


@dataclass
class Target:
    """A selected field resolved against a subgraph's types."""

    parent: str
    selection: Selection
    definition: FieldDef | None
    depth: int
    children: list[Target] = field(default_factory=list)


class FieldSetSyntaxError(ValueError):
    pass


def parse_field_set(text: str) -> list[Selection]:
    try:
        document = parse("{" + text + "}")
    except GraphQLError as error:
        raise FieldSetSyntaxError(error.message) from error
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return _selections(operation.selection_set)


def _selections(node: SelectionSetNode | None) -> list[Selection]:
    result: list[Selection] = []
    for selection in node.selections if node else ():
        if isinstance(selection, FieldNode):
            result.append(
                Selection(
                    name=selection.name.value,
                    has_arguments=bool(selection.arguments),
                    has_directives=bool(selection.directives),
                    children=_selections(selection.selection_set)
                    if selection.selection_set
                    else None,
                )
            )
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            result.append(
                Selection(
                    name="...",
                    type_condition=condition,
                    children=_selections(selection.selection_set),
                )
            )
        else:
            raise FieldSetSyntaxError("named fragments are not allowed in field sets")
    return result


def normalize(text: str) -> str:
    """A canonical spelling of a field set, for comparisons."""
    try:
        document = parse("{" + text + "}")
    except GraphQLError:
        return text
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    printed = print_ast(operation.selection_set)
    return " ".join(printed.replace("\n", " ").split())[2:-2]


def resolve(
    subgraph: Subgraph, parent: str, selections: list[Selection], depth: int = 0
) -> Iterator[Target | str]:
    """Walk selections against the subgraph; yields targets or error messages."""
    type_def = subgraph.types.get(parent)
    for selection in selections:
        if selection.type_condition is not None or selection.name == "...":
            condition = selection.type_condition or parent
            if condition not in subgraph.types:
                yield f'Unknown type "{condition}"'
                continue
            yield from resolve(subgraph, condition, selection.children or [], depth)
            continue
        definition = type_def.fields.get(selection.name) if type_def else None
        if definition is None and selection.name == "__typename":
            continue
        target = Target(parent, selection, definition, depth)
        if definition is None:
            yield f'Cannot query field "{selection.name}" on type "{parent}"'
            continue
        child_type = subgraph.types.get(typeref.named(definition.type))
        composite = child_type is not None and child_type.kind in ("object", "interface", "union")
        if composite and selection.children is None:
            yield (
                f'Field "{parent}.{selection.name}" of type "{definition.type}" must have '
                "a selection of subfields"
            )
            continue
        if not composite and selection.children is not None:
            yield (
                f'Field "{parent}.{selection.name}" must not have a selection since type '
                f'"{definition.type}" has no subfields'
            )
            continue
        yield target
        if composite and selection.children is not None:
            yield from resolve(
                subgraph, typeref.named(definition.type), selection.children, depth + 1
            )


def targets(subgraph: Subgraph, parent: str, text: str) -> tuple[list[Target], list[str]]:
    """All fields a field set selects (at any depth) and the problems found."""
    try:
        selections = parse_field_set(text)
    except FieldSetSyntaxError as error:
        return [], [str(error)]
    found: list[Target] = []
    problems: list[str] = []
    for item in resolve(subgraph, parent, selections):
        if isinstance(item, str):
            problems.append(item)
        else:
            found.append(item)
    return found, problems
