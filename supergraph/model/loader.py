"""Reading a supergraph SDL (join v0.3 to v0.5) into the in-memory model."""

from __future__ import annotations

from graphql import (
    BooleanValueNode,
    ConstDirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueNode,
    FieldDefinitionNode,
    GraphQLEnumType,
    GraphQLSchema,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    build_ast_schema,
    parse,
)

from supergraph.api_schema import build_api_schema
from supergraph.model.field_sets import parse_field_set
from supergraph.model.links import find_features
from supergraph.model.types import (
    FieldInfo,
    FieldInGraph,
    Graph,
    Key,
    Supergraph,
    TypeInfo,
    TypeInGraph,
)
from supergraph.sdl_kinds import TYPE_KINDS

JOIN_IDENTITY = "https://specs.apollo.dev/join"


class SupergraphError(ValueError):
    """The SDL is not a supergraph this router can run."""


def _args(directive: ConstDirectiveNode) -> dict[str, ValueNode]:
    return {arg.name.value: arg.value for arg in directive.arguments or ()}


def _str(args: dict[str, ValueNode], name: str) -> str | None:
    value = args.get(name)
    return value.value if isinstance(value, StringValueNode) else None


def _bool(args: dict[str, ValueNode], name: str, default: bool = False) -> bool:
    value = args.get(name)
    return value.value if isinstance(value, BooleanValueNode) else default


def _enum(args: dict[str, ValueNode], name: str) -> str | None:
    value = args.get(name)
    return value.value if isinstance(value, EnumValueNode) else None


class _Loader:
    def __init__(self, document: DocumentNode) -> None:
        features = find_features(document)
        join = features.by_identity(JOIN_IDENTITY)
        if join is None:
            raise SupergraphError("not a supergraph: no join spec is linked")
        self.join_version = join.version
        self.d_type = features.directive_name(JOIN_IDENTITY, "type")
        self.d_field = features.directive_name(JOIN_IDENTITY, "field")
        self.d_graph = features.directive_name(JOIN_IDENTITY, "graph")
        self.d_implements = features.directive_name(JOIN_IDENTITY, "implements")
        self.d_union_member = features.directive_name(JOIN_IDENTITY, "unionMember")
        self.d_enum_value = features.directive_name(JOIN_IDENTITY, "enumValue")
        self.d_owner = features.directive_name(JOIN_IDENTITY, "owner")  # join v0.1 (Fed1)
        self.graph_enum = f"{join.prefix}__Graph"
        self.features = features
        self.document = document
        self.graph_names: dict[str, str] = {}  # enum value -> subgraph name

    def load(self, sdl: str) -> Supergraph:
        graphs = self._graphs()
        types: dict[str, TypeInfo] = {}
        root_types = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
        for node in self.document.definitions:
            if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
                for op in node.operation_types or ():
                    root_types[op.operation.value] = op.type.name.value
            elif isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                if self.features.is_feature_type(node.name.value):
                    continue
                self._type(node, types)
        for info in types.values():
            self._key_fields_are_local(info)
        api_schema = build_api_schema(self.document)
        full_schema = build_ast_schema(self.document, assume_valid_sdl=True)
        root_types = {
            kind: name for kind, name in root_types.items() if api_schema.get_type(name) is not None
        }
        return Supergraph(
            sdl=sdl,
            api_schema=api_schema,
            full_schema=full_schema,
            graphs=graphs,
            types=types,
            root_types=root_types,
            enum_limits=_enum_limits(types, api_schema),
        )

    def _graphs(self) -> dict[str, Graph]:
        graphs: dict[str, Graph] = {}
        for node in self.document.definitions:
            if not isinstance(node, EnumTypeDefinitionNode) or node.name.value != self.graph_enum:
                continue
            for value in node.values or ():
                for directive in value.directives or ():
                    if directive.name.value != self.d_graph:
                        continue
                    args = _args(directive)
                    name = _str(args, "name") or value.name.value.lower()
                    graphs[name] = Graph(value.name.value, name, _str(args, "url") or "")
                    self.graph_names[value.name.value] = name
        if not graphs:
            raise SupergraphError(f"the supergraph declares no subgraphs ({self.graph_enum})")
        return graphs

    def _graph(self, args: dict[str, ValueNode]) -> str | None:
        value = _enum(args, "graph")
        return self.graph_names.get(value) if value is not None else None

    def _type(
        self, node: TypeDefinitionNode | TypeExtensionNode, types: dict[str, TypeInfo]
    ) -> None:
        name = node.name.value
        info = types.get(name)
        if info is None:
            info = types[name] = TypeInfo(name=name, kind=TYPE_KINDS[type(node)])
        for directive in node.directives or ():
            args = _args(directive)
            directive_name = directive.name.value
            graph = self._graph(args)
            if graph is None:
                continue
            if directive_name == self.d_type:
                in_graph = info.graphs.get(graph)
                if in_graph is None:
                    in_graph = info.graphs[graph] = TypeInGraph(graph=graph)
                in_graph.extension = in_graph.extension or _bool(args, "extension")
                in_graph.is_interface_object = in_graph.is_interface_object or _bool(
                    args, "isInterfaceObject"
                )
                key = _str(args, "key")
                if key is not None:
                    in_graph.keys.append(
                        Key(graph, key, parse_field_set(key), _bool(args, "resolvable", True))
                    )
            elif directive_name == self.d_owner:
                pass  # read per field (join v0.1): unannotated fields belong to the owner
            elif directive_name == self.d_implements:
                interface = _str(args, "interface")
                if interface:
                    info.implements.setdefault(graph, set()).add(interface)
            elif directive_name == self.d_union_member:
                member = _str(args, "member")
                if member:
                    info.union_members.setdefault(graph, set()).add(member)
        if not info.graphs:
            # join v0.1 (Fed1) marks neither value types nor root types with @join__type:
            # every subgraph may have them.
            info.graphs = {g: TypeInGraph(graph=g) for g in self.graph_names.values()}
        if isinstance(
            node,
            ObjectTypeDefinitionNode
            | ObjectTypeExtensionNode
            | InterfaceTypeDefinitionNode
            | InterfaceTypeExtensionNode,
        ):
            owner = self._owner(node)
            for field_node in node.fields or ():
                info.fields[field_node.name.value] = self._field(field_node, info, owner)
        if isinstance(node, EnumTypeDefinitionNode | EnumTypeExtensionNode):
            for value in node.values or ():
                graphs = {
                    g
                    for d in value.directives or ()
                    if d.name.value == self.d_enum_value
                    for g in [self._graph(_args(d))]
                    if g is not None
                }
                info.enum_values[value.name.value] = graphs or set(info.graphs)
        if (
            isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode)
            and not info.union_members
        ):
            members = {t.name.value for t in node.types or ()}
            info.union_members = {g: set(members) for g in info.graphs}

    def _owner(self, node: TypeDefinitionNode | TypeExtensionNode) -> str | None:
        for directive in node.directives or ():
            if directive.name.value == self.d_owner:
                return self._graph(_args(directive))
        return None

    def _key_fields_are_local(self, info: TypeInfo) -> None:
        """A subgraph can always return the fields of its own keys (join v0.1 marks them
        only on the owner)."""
        for in_graph in info.graphs.values():
            for key in in_graph.keys:
                for selection in key.selection.selections:
                    name = getattr(getattr(selection, "name", None), "value", None)
                    field = info.fields.get(name) if name else None
                    if field is not None and in_graph.graph not in field.graphs:
                        field.graphs[in_graph.graph] = FieldInGraph(graph=in_graph.graph)

    def _field(
        self, node: FieldDefinitionNode, owner: TypeInfo, owner_graph: str | None = None
    ) -> FieldInfo:
        info = FieldInfo(name=node.name.value)
        join_fields = [d for d in node.directives or () if d.name.value == self.d_field]
        if not join_fields:
            for graph in [owner_graph] if owner_graph else owner.graphs:
                info.graphs[graph] = FieldInGraph(graph=graph)
            return info
        for directive in join_fields:
            args = _args(directive)
            named_graph = self._graph(args)
            if named_graph is None:
                # `@join__field` without a graph: no subgraph defines the field on this
                # type; it comes through an @interfaceObject of one of its interfaces.
                continue
            targets = [named_graph]
            requires = _str(args, "requires")
            provides = _str(args, "provides")
            for target in targets:
                info.graphs[target] = FieldInGraph(
                    graph=target,
                    requires=parse_field_set(requires) if requires else None,
                    provides=parse_field_set(provides) if provides else None,
                    external=_bool(args, "external"),
                    override=_str(args, "override"),
                    override_label=_str(args, "overrideLabel"),
                    used_overridden=_bool(args, "usedOverridden"),
                    type=_str(args, "type"),
                )
        return info


def load_supergraph(sdl: str) -> Supergraph:
    """Parse a supergraph SDL into the model the planner uses."""
    return _Loader(parse(sdl, no_location=True)).load(sdl)


def _enum_limits(
    types: dict[str, TypeInfo], api_schema: GraphQLSchema
) -> dict[str, frozenset[str]]:
    """API values of each enum that has values outside the API schema."""
    limits: dict[str, frozenset[str]] = {}
    for name, info in types.items():
        api_type = api_schema.get_type(name)
        if info.kind == "enum" and isinstance(api_type, GraphQLEnumType):
            visible = frozenset(api_type.values)
            if not visible.issuperset(info.enum_values):
                limits[name] = visible
    return limits
