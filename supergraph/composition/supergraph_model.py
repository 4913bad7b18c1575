"""The merged supergraph, before printing: types plus their `join__*` metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from supergraph.sdl_kinds import TypeKind


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass
class JoinField:
    graph: str | None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None


@dataclass
class MergedInputValue:
    name: str
    type: str
    default: str | None = None
    description: str | None = None
    directives: list[str] = field(default_factory=list)  # printed, e.g. '@tag(name: "x")'
    joins: list[JoinField] | None = None


@dataclass
class MergedField:
    name: str
    type: str
    args: dict[str, MergedInputValue] = field(default_factory=dict)
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    joins: list[JoinField] | None = None  # None: resolved by every graph of its type
    inaccessible: bool = False


@dataclass
class MergedEnumValue:
    name: str
    graphs: list[str]
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    inaccessible: bool = False


@dataclass
class MergedType:
    name: str
    kind: TypeKind
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    joins: list[JoinType] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    input_fields: dict[str, MergedInputValue] = field(default_factory=dict)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)
    inaccessible: bool = False


@dataclass
class Graph:
    enum_value: str
    name: str
    url: str


@dataclass
class MergedDirective:
    """A custom directive kept by @composeDirective."""

    name: str
    definition: str
    link_url: str
    link_import: str | None


@dataclass
class Supergraph:
    graphs: list[Graph]
    types: dict[str, MergedType]
    roots: dict[str, str]
    composed_directives: list[MergedDirective] = field(default_factory=list)
    executable_directives: dict[str, str] = field(default_factory=dict)  # name -> definition
    uses_tag: bool = False
    uses_inaccessible: bool = False
    used_specs: set[str] = field(default_factory=set)  # authenticated, requiresScopes, ...
