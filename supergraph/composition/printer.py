"""Print a merged supergraph in Apollo's format (link/v1.0, join/v0.5).

Types are sorted by name (case-insensitively, as Apollo's printer does) and
everything else keeps the merge order, so the same input gives the same bytes.
"""

from __future__ import annotations

import json

from supergraph.composition.security_specs import spec_definitions, spec_links, spec_types
from supergraph.composition.supergraph_model import (
    JoinField,
    JoinType,
    MergedField,
    MergedInputValue,
    MergedType,
    Supergraph,
)

LINK_SPEC = "https://specs.apollo.dev/link/v1.0"
JOIN_SPEC = "https://specs.apollo.dev/join/v0.5"
TAG_SPEC = "https://specs.apollo.dev/tag/v0.3"
INACCESSIBLE_SPEC = "https://specs.apollo.dev/inaccessible/v0.2"

_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | "
    "ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)

_FIXED_DIRECTIVES = {
    "inaccessible": f"directive @inaccessible on {_LOCATIONS}",
    "join__directive": (
        "directive @join__directive(graphs: [join__Graph!], name: String!, args: "
        "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
    ),
    "join__enumValue": ("directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE"),
    "join__field": (
        "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: "
        "join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: "
        "Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) "
        "repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"
    ),
    "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
    "join__implements": (
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on "
        "OBJECT | INTERFACE"
    ),
    "join__type": (
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! "
        "= false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable "
        "on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR"
    ),
    "join__unionMember": (
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION"
    ),
    "link": (
        "directive @link(url: String, as: String, for: link__Purpose, import: "
        "[link__Import]) repeatable on SCHEMA"
    ),
    "tag": f"directive @tag(name: String!) repeatable on {_LOCATIONS} | SCHEMA",
}

_FIXED_TYPES = {
    "join__ContextArgument": (
        "input join__ContextArgument {\n  name: String!\n  type: String!\n"
        "  context: String!\n  selection: join__FieldValue!\n}"
    ),
    "join__DirectiveArguments": "scalar join__DirectiveArguments",
    "join__FieldSet": "scalar join__FieldSet",
    "join__FieldValue": "scalar join__FieldValue",
    "link__Import": "scalar link__Import",
    "link__Purpose": (
        "enum link__Purpose {\n"
        '  """\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n'
        '  """\n  SECURITY\n\n'
        '  """\n  `EXECUTION` features provide metadata necessary for operation execution.\n'
        '  """\n  EXECUTION\n}'
    ),
}


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    if "\n" not in text and not text.endswith('"'):
        return f'{indent}"""{text}"""\n'
    body = "\n".join(indent + line if line else "" for line in text.split("\n"))
    return f'{indent}"""\n{body}\n{indent}"""\n'


def _join_type(join: JoinType) -> str:
    parts = [f"graph: {join.graph}"]
    if join.key is not None:
        parts.append(f"key: {_string(join.key)}")
    if join.extension:
        parts.append("extension: true")
    if not join.resolvable:
        parts.append("resolvable: false")
    if join.is_interface_object:
        parts.append("isInterfaceObject: true")
    return f"@join__type({', '.join(parts)})"


def _join_field(join: JoinField) -> str:
    parts = []
    if join.graph is not None:
        parts.append(f"graph: {join.graph}")
    if join.requires is not None:
        parts.append(f"requires: {_string(join.requires)}")
    if join.provides is not None:
        parts.append(f"provides: {_string(join.provides)}")
    if join.type is not None:
        parts.append(f"type: {_string(join.type)}")
    if join.external:
        parts.append("external: true")
    if join.override is not None:
        parts.append(f"override: {_string(join.override)}")
    if join.used_overridden:
        parts.append("usedOverridden: true")
    if join.override_label is not None:
        parts.append(f"overrideLabel: {_string(join.override_label)}")
    return f"@join__field({', '.join(parts)})" if parts else "@join__field"


def _input_value(value: MergedInputValue) -> str:
    text = f"{value.name}: {value.type}"
    if value.default is not None:
        text += f" = {value.default}"
    extras = list(value.directives)
    if value.joins:
        extras += [_join_field(j) for j in value.joins]
    return " ".join([text, *extras])


def _arguments(args: dict[str, MergedInputValue], indent: str) -> str:
    if not args:
        return ""
    if not any(a.description for a in args.values()):
        return "(" + ", ".join(_input_value(a) for a in args.values()) + ")"
    inner = indent + "  "
    lines = [_description(a.description, inner) + inner + _input_value(a) for a in args.values()]
    return "(\n" + "\n".join(lines) + f"\n{indent})"


def _field(field: MergedField) -> str:
    directives = [d for d in field.directives if d == "@inaccessible"]
    directives += [_join_field(j) for j in field.joins or ()]
    directives += [d for d in field.directives if d != "@inaccessible"]
    head = f"  {field.name}{_arguments(field.args, '  ')}: {field.type}"
    return _description(field.description, "  ") + " ".join([head, *directives])


def _type(type_def: MergedType) -> str:
    keyword = {
        "object": "type",
        "interface": "interface",
        "union": "union",
        "enum": "enum",
        "input": "input",
        "scalar": "scalar",
    }[type_def.kind]
    head = f"{keyword} {type_def.name}"
    if type_def.interfaces:
        head += " implements " + " & ".join(type_def.interfaces)
    directives = [
        f"@join__implements(graph: {graph}, interface: {_string(name)})"
        for graph, name in type_def.implements
    ]
    directives += [_join_type(j) for j in type_def.joins]
    directives += [
        f"@join__unionMember(graph: {graph}, member: {_string(name)})"
        for graph, name in type_def.members
    ]
    directives += type_def.directives
    text = _description(type_def.description, "") + head
    text += "".join(f"\n  {d}" for d in directives)
    if type_def.kind == "union":
        members: list[str] = []
        for _, member in type_def.members:
            if member not in members:
                members.append(member)
        return text + "\n = " + " | ".join(members)
    body: list[str] = []
    if type_def.kind in ("object", "interface"):
        body = [_field(f) for f in type_def.fields.values()]
    elif type_def.kind == "input":
        body = [
            _description(f.description, "  ") + "  " + _input_value(f)
            for f in type_def.input_fields.values()
        ]
    elif type_def.kind == "enum":
        for value in type_def.values.values():
            parts = [value.name]
            parts += [f"@join__enumValue(graph: {g})" for g in value.graphs]
            parts += value.directives
            body.append(_description(value.description, "  ") + "  " + " ".join(parts))
    if not body:
        return text
    return text + "\n{\n" + "\n".join(body) + "\n}"


def _graph_enum(supergraph: Supergraph) -> str:
    lines = [
        f"  {g.enum_value} @join__graph(name: {_string(g.name)}, url: {_string(g.url)})"
        for g in supergraph.graphs
    ]
    return "enum join__Graph {\n" + "\n".join(lines) + "\n}"


def print_supergraph(supergraph: Supergraph) -> str:
    """The supergraph SDL, ending with one newline."""
    links = [f'@link(url: "{LINK_SPEC}")', f'@link(url: "{JOIN_SPEC}", for: EXECUTION)']
    if supergraph.uses_tag:
        links.append(f'@link(url: "{TAG_SPEC}")')
    if supergraph.uses_inaccessible:
        links.append(f'@link(url: "{INACCESSIBLE_SPEC}", for: SECURITY)')
    links.extend(spec_links(supergraph.used_specs))
    seen_links: set[str] = set()
    for directive in supergraph.composed_directives:
        if directive.link_url in seen_links:
            continue
        seen_links.add(directive.link_url)
        link = f"@link(url: {_string(directive.link_url)}"
        if directive.link_import:
            link += f", import: {directive.link_import}"
        links.append(link + ")")
    roots = "".join(f"  {op}: {name}\n" for op, name in supergraph.roots.items())
    schema = "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + roots + "}"

    directives = dict(_FIXED_DIRECTIVES)
    if not supergraph.uses_tag:
        del directives["tag"]
    if not supergraph.uses_inaccessible:
        del directives["inaccessible"]
    directives.update(spec_definitions(supergraph.used_specs))
    for directive in supergraph.composed_directives:
        directives[directive.name] = directive.definition
    for name, definition in supergraph.executable_directives.items():
        directives.setdefault(name, definition)
    blocks = [directives[name] for name in sorted(directives, key=lambda n: (n.lower(), n))]

    types: dict[str, str] = dict(_FIXED_TYPES)
    types["join__Graph"] = _graph_enum(supergraph)
    types.update(spec_types(supergraph.used_specs))
    for type_def in supergraph.types.values():
        types[type_def.name] = _type(type_def)
    blocks += [types[name] for name in sorted(types, key=lambda n: (n.lower(), n))]
    return "\n\n".join([schema, *blocks]) + "\n"
