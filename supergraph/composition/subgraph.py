"""Parse one subgraph's SDL into the composer's model.

Federation directives are renamed to their canonical names here (so the rest of
the composer never sees `@federation__key` or an `as:` rename), federation's own
plumbing (`_Service`, `_Entity`, `Query._entities`, ...) is dropped, and root
types are renamed to `Query`/`Mutation`/`Subscription` as Apollo does.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    FieldDefinitionNode,
    GraphQLError,
    InputValueDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)

from supergraph.composition import typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.links import LinkResolution, resolve_links
from supergraph.composition.model import (
    AppliedDirective,
    CustomDirective,
    EnumValueDef,
    FieldDef,
    InputValue,
    Subgraph,
    TypeDef,
)
from supergraph.sdl_kinds import TYPE_KINDS

BUILTIN_DIRECTIVES = {"skip", "include", "deprecated", "specifiedBy", "oneOf", "link"}
BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
FEDERATION_PLUMBING_TYPES = {"_Service", "_Any", "_Entity", "link__Import", "link__Purpose"}
ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


def _arguments(node: DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in node.arguments or ()}


class _Reader:
    def __init__(self, name: str, links: LinkResolution, errors: ErrorCollector) -> None:
        self.name = name
        self.links = links
        self.errors = errors
        self.declared: set[str] = set()

    def directives(
        self, nodes: Any, coordinate: str, *, in_extension: bool = False
    ) -> list[AppliedDirective]:
        applied = []
        for node in nodes or ():
            local = node.name.value
            canonical = self.links.directives.get(local)
            if canonical is None and local not in BUILTIN_DIRECTIVES | self.declared:
                self.errors.add(
                    "INVALID_GRAPHQL",
                    f'[{self.name}] Unknown directive "@{local}".',
                    subgraphs=[self.name],
                    coordinate=coordinate,
                    hint=f'Import "@{local}" in the @link to the federation spec, or declare it.',
                )
                continue
            applied.append(
                AppliedDirective(canonical or local, _arguments(node), node, in_extension)
            )
        return applied

    def input_value(self, node: InputValueDefinitionNode, coordinate: str) -> InputValue:
        return InputValue(
            name=node.name.value,
            description=node.description.value if node.description else None,
            directives=self.directives(node.directives, coordinate),
            type=typeref.from_ast(node.type),
            default=print_ast(node.default_value) if node.default_value else None,
        )

    def field(self, node: FieldDefinitionNode, owner: str, in_extension: bool) -> FieldDef:
        coordinate = f"{owner}.{node.name.value}"
        return FieldDef(
            name=node.name.value,
            description=node.description.value if node.description else None,
            directives=self.directives(node.directives, coordinate),
            type=typeref.from_ast(node.type),
            args={
                arg.name.value: self.input_value(arg, f"{coordinate}({arg.name.value}:)")
                for arg in node.arguments or ()
            },
            in_extension=in_extension,
        )


def parse_subgraph(name: str, url: str, sdl: str, errors: ErrorCollector) -> Subgraph | None:
    """Read a subgraph's SDL; problems go to `errors` and yield None when fatal."""
    try:
        document = parse(sdl)
    except GraphQLError as error:
        errors.add(
            "INVALID_GRAPHQL",
            f"[{name}] {error.message}",
            subgraphs=[name],
            hint="Fix the syntax of the subgraph schema.",
        )
        return None
    links, schema_directives, roots = _schema_parts(document)
    resolution = resolve_links(links)
    for code, message in resolution.problems:
        errors.add(code, f"[{name}] {message}", subgraphs=[name], hint="Fix the @link.")
    if resolution.problems:
        return None
    reader = _Reader(name, resolution, errors)
    custom = _custom_directives(document, resolution, reader)
    reader.declared = set(custom)
    types = _types(document, resolution, reader)
    for root_name, default in roots.items():
        if root_name != default and default in types:
            operation = next(k for k, v in ROOT_NAMES.items() if v == default)
            errors.add(
                f"ROOT_{operation.upper()}_USED",
                f'[{name}] The schema has a type named "{default}" but it is not set as the '
                f'{operation} root type ("{root_name}" is instead): this is not supported by '
                "federation. If a root type does not use its default name, there should be no "
                "other type with that default name.",
                subgraphs=[name],
                coordinate=default,
                hint=f'Rename the type "{default}", or make it the {operation} root.',
            )
            return None
    _rename_roots(types, roots)
    # Every subgraph serves a query root (at least `_service`), so Apollo records
    # each one on Query even when its SDL declares no query field.
    query = types.setdefault("Query", TypeDef(name="Query", kind="object", has_definition=True))
    query.fields.pop("_service", None)
    query.fields.pop("_entities", None)
    subgraph = Subgraph(
        name=name,
        url=url,
        types=types,
        fed2=resolution.fed2,
        directive_defs=custom,
        federation_minor=resolution.minor,
    )
    _read_composed_directives(
        subgraph, reader.directives(schema_directives, "schema"), resolution, errors
    )
    return subgraph


def _read_composed_directives(
    subgraph: Subgraph,
    schema_directives: list[AppliedDirective],
    resolution: LinkResolution,
    errors: ErrorCollector,
) -> None:
    """Record each @composeDirective with the @link that brings its directive in."""
    name = subgraph.name
    for applied in schema_directives:
        if applied.name != "composeDirective":
            continue
        directive_name = str(applied.args.get("name", ""))
        local = directive_name.lstrip("@")
        if not directive_name.startswith("@") or local not in subgraph.directive_defs:
            errors.add(
                "DIRECTIVE_COMPOSITION_ERROR",
                f"[{name}] Could not find matching directive definition for argument to "
                f'@composeDirective "{directive_name}" in subgraph "{name}".',
                subgraphs=[name],
                hint="Name a directive defined in the subgraph, with its leading @.",
            )
            continue
        source = next(
            (
                link.url
                for link in resolution.others
                if local in link.imports or local.startswith(link.namespace + "__")
            ),
            None,
        )
        if source is None:
            errors.add(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'[{name}] Directive "{directive_name}" in subgraph "{name}" cannot be '
                "composed because it is not a member of a core feature",
                subgraphs=[name],
                hint="Import the directive through an @link to its own spec URL.",
            )
            continue
        subgraph.composed_directives[local] = source


def _schema_parts(
    document: DocumentNode,
) -> tuple[list[dict[str, Any]], list[DirectiveNode], dict[str, str]]:
    links: list[dict[str, Any]] = []
    directives: list[DirectiveNode] = []
    roots: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for directive in definition.directives or ():
                if directive.name.value == "link":
                    links.append(_arguments(directive))
                else:
                    directives.append(directive)
            for operation in definition.operation_types or ():
                roots[operation.type.name.value] = ROOT_NAMES[operation.operation.value]
    return links, directives, roots


def _custom_directives(
    document: DocumentNode, resolution: LinkResolution, reader: _Reader
) -> dict[str, CustomDirective]:
    custom: dict[str, CustomDirective] = {}
    for definition in document.definitions:
        if not isinstance(definition, DirectiveDefinitionNode):
            continue
        name = definition.name.value
        if name in resolution.directives or name in BUILTIN_DIRECTIVES:
            continue  # federation's own definitions, printed by some subgraph libraries
        custom[name] = CustomDirective(
            name=name,
            locations=[location.value for location in definition.locations],
            repeatable=definition.repeatable,
            args={
                arg.name.value: reader.input_value(arg, f"@{name}({arg.name.value}:)")
                for arg in definition.arguments or ()
            },
            description=definition.description.value if definition.description else None,
        )
    return custom


def _is_plumbing(name: str, resolution: LinkResolution) -> bool:
    return (
        name in FEDERATION_PLUMBING_TYPES
        or name in resolution.type_names
        or name.startswith(("federation__", "link__"))
    )


def _types(
    document: DocumentNode, resolution: LinkResolution, reader: _Reader
) -> dict[str, TypeDef]:
    types: dict[str, TypeDef] = {}
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        name = definition.name.value
        if _is_plumbing(name, resolution):
            continue
        kind = TYPE_KINDS[type(definition)]
        in_extension = isinstance(definition, TypeExtensionNode)
        type_def = types.setdefault(name, TypeDef(name=name, kind=kind))
        if type_def.kind != kind:
            reader.errors.add(
                "INVALID_GRAPHQL",
                f'[{reader.name}] Type "{name}" is defined as both {type_def.kind} and {kind}.',
                subgraphs=[reader.name],
                coordinate=name,
            )
            continue
        if in_extension:
            type_def.has_extension = True
        else:
            type_def.has_definition = True
            description = getattr(definition, "description", None)
            if description is not None:
                type_def.description = description.value
        type_def.directives.extend(
            reader.directives(definition.directives, name, in_extension=in_extension)
        )
        _read_members(type_def, definition, reader, in_extension)
    return types


def _read_members(type_def: TypeDef, definition: Any, reader: _Reader, in_extension: bool) -> None:
    name = type_def.name
    for node in getattr(definition, "fields", None) or ():
        if type_def.kind == "input":
            type_def.input_fields[node.name.value] = reader.input_value(
                node, f"{name}.{node.name.value}"
            )
        else:
            type_def.fields[node.name.value] = reader.field(node, name, in_extension)
    for node in getattr(definition, "values", None) or ():
        type_def.values[node.name.value] = EnumValueDef(
            name=node.name.value,
            description=node.description.value if node.description else None,
            directives=reader.directives(node.directives, f"{name}.{node.name.value}"),
        )
    for node in getattr(definition, "types", None) or ():
        if node.name.value not in type_def.members:
            type_def.members.append(node.name.value)
    for node in getattr(definition, "interfaces", None) or ():
        if node.name.value not in type_def.interfaces:
            type_def.interfaces.append(node.name.value)


def _rename_roots(types: dict[str, TypeDef], roots: dict[str, str]) -> None:
    renames = {old: new for old, new in roots.items() if old != new and old in types}
    if not renames:
        return
    for old, new in renames.items():
        type_def = types.pop(old)
        type_def.name = new
        types[new] = type_def
    for type_def in types.values():
        for field_def in type_def.fields.values():
            for old, new in renames.items():
                field_def.type = typeref.rename(field_def.type, old, new)
        type_def.members = [renames.get(member, member) for member in type_def.members]
