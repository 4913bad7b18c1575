"""The client-facing (API) schema of a supergraph.

Clients never see federation machinery: every element of a linked feature (join,
link, inaccessible, tag, ...) is dropped, as is everything marked `@inaccessible`.
Other directives stay, as in Apollo's `toAPISchema`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

from graphql import (
    DEFAULT_DEPRECATION_REASON,
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveLocation,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLArgument,
    GraphQLDeprecatedDirective,
    GraphQLDirective,
    GraphQLSchema,
    GraphQLString,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    parse,
    print_schema,
)

from supergraph.model.links import FeatureNames, find_features
from supergraph.model.released_introspection import with_released_introspection

INACCESSIBLE_IDENTITY = "https://specs.apollo.dev/inaccessible"
_CUSTOM_DIRECTIVES_APOLLO_DROPS = ("defer", "stream")

_Node = TypeVar("_Node")

# graphql-core 3.3 follows a newer spec draft that also allows @deprecated on directive
# definitions and makes its reason non-null; introspection must show the released
# spec's @deprecated, as graphql-js (and so every other federation gateway) does.
_CORE_REASON = GraphQLDeprecatedDirective.args["reason"]
_DEPRECATED_AS_IN_GRAPHQL_JS = GraphQLDirective(
    name=GraphQLDeprecatedDirective.name,
    locations=[
        loc
        for loc in GraphQLDeprecatedDirective.locations
        if loc is not DirectiveLocation.DIRECTIVE_DEFINITION
    ],
    args={
        "reason": GraphQLArgument(
            GraphQLString,
            default_value=DEFAULT_DEPRECATION_REASON,
            description=_CORE_REASON.description,
        )
    },
    description=GraphQLDeprecatedDirective.description,
)


def api_document(supergraph_sdl: str | DocumentNode) -> DocumentNode:
    """The API schema's SDL as a document (feature and inaccessible elements removed)."""
    document = parse(supergraph_sdl) if isinstance(supergraph_sdl, str) else supergraph_sdl
    features = find_features(document)
    inaccessible = features.directive_name(INACCESSIBLE_IDENTITY, "inaccessible")
    if not features.features:
        # Fed1 supergraphs without any link still mark inaccessible as @inaccessible.
        inaccessible = "inaccessible"
    return _ApiFilter(features, inaccessible).document(document)


def build_api_schema(supergraph_sdl: str | DocumentNode) -> GraphQLSchema:
    """Build the schema clients query, from any Fed2 (or Fed1 `@core`) supergraph."""
    schema = build_ast_schema(api_document(supergraph_sdl), assume_valid_sdl=True)
    schema.directives = tuple(
        _DEPRECATED_AS_IN_GRAPHQL_JS if d is GraphQLDeprecatedDirective else d
        for d in schema.directives
    )
    return with_released_introspection(schema)


def print_api_schema(supergraph_sdl: str | DocumentNode) -> str:
    """The API schema as SDL, printed like graphql-js `printSchema`."""
    return print_schema(build_api_schema(supergraph_sdl))


class _ApiFilter:
    """One pass over a supergraph document that keeps only API elements."""

    def __init__(self, features: FeatureNames, inaccessible: str | None) -> None:
        self._features = features
        self._inaccessible = inaccessible
        self._removed_types: set[str] = set()

    def document(self, document: DocumentNode) -> DocumentNode:
        self._removed_types = {
            node.name.value
            for node in document.definitions
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode)
            and (
                self._features.is_feature_type(node.name.value)
                or self._is_inaccessible(node.directives)
            )
        }
        kept: list[DefinitionNode] = []
        for node in document.definitions:
            filtered = self._definition(node)
            if filtered is not None:
                kept.append(filtered)
        return dataclasses.replace(document, definitions=tuple(kept))

    def _is_inaccessible(self, directives: Iterable[ConstDirectiveNode] | None) -> bool:
        if self._inaccessible is None:
            return False
        return any(d.name.value == self._inaccessible for d in directives or ())

    def _directives(
        self, directives: Iterable[ConstDirectiveNode] | None
    ) -> tuple[ConstDirectiveNode, ...]:
        return tuple(
            d for d in directives or () if not self._features.is_feature_directive(d.name.value)
        )

    def _definition(self, node: DefinitionNode) -> DefinitionNode | None:
        if isinstance(node, DirectiveDefinitionNode):
            name = node.name.value
            if self._features.is_feature_directive(name) or name in _CUSTOM_DIRECTIVES_APOLLO_DROPS:
                return None
            return node
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            return dataclasses.replace(
                node,
                directives=self._directives(node.directives),
                operation_types=tuple(
                    op
                    for op in node.operation_types or ()
                    if op.type.name.value not in self._removed_types
                ),
            )
        if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
            if node.name.value in self._removed_types:
                return None
            return self._type(node)
        return node

    def _type(self, node: TypeDefinitionNode | TypeExtensionNode) -> DefinitionNode:
        changes: dict[str, Any] = {"directives": self._directives(node.directives)}
        if isinstance(
            node,
            ObjectTypeDefinitionNode
            | ObjectTypeExtensionNode
            | InterfaceTypeDefinitionNode
            | InterfaceTypeExtensionNode,
        ):
            changes["fields"] = self._fields(node.fields)
            changes["interfaces"] = self._named(node.interfaces)
        elif isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode):
            changes["types"] = self._named(node.types)
        elif isinstance(node, EnumTypeDefinitionNode | EnumTypeExtensionNode):
            changes["values"] = tuple(
                self._with_directives(v)
                for v in node.values or ()
                if not self._is_inaccessible(v.directives)
            )
        elif isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            changes["fields"] = self._input_values(node.fields)
        return dataclasses.replace(node, **changes)

    def _named(self, names: Iterable[NamedTypeNode] | None) -> tuple[NamedTypeNode, ...]:
        return tuple(n for n in names or () if n.name.value not in self._removed_types)

    def _fields(
        self, fields: Iterable[FieldDefinitionNode] | None
    ) -> tuple[FieldDefinitionNode, ...]:
        kept = []
        for field in fields or ():
            if self._is_inaccessible(field.directives):
                continue
            kept.append(
                dataclasses.replace(
                    field,
                    directives=self._directives(field.directives),
                    arguments=self._input_values(field.arguments),
                )
            )
        return tuple(kept)

    def _input_values(
        self, values: Iterable[InputValueDefinitionNode] | None
    ) -> tuple[InputValueDefinitionNode, ...]:
        return tuple(
            self._with_directives(v)
            for v in values or ()
            if not self._is_inaccessible(v.directives)
        )

    def _with_directives(self, node: _Node) -> _Node:
        return dataclasses.replace(node, directives=self._directives(node.directives))  # type: ignore[type-var, attr-defined]
