"""The in-memory supergraph: which subgraph defines and resolves what."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLInterfaceType, GraphQLSchema, GraphQLUnionType, SelectionSetNode


@dataclass(frozen=True)
class Graph:
    """One subgraph: its `join__Graph` enum value, name and routing URL."""

    enum_value: str
    name: str
    url: str


@dataclass(frozen=True)
class Key:
    """One `@key` of a type in one subgraph."""

    graph: str
    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass
class TypeInGraph:
    """How one subgraph declares a type (`@join__type`)."""

    graph: str
    keys: list[Key] = field(default_factory=list)
    extension: bool = False
    is_interface_object: bool = False


@dataclass(frozen=True)
class FieldInGraph:
    """How one subgraph declares a field (`@join__field`, or implied by `@join__type`)."""

    graph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    type: str | None = None

    @property
    def resolvable(self) -> bool:
        """The subgraph itself can resolve the field (not external, not overridden away)."""
        return not self.external and not self.used_overridden


@dataclass
class FieldInfo:
    """A field of an object or interface type and the subgraphs that know it."""

    name: str
    graphs: dict[str, FieldInGraph] = field(default_factory=dict)

    def resolving_graphs(self) -> list[str]:
        return [g for g, info in self.graphs.items() if info.resolvable]


@dataclass
class TypeInfo:
    """A named type of the supergraph."""

    name: str
    kind: str  # object | interface | union | enum | input | scalar
    graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    implements: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces
    union_members: dict[str, set[str]] = field(default_factory=dict)  # graph -> members
    enum_values: dict[str, set[str]] = field(default_factory=dict)  # value -> graphs

    def keys_in(self, graph: str) -> list[Key]:
        info = self.graphs.get(graph)
        return info.keys if info is not None else []


@dataclass
class Supergraph:
    """Everything the planner and executor need to know about a supergraph."""

    sdl: str
    api_schema: GraphQLSchema  # what clients see and operations are validated against
    full_schema: GraphQLSchema  # every type and field, inaccessible ones too (for planning)
    graphs: dict[str, Graph]  # by subgraph name
    types: dict[str, TypeInfo]
    root_types: dict[str, str]  # operation kind ("query", ...) -> type name
    # Enum name -> its values in the API schema, for the enums where a subgraph may
    # return a value clients cannot see (an @inaccessible value): such a value in a
    # response is a field error, so the response shaper checks these enums only.
    enum_limits: dict[str, frozenset[str]] = field(default_factory=dict)

    def type(self, name: str) -> TypeInfo:
        return self.types[name]

    def field(self, type_name: str, field_name: str) -> FieldInfo | None:
        info = self.types.get(type_name)
        return info.fields.get(field_name) if info is not None else None

    def graph_defines_type(self, graph: str, type_name: str) -> bool:
        info = self.types.get(type_name)
        return info is not None and graph in info.graphs

    def resolves(self, graph: str, type_name: str, field_name: str) -> bool:
        """The subgraph can resolve this field of this type without help."""
        info = self.field(type_name, field_name)
        if info is None:
            return False
        in_graph = info.graphs.get(graph)
        return in_graph is not None and in_graph.resolvable

    def is_interface_object(self, graph: str, type_name: str) -> bool:
        info = self.types.get(type_name)
        in_graph = info.graphs.get(graph) if info is not None else None
        return in_graph is not None and in_graph.is_interface_object

    def interfaces_of(self, type_name: str) -> list[str]:
        found = self.full_schema.get_type(type_name)
        return [i.name for i in getattr(found, "interfaces", ())]

    def possible_types_in(self, graph: str, abstract: str) -> list[str]:
        """Concrete types a subgraph may return for an interface or union."""
        info = self.types[abstract]
        result: list[str] = []
        if info.kind == "union":
            members = info.union_members.get(graph)
            if members is None:
                return result
            return [m for m in self._api_possible(abstract) if m in members]
        for concrete in self._api_possible(abstract):
            concrete_info = self.types.get(concrete)
            if concrete_info is None or graph not in concrete_info.graphs:
                continue
            if abstract in concrete_info.implements.get(graph, set()):
                result.append(concrete)
        return result

    def _api_possible(self, abstract: str) -> list[str]:
        api_type = self.api_schema.get_type(abstract)
        if isinstance(api_type, GraphQLInterfaceType | GraphQLUnionType):
            return [t.name for t in self.api_schema.get_possible_types(api_type)]
        return []
