"""Introspection as the released GraphQL spec (October 2021) defines it.

graphql-core 3.3 introspects with a newer spec draft: `includeDeprecated:
Boolean!` arguments, `__Schema.directives(includeDeprecated:)`,
`__Directive.isDeprecated`/`deprecationReason`, and the directive locations
FRAGMENT_VARIABLE_DEFINITION and DIRECTIVE_DEFINITION. Clients and every other
federation gateway (graphql-js 16) expect the released spec, so the API schema
answers `__schema` and `__type` with the meta-types built here: graphql-core's
own resolvers, in the released spec's shape.

Pinning graphql-core below 3.3 is no option: the project relies on 3.3's
frozen-dataclass AST nodes (`dataclasses.replace` on documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DirectiveLocation,
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLCompositeType,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    introspection_types,
)

# Draft-only parts of graphql-core's meta-types.
_DRAFT_FIELDS = {"__Directive": ("isDeprecated", "deprecationReason")}
_DRAFT_ARGUMENTS = {("__Schema", "directives"): ("includeDeprecated",)}
_DRAFT_LOCATIONS = (
    DirectiveLocation.FRAGMENT_VARIABLE_DEFINITION,
    DirectiveLocation.DIRECTIVE_DEFINITION,
)
# Descriptions as graphql-js 16 words them, where graphql-core's differ.
_FIELD_DESCRIPTIONS = {
    ("__Schema", "subscriptionType"): "If this server support subscription, the type that"
    " subscription operations will be rooted at.",
}
_LOCATION_DESCRIPTIONS = {
    DirectiveLocation.VARIABLE_DEFINITION: "Location adjacent to a variable definition.",
}


class _MetaObjectType(GraphQLObjectType):
    # graphql-core refuses new types named like its own introspection types.
    reserved_types: Mapping[str, GraphQLNamedType] = {}


class _MetaEnumType(GraphQLEnumType):
    reserved_types: Mapping[str, GraphQLNamedType] = {}


def _build_meta_types() -> dict[str, GraphQLNamedType]:
    meta: dict[str, GraphQLNamedType] = {}

    def ours(type_: GraphQLType) -> Any:
        """The same type, with graphql-core's meta-types swapped for ours."""
        if isinstance(type_, GraphQLNonNull):
            return GraphQLNonNull(ours(type_.of_type))
        if isinstance(type_, GraphQLList):
            return GraphQLList(ours(type_.of_type))
        if isinstance(type_, GraphQLNamedType):
            return meta.get(type_.name, type_)
        return type_

    def argument(name: str, core: GraphQLArgument) -> Any:
        if name == "includeDeprecated":
            # Released spec: `includeDeprecated: Boolean = false`; graphql-core's
            # resolvers read a null like false.
            return GraphQLArgument(GraphQLBoolean, default_value=False)
        return GraphQLArgument(ours(core.type), description=core.description)

    def fields(type_name: str) -> Any:
        core = introspection_types[type_name]
        assert isinstance(core, GraphQLObjectType)

        def thunk() -> dict[str, GraphQLField]:
            dropped = _DRAFT_FIELDS.get(type_name, ())
            result: dict[str, GraphQLField] = {}
            for field_name, field in core.fields.items():
                if field_name in dropped:
                    continue
                draft_arguments = _DRAFT_ARGUMENTS.get((type_name, field_name), ())
                result[field_name] = GraphQLField(
                    ours(field.type),
                    args={
                        name: argument(name, arg)
                        for name, arg in field.args.items()
                        if name not in draft_arguments
                    },
                    resolve=field.resolve,
                    description=_FIELD_DESCRIPTIONS.get((type_name, field_name), field.description),
                    deprecation_reason=field.deprecation_reason,
                )
            return result

        return thunk

    locations = introspection_types["__DirectiveLocation"]
    assert isinstance(locations, GraphQLEnumType)
    meta["__DirectiveLocation"] = _MetaEnumType(
        name=locations.name,
        description=locations.description,
        values={
            name: GraphQLEnumValue(
                value.value,
                description=_LOCATION_DESCRIPTIONS.get(value.value, value.description),
            )
            for name, value in locations.values.items()
            if value.value not in _DRAFT_LOCATIONS
        },
    )
    for name, core in introspection_types.items():
        if isinstance(core, GraphQLObjectType):
            meta[name] = _MetaObjectType(name, fields(name), description=core.description)
        else:
            meta.setdefault(name, core)  # __TypeKind is the same in both
    return meta


META_TYPES = _build_meta_types()
_SCHEMA_FIELD = GraphQLField(
    GraphQLNonNull(META_TYPES["__Schema"]),  # type: ignore[arg-type]
    resolve=SchemaMetaFieldDef.resolve,
    description=SchemaMetaFieldDef.description,
)
_TYPE_FIELD = GraphQLField(
    META_TYPES["__Type"],  # type: ignore[arg-type]
    args=TypeMetaFieldDef.args,
    resolve=TypeMetaFieldDef.resolve,
    description=TypeMetaFieldDef.description,
)


class ReleasedSpecSchema(GraphQLSchema):
    """A schema whose introspection (validation and execution) uses the released
    spec's meta-types."""

    def __init__(self, **kwargs: Any) -> None:
        types = kwargs.get("types")
        if types is not None:
            kwargs["types"] = [t for t in types if t.name not in META_TYPES]
        super().__init__(**kwargs)
        # graphql-core always adds its own meta-types; fragments on `__Type` and
        # `__type(name: "__Schema")` must find ours.
        self.type_map.update(META_TYPES)

    def get_field(self, parent_type: GraphQLCompositeType, field_name: str) -> GraphQLField | None:
        if field_name == "__schema":
            return _SCHEMA_FIELD if parent_type is self.query_type else None
        if field_name == "__type":
            return _TYPE_FIELD if parent_type is self.query_type else None
        return super().get_field(parent_type, field_name)


def with_released_introspection(schema: GraphQLSchema) -> ReleasedSpecSchema:
    """The same schema, introspected as the released spec says."""
    return ReleasedSpecSchema(**schema.to_kwargs())
