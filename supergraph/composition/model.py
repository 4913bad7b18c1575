"""The composer's view of a schema: plain data, independent of graphql-core's AST.

Type references are kept as their printed form (`[String!]!`), which makes them
cheap to compare and print; `typeref` has the helpers to take them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import DirectiveNode

from supergraph.sdl_kinds import TypeKind


@dataclass
class AppliedDirective:
    """A directive application; `name` is canonical for federation directives."""

    name: str
    args: dict[str, Any]
    node: DirectiveNode
    in_extension: bool = False


@dataclass
class Element:
    """Anything that carries a description and directives."""

    name: str
    description: str | None = None
    directives: list[AppliedDirective] = field(default_factory=list)

    def applied(self, name: str) -> list[AppliedDirective]:
        return [d for d in self.directives if d.name == name]

    def has(self, name: str) -> bool:
        return any(d.name == name for d in self.directives)


@dataclass
class InputValue(Element):
    type: str = ""
    default: str | None = None


@dataclass
class FieldDef(Element):
    type: str = ""
    args: dict[str, InputValue] = field(default_factory=dict)
    in_extension: bool = False


@dataclass
class EnumValueDef(Element):
    pass


@dataclass
class TypeDef(Element):
    kind: TypeKind = "object"
    fields: dict[str, FieldDef] = field(default_factory=dict)
    input_fields: dict[str, InputValue] = field(default_factory=dict)
    values: dict[str, EnumValueDef] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    has_definition: bool = False
    has_extension: bool = False


@dataclass
class CustomDirective:
    """A non-federation directive definition declared by a subgraph."""

    name: str
    locations: list[str]
    repeatable: bool
    args: dict[str, InputValue]
    description: str | None = None


@dataclass
class Subgraph:
    """One subgraph after parsing, link resolution and Federation 1 upgrade."""

    name: str
    url: str
    types: dict[str, TypeDef]
    fed2: bool
    directive_defs: dict[str, CustomDirective]
    federation_minor: int = 0
    # Directives named by @composeDirective -> URL of the @link that brought each in.
    composed_directives: dict[str, str] = field(default_factory=dict)

    def field(self, type_name: str, field_name: str) -> FieldDef | None:
        type_def = self.types.get(type_name)
        if type_def is None:
            return None
        return type_def.fields.get(field_name)
