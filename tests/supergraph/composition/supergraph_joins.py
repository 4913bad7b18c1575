"""Read the join metadata of a supergraph SDL (ours or Apollo's) into plain sets.

Fields without `@join__field` belong to every graph of their type; spelling of
field sets is normalised; graphs are named by subgraph name. Two supergraphs
with equal results route every query the same way.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    OperationDefinitionNode,
    TypeDefinitionNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)


def _args(node: DirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}


def _field_set(text: Any) -> str | None:
    if text is None:
        return None
    operation = parse("{" + str(text) + "}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return " ".join(print_ast(operation.selection_set).split())


def _of(nodes: Any, name: str) -> list[dict[str, Any]]:
    return [_args(d) for d in nodes or () if d.name.value == name]


def join_metadata(sdl: str) -> dict[str, Any]:
    document = parse(sdl)
    graph_names: dict[str, str] = {}
    types: list[TypeDefinitionNode] = []
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode):
            continue
        if definition.name.value == "join__Graph":
            assert isinstance(definition, EnumTypeDefinitionNode)
            for value in definition.values or ():
                graph_names[value.name.value] = _of(value.directives, "join__graph")[0]["name"]
        elif "__" not in definition.name.value:
            # Namespaced types (join__*, link__*, requiresScopes__Scope, ...) belong
            # to linked specs, not to the graph.
            types.append(definition)
    metadata: dict[str, Any] = {}
    for type_node in types:
        name = type_node.name.value
        type_joins = _of(type_node.directives, "join__type")
        graphs = sorted({graph_names[j["graph"]] for j in type_joins})
        entry: dict[str, Any] = {
            "types": sorted(
                (
                    graph_names[j["graph"]],
                    _field_set(j.get("key")),
                    bool(j.get("extension", False)),
                    j.get("resolvable", True) is not False,
                    bool(j.get("isInterfaceObject", False)),
                )
                for j in type_joins
            ),
            "implements": sorted(
                (graph_names[j["graph"]], j["interface"])
                for j in _of(type_node.directives, "join__implements")
            ),
            "members": sorted(
                (graph_names[j["graph"]], j["member"])
                for j in _of(type_node.directives, "join__unionMember")
            ),
        }
        if isinstance(type_node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            entry["fields"] = {
                f.name.value: _field_joins(_of(f.directives, "join__field"), graphs, graph_names)
                for f in type_node.fields or ()
            }
        if isinstance(type_node, InputObjectTypeDefinitionNode):
            entry["fields"] = {
                f.name.value: _field_joins(_of(f.directives, "join__field"), graphs, graph_names)
                for f in type_node.fields or ()
            }
        if isinstance(type_node, EnumTypeDefinitionNode):
            entry["values"] = {
                v.name.value: sorted(
                    graph_names[j["graph"]] for j in _of(v.directives, "join__enumValue")
                )
                or graphs
                for v in type_node.values or ()
            }
        metadata[name] = entry
    return metadata


def _field_joins(
    joins: list[dict[str, Any]], graphs: list[str], graph_names: dict[str, str]
) -> list[tuple[Any, ...]]:
    if not joins:
        return [(graph, None, None, None, False, None, False, None) for graph in graphs]
    return sorted(
        (
            (
                graph_names[j["graph"]] if j.get("graph") else "",
                _field_set(j.get("requires")),
                _field_set(j.get("provides")),
                j.get("type"),
                bool(j.get("external", False)),
                j.get("override"),
                bool(j.get("usedOverridden", False)),
                j.get("overrideLabel"),
            )
            for j in joins
        ),
        key=repr,
    )
