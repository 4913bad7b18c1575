"""Federation 1 subgraphs, rewritten the way Apollo's composition upgrades them.

Federation 1 had no `@shareable`: a value type or a key field could be resolved
by several subgraphs implicitly. Apollo upgrades such subgraphs to Federation 2
before merging; the steps below follow its order, because each step sees what
the previous ones changed.
"""

from __future__ import annotations

from supergraph.composition import fieldset, typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.facts import compute_facts, is_extension
from supergraph.composition.model import AppliedDirective, Subgraph, TypeDef

ROOTS = ("Query", "Mutation", "Subscription")


def _drop(element_directives: list[AppliedDirective], name: str) -> list[AppliedDirective]:
    return [d for d in element_directives if d.name != name]


def _is_root_extension(type_def: TypeDef) -> bool:
    return type_def.name in ROOTS and (
        type_def.has("extends") or (type_def.has_extension and not type_def.has_definition)
    )


def upgrade_fed1(subgraph: Subgraph, everyone: list[Subgraph], errors: ErrorCollector) -> None:
    """Rewrite a Federation 1 subgraph in place (no-op for Federation 2)."""
    if subgraph.fed2:
        return
    others = [other for other in everyone if other is not subgraph]
    _check_extensions_have_base(subgraph, others, errors)
    for type_def in subgraph.types.values():
        if type_def.kind == "interface":
            for field_def in type_def.fields.values():
                field_def.directives = _drop(field_def.directives, "external")
        if type_def.kind == "object":
            type_def.directives = _drop(type_def.directives, "external")
    _remove_external_on_key_fields_of_extensions(subgraph, others)
    _remove_inactive_provides_and_requires(subgraph)
    for type_def in subgraph.types.values():
        # Apollo keeps @extends (it still marks join__type(extension: true)) but
        # drops the `extend type` form.
        type_def.has_definition = True
        type_def.has_extension = False
        for field_def in type_def.fields.values():
            field_def.in_extension = False
        for directive in type_def.directives:
            directive.in_extension = False
        if type_def.kind == "interface":
            type_def.directives = _drop(type_def.directives, "key")
            for field_def in type_def.fields.values():
                field_def.directives = _drop(_drop(field_def.directives, "provides"), "requires")
        if type_def.kind == "object":
            for field_def in type_def.fields.values():
                target = subgraph.types.get(typeref.named(field_def.type))
                if target is None or target.kind not in ("object", "interface", "union"):
                    field_def.directives = _drop(field_def.directives, "provides")
    _remove_unused_externals(subgraph, errors)
    _add_shareable(subgraph, others)


def _check_extensions_have_base(
    subgraph: Subgraph, others: list[Subgraph], errors: ErrorCollector
) -> None:
    for type_def in subgraph.types.values():
        if type_def.kind not in ("object", "interface") or _is_root_extension(type_def):
            continue
        if not is_extension(type_def):
            continue
        if any(
            (other_type := other.types.get(type_def.name)) is not None and other_type.has_definition
            for other in others
        ):
            continue
        errors.add(
            "EXTENSION_WITH_NO_BASE",
            f'[{subgraph.name}] Type "{type_def.name}" is an extension type, but there is no '
            f'type definition for "{type_def.name}" in any subgraph.',
            subgraphs=[subgraph.name],
            coordinate=type_def.name,
            hint="Define the type (without `extend`) in the subgraph that owns it.",
        )


def _top_level_key_fields(subgraph: Subgraph, type_def: TypeDef, first_only: bool) -> set[str]:
    names: set[str] = set()
    for key in type_def.applied("key")[: 1 if first_only else None]:
        found, _ = fieldset.targets(subgraph, type_def.name, str(key.args.get("fields", "")))
        names |= {t.selection.name for t in found if t.parent == type_def.name}
    return names


def _remove_external_on_key_fields_of_extensions(
    subgraph: Subgraph, others: list[Subgraph]
) -> None:
    for type_def in subgraph.types.values():
        if type_def.kind not in ("object", "interface"):
            continue
        if not is_extension(type_def) and not _is_root_extension(type_def):
            continue
        if type_def.has("key"):
            names = _top_level_key_fields(subgraph, type_def, first_only=False)
        else:
            names = set()
            for other in others:
                other_type = other.types.get(type_def.name)
                if other_type is not None and other_type.has("key"):
                    names |= _top_level_key_fields(other, other_type, first_only=True)
        for name in names:
            field_def = type_def.fields.get(name)
            if field_def is not None:
                field_def.directives = _drop(field_def.directives, "external")


def _remove_inactive_provides_and_requires(subgraph: Subgraph) -> None:
    """A Federation 1 @provides/@requires naming non-external fields did nothing."""
    facts = compute_facts(subgraph)
    for type_def in subgraph.types.values():
        for field_def in type_def.fields.values():
            kept = []
            for directive in field_def.directives:
                if directive.name not in ("provides", "requires"):
                    kept.append(directive)
                    continue
                parent = (
                    typeref.named(field_def.type) if directive.name == "provides" else type_def.name
                )
                found, problems = fieldset.targets(
                    subgraph, parent, str(directive.args.get("fields", ""))
                )
                if problems or any(
                    facts.is_external(t.parent, t.selection.name) for t in found if t.depth == 0
                ):
                    kept.append(directive)
            field_def.directives = kept


def _remove_unused_externals(subgraph: Subgraph, errors: ErrorCollector) -> None:
    facts = compute_facts(subgraph)
    for type_def in list(subgraph.types.values()):
        if type_def.kind not in ("object", "interface"):
            continue
        unused = [
            name
            for name in type_def.fields
            if (type_def.name, name) in facts.external and (type_def.name, name) not in facts.used
        ]
        for name in unused:
            del type_def.fields[name]
        if type_def.fields or not unused:
            continue
        referenced = any(
            typeref.named(f.type) == type_def.name or type_def.name in t.members
            for t in subgraph.types.values()
            for f in t.fields.values()
        )
        if referenced:
            errors.add(
                "TYPE_WITH_ONLY_UNUSED_EXTERNAL",
                f"[{subgraph.name}] Type {type_def.name} contains only external fields and all "
                "those fields are all unused (they do not appear in any @key, @provides or "
                "@requires).",
                subgraphs=[subgraph.name],
                coordinate=type_def.name,
                hint="Remove the type or use its fields in a @key, @provides or @requires.",
            )
        else:
            del subgraph.types[type_def.name]


def _shareable(node_name: str) -> AppliedDirective:
    from graphql import DirectiveNode, NameNode

    return AppliedDirective("shareable", {}, DirectiveNode(name=NameNode(value=node_name)))


def _add_shareable(subgraph: Subgraph, others: list[Subgraph]) -> None:
    facts = compute_facts(subgraph)
    other_facts = [(other, compute_facts(other)) for other in others]
    for type_def in subgraph.types.values():
        if type_def.kind != "object" or type_def.name == "Subscription":
            continue
        elsewhere = [(o, f) for o, f in other_facts if type_def.name in o.types]
        if type_def.has("key") or type_def.name in ROOTS:
            for field_def in type_def.fields.values():
                if (type_def.name, field_def.name) in facts.shareable:
                    continue
                resolved_elsewhere = any(
                    field_def.name in other.types[type_def.name].fields
                    and (
                        not other_f.is_external(type_def.name, field_def.name)
                        or (type_def.name, field_def.name) in other_f.provided
                    )
                    for other, other_f in elsewhere
                )
                if resolved_elsewhere:
                    field_def.directives.append(_shareable("shareable"))
        elif elsewhere and not type_def.has("shareable"):
            type_def.directives.append(_shareable("shareable"))
