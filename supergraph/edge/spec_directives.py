"""Where a supergraph puts the authorization and cost directives, whatever their local names.

A supergraph links each spec (`@link(url: ".../requiresScopes/v0.1")`) and may
rename its directive with `as:` or an import; this module finds the names and
reads the directives applied to types and fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ConstValueNode,
    DirectiveNode,
    DocumentNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    value_from_ast_untyped,
)

_SPEC = re.compile(r"^https://specs\.apollo\.dev/(?P<name>[A-Za-z]+)/v\d+\.\d+$")
_DIRECTIVES_OF_SPEC = {
    "authenticated": ("authenticated",),
    "requiresScopes": ("requiresScopes",),
    "policy": ("policy",),
    "cost": ("cost", "listSize"),
}


@dataclass
class AppliedDirectives:
    """The spec directives on each type and each field, by their spec names."""

    on_types: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    on_fields: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)


def read_spec_directives(document: DocumentNode) -> AppliedDirectives:
    names = _local_names(document)
    found = AppliedDirectives()
    if not names:
        return found
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        type_name = definition.name.value
        applied = _applied(definition.directives or (), names)
        if applied:
            found.on_types.setdefault(type_name, {}).update(applied)
        if isinstance(
            definition,
            ObjectTypeDefinitionNode
            | ObjectTypeExtensionNode
            | InterfaceTypeDefinitionNode
            | InterfaceTypeExtensionNode,
        ):
            for field_def in definition.fields or ():
                applied = _applied(field_def.directives or (), names)
                if applied:
                    key = (type_name, field_def.name.value)
                    found.on_fields.setdefault(key, {}).update(applied)
    return found


def _applied(directives: Any, names: dict[str, str]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for directive in directives:
        spec_name = names.get(directive.name.value)
        if spec_name is not None:
            result[spec_name] = _arguments(directive)
    return result


def _arguments(directive: DirectiveNode) -> dict[str, Any]:
    return {
        arg.name.value: value_from_ast_untyped(_const(arg.value))
        for arg in directive.arguments or ()
    }


def _const(node: Any) -> ConstValueNode:
    value: ConstValueNode = node
    return value


def _links(document: DocumentNode) -> Iterator[DirectiveNode]:
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for directive in definition.directives or ():
                if directive.name.value == "link":
                    yield directive


def _local_names(document: DocumentNode) -> dict[str, str]:
    """Local directive name -> spec directive name, for the linked specs we enforce."""
    names: dict[str, str] = {}
    for link in _links(document):
        args = _arguments(link)
        match = _SPEC.match(str(args.get("url", "")))
        if match is None or match["name"] not in _DIRECTIVES_OF_SPEC:
            continue
        spec = match["name"]
        namespace = str(args.get("as") or spec)
        imported: dict[str, str] = {}
        for entry in args.get("import") or []:
            if isinstance(entry, str):
                imported[entry.lstrip("@")] = entry.lstrip("@")
            elif isinstance(entry, dict) and "name" in entry:
                original = str(entry["name"]).lstrip("@")
                imported[original] = str(entry.get("as", entry["name"])).lstrip("@")
        for directive in _DIRECTIVES_OF_SPEC[spec]:
            if directive in imported:
                local = imported[directive]
            elif directive == spec:
                local = namespace  # the spec's own directive goes by the link's name
            else:
                local = f"{namespace}__{directive}"
            names[local] = directive
    return names
