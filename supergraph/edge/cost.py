"""Static cost of an operation from `@cost` and `@listSize`, checked before planning.

The model follows Apollo's demand control: a field returning an object costs 1,
a leaf 0, unless `@cost(weight:)` on the field or its type says otherwise; a
list multiplies what it holds by its expected size: the value of a slicing
argument (`@listSize(slicingArguments:)`), else `@listSize(assumedSize:)`, else
the configured default. `sizedFields` moves that size to the named child fields
(connections: `edges`, `nodes`). Each mutation root field adds 10. Fragments on
several types add up, which is an upper bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from supergraph.edge.spec_directives import AppliedDirectives

MUTATION_COST = 10


class CostModel:
    def __init__(self, directives: AppliedDirectives, default_list_size: int) -> None:
        self.directives = directives
        self.default_list_size = default_list_size

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> int:
        root = schema.get_root_type(operation.operation)
        if root is None:
            return 0
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        walk = _Walk(self, schema, fragments, variables)
        total = walk.selection_set(operation.selection_set, root, None)
        if operation.operation == OperationType.MUTATION:
            total += MUTATION_COST * walk.root_fields(operation.selection_set)
        return total


class _Walk:
    def __init__(
        self,
        model: CostModel,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.model = model
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection_set(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        sized: dict[str, int] | None,
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, sized)
            elif isinstance(selection, InlineFragmentNode | FragmentSpreadNode):
                if isinstance(selection, FragmentSpreadNode):
                    fragment: InlineFragmentNode | FragmentDefinitionNode = self.fragments[
                        selection.name.value
                    ]
                else:
                    fragment = selection
                condition = fragment.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    total += self.selection_set(fragment.selection_set, inner, sized)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, sized: dict[str, int] | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields[name]
        returns = get_named_type(definition.type)
        applied = self.model.directives.on_fields.get((parent.name, name), {})
        of_type = self.model.directives.on_types.get(returns.name, {})
        weight_source = applied.get("cost") or of_type.get("cost")
        if weight_source is not None:
            weight = int(weight_source.get("weight", 0))
        else:
            weight = 0 if is_leaf_type(returns) else 1
        size = self._size(node, definition.args, applied.get("listSize"))
        children = 0
        child_sizes: dict[str, int] | None = None
        list_size = applied.get("listSize") or {}
        if list_size.get("sizedFields"):
            child_sizes = {str(f): size for f in list_size["sizedFields"]}
        if node.selection_set is not None:
            children = self.selection_set(node.selection_set, returns, child_sizes)
        own = weight + children
        if sized is not None and name in sized:
            return sized[name] * own
        if _is_list(definition.type) and not child_sizes:
            return size * own
        return own

    def _size(
        self,
        node: FieldNode,
        arguments: Mapping[str, GraphQLArgument],
        list_size: dict[str, Any] | None,
    ) -> int:
        if list_size:
            slicing = [str(a) for a in list_size.get("slicingArguments") or []]
            values = [self._argument(node, arguments, a) for a in slicing]
            given = [v for v in values if v is not None]
            if given:
                return max(given)
            if list_size.get("assumedSize") is not None:
                return int(list_size["assumedSize"])
        return self.model.default_list_size

    def _argument(
        self, node: FieldNode, arguments: Mapping[str, GraphQLArgument], name: str
    ) -> int | None:
        """The argument's value in the operation, else its default in the schema."""
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                if isinstance(found, int):
                    return found
            break
        definition = arguments.get(name)
        if definition is None:
            return None
        default = definition.default_value
        if not isinstance(default, int) and definition.ast_node is not None:
            # Built from SDL, the default is only in the definition's AST.
            literal = definition.ast_node.default_value
            default = int(literal.value) if isinstance(literal, IntValueNode) else None
        return default if isinstance(default, int) else None

    def root_fields(self, selection_set: SelectionSetNode) -> int:
        return sum(1 for s in selection_set.selections if isinstance(s, FieldNode))


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)
