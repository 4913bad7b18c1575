"""An operation normalised for planning and shaping.

Fragments are expanded and `@skip`/`@include` are decided (the plan cache key holds
the condition values), so that every selection becomes, per concrete runtime type, an
ordered list of fields with merged sub-selections. Both the planner and the response
shaper work on this form only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLCompositeType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.introspection import (
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
)

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass
class OpField:
    """One field of the operation at one runtime type, sub-selections merged."""

    key: str  # response key (alias or name)
    name: str
    arguments: tuple[ArgumentNode, ...]
    type: GraphQLOutputType
    parent_type: str
    # Runtime type name -> fields, for composite types; None for leaves.
    selections: dict[str, list[OpField]] | None = None
    abstract: bool = False  # the field's named type is an interface or union
    nodes: list[FieldNode] = field(default_factory=list)

    @property
    def named_type(self) -> str:
        return get_named_type(self.type).name


def condition_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Variables that decide `@skip`/`@include` anywhere in the operation (in a stable order)."""
    found: dict[str, None] = {}

    def visit(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value in ("skip", "include"):
                    for arg in directive.arguments or ():
                        if isinstance(arg.value, VariableNode):
                            found[arg.value.name.value] = None
            if isinstance(selection, FieldNode | InlineFragmentNode):
                visit(selection.selection_set)

    visit(operation.selection_set)
    for fragment in fragments.values():
        visit(fragment.selection_set)
    return tuple(found)


class Normalizer:
    """Expands one operation against a schema, with fixed condition values."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        conditions: Mapping[str, Any],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._conditions = conditions

    def root_fields(self, operation: OperationDefinitionNode) -> list[OpField]:
        root = self._schema.get_root_type(operation.operation)
        if root is None:
            raise ValueError(f"the schema has no {operation.operation.value} type")
        return self.fields(root, [operation.selection_set])

    def fields(
        self, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> list[OpField]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(runtime, selection_set, grouped, set())
        result = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            definition = self._field_definition(runtime, name)
            op_field = OpField(
                key=key,
                name=name,
                arguments=tuple(nodes[0].arguments or ()),
                type=definition.type,
                parent_type=runtime.name,
                nodes=nodes,
            )
            named = get_named_type(definition.type)
            if name in INTROSPECTION_FIELDS:
                pass  # answered whole from the API schema, never planned or shaped
            elif isinstance(named, GraphQLCompositeType):
                sub_sets = [n.selection_set for n in nodes if n.selection_set is not None]
                op_field.abstract = isinstance(named, GraphQLAbstractType)
                op_field.selections = {
                    possible.name: self.fields(possible, sub_sets)
                    for possible in self._possible_types(named)
                }
            result.append(op_field)
        return result

    def _field_definition(self, runtime: GraphQLObjectType, name: str) -> GraphQLField:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        definition: GraphQLField = runtime.fields[name]
        return definition

    def _possible_types(self, named: GraphQLCompositeType) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        assert isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
        return list(self._schema.get_possible_types(named))

    def _included(self, directives: Iterable[DirectiveNode] | None) -> bool:
        for directive in directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value = self._condition_value(directive)
            if (name == "skip" and value) or (name == "include" and not value):
                return False
        return True

    def _condition_value(self, directive: DirectiveNode) -> bool:
        for arg in directive.arguments or ():
            if arg.name.value != "if":
                continue
            if isinstance(arg.value, BooleanValueNode):
                return arg.value.value
            if isinstance(arg.value, VariableNode):
                return bool(self._conditions.get(arg.value.name.value))
        return False

    def _applies(self, type_condition: str | None, runtime: GraphQLObjectType) -> bool:
        if type_condition is None or type_condition == runtime.name:
            return True
        condition = self._schema.get_type(type_condition)
        if isinstance(condition, GraphQLInterfaceType | GraphQLUnionType):
            return self._schema.is_sub_type(condition, runtime)
        return False

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection.directives):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else None
                )
                if self._applies(condition, runtime):
                    self._collect(runtime, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, grouped, visited)
