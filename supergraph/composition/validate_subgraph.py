"""Checks that need only one subgraph: field sets, @external use, @override form."""

from __future__ import annotations

import re

from supergraph.composition import typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.facts import SubgraphFacts
from supergraph.composition.fieldset import FieldSetSyntaxError, Selection, parse_field_set
from supergraph.composition.model import FieldDef, Subgraph, TypeDef
from supergraph.composition.subgraph import BUILTIN_SCALARS

OVERRIDE_LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100)\)|[a-zA-Z][\w\-:./]*)$")


class _FieldSetChecker:
    def __init__(self, subgraph: Subgraph, facts: SubgraphFacts, directive: str) -> None:
        self.subgraph = subgraph
        self.facts = facts
        self.directive = directive
        self.problems: list[tuple[str, str]] = []

    def code(self, suffix: str) -> str:
        return f"{self.directive.upper()}_{suffix}"

    def check(self, parent: str, text: str) -> None:
        try:
            selections = parse_field_set(text)
        except FieldSetSyntaxError as error:
            self.problems.append((self.code("INVALID_FIELDS"), str(error)))
            return
        self.walk(parent, selections, external_above=False)

    def walk(self, parent: str, selections: list[Selection], *, external_above: bool) -> None:
        type_def = self.subgraph.types.get(parent)
        for selection in selections:
            if selection.has_directives:
                self.problems.append(
                    (
                        self.code("DIRECTIVE_IN_FIELDS_ARG"),
                        f"cannot have directive applications in the @{self.directive}(fields:) "
                        "argument",
                    )
                )
            if selection.type_condition is not None or selection.name == "...":
                condition = selection.type_condition or parent
                if condition not in self.subgraph.types:
                    self.problems.append(
                        (self.code("INVALID_FIELDS"), f'Unknown type "{condition}"')
                    )
                    continue
                self.walk(condition, selection.children or [], external_above=external_above)
                continue
            if selection.name == "__typename":
                continue
            field_def = type_def.fields.get(selection.name) if type_def else None
            if field_def is None:
                self.problems.append(
                    (
                        self.code("INVALID_FIELDS"),
                        f'Cannot query field "{selection.name}" on type "{parent}" (if the '
                        "field is defined in another subgraph, you need to add it to this "
                        "subgraph with @external).",
                    )
                )
                continue
            self.check_field(parent, field_def, selection, external_above=external_above)

    def check_field(
        self, parent: str, field_def: FieldDef, selection: Selection, *, external_above: bool
    ) -> None:
        coordinate = f"{parent}.{field_def.name}"
        child = self.subgraph.types.get(typeref.named(field_def.type))
        composite = child is not None and child.kind in ("object", "interface", "union")
        if composite and selection.children is None:
            self.problems.append(
                (
                    self.code("INVALID_FIELDS"),
                    f'Field "{coordinate}" of type "{field_def.type}" must have a selection '
                    "of subfields.",
                )
            )
            return
        if not composite and selection.children is not None:
            self.problems.append(
                (
                    self.code("INVALID_FIELDS"),
                    f'Field "{coordinate}" must not have a selection since type '
                    f'"{field_def.type}" has no subfields.',
                )
            )
            return
        if self.directive == "key" and field_def.args:
            self.problems.append(
                (
                    "KEY_FIELDS_HAS_ARGS",
                    f"field {coordinate} cannot be included because it has arguments "
                    "(fields with argument are not allowed in @key)",
                )
            )
        if self.directive == "key" and child is not None and child.kind in ("interface", "union"):
            self.problems.append(
                (
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'field "{coordinate}" is a {child.kind} type which is not allowed in @key',
                )
            )
        external = self.facts.is_external(parent, field_def.name)
        must_be_external = (
            self.directive != "key" and selection.children is None and not external_above
        )
        if must_be_external and not external:
            self.problems.append(
                (
                    self.code("FIELDS_MISSING_EXTERNAL"),
                    f'field "{coordinate}" should not be part of a @{self.directive} since '
                    "it is already provided by this subgraph (it is not marked @external)",
                )
            )
        if selection.children is not None:
            self.walk(
                typeref.named(field_def.type),
                selection.children,
                external_above=external_above or external,
            )


def validate_subgraph(subgraph: Subgraph, facts: SubgraphFacts, errors: ErrorCollector) -> None:
    """Report what is wrong inside one subgraph, independent of the others."""
    _check_references(subgraph, errors)
    for type_def in subgraph.types.values():
        _check_keys(subgraph, facts, type_def, errors)
        for field_def in type_def.fields.values():
            _check_field(subgraph, facts, type_def, field_def, errors)


def _report(
    errors: ErrorCollector,
    subgraph: Subgraph,
    code: str,
    message: str,
    coordinate: str,
    hint: str,
) -> None:
    errors.add(
        code,
        f"[{subgraph.name}] {message}",
        subgraphs=[subgraph.name],
        coordinate=coordinate,
        hint=hint,
    )


def _check_references(subgraph: Subgraph, errors: ErrorCollector) -> None:
    known = set(subgraph.types) | BUILTIN_SCALARS

    def check(ref: str, coordinate: str) -> None:
        if typeref.named(ref) not in known:
            _report(
                errors,
                subgraph,
                "INVALID_GRAPHQL",
                f'Unknown type "{typeref.named(ref)}".',
                coordinate,
                "Define the type in this subgraph.",
            )

    for type_def in subgraph.types.values():
        for field_def in type_def.fields.values():
            check(field_def.type, f"{type_def.name}.{field_def.name}")
            for arg in field_def.args.values():
                check(arg.type, f"{type_def.name}.{field_def.name}({arg.name}:)")
        for input_field in type_def.input_fields.values():
            check(input_field.type, f"{type_def.name}.{input_field.name}")
        for name in type_def.members + type_def.interfaces:
            check(name, type_def.name)


def _check_keys(
    subgraph: Subgraph, facts: SubgraphFacts, type_def: TypeDef, errors: ErrorCollector
) -> None:
    keys = type_def.applied("key")
    if type_def.has("interfaceObject") and not keys:
        _report(
            errors,
            subgraph,
            "INTERFACE_OBJECT_USAGE_ERROR",
            "The @interfaceObject directive can only be applied to entity types but type "
            f'"{type_def.name}" has no @key in this subgraph.',
            type_def.name,
            "Give the type the @key of the interface it stands for.",
        )
    if keys and type_def.kind == "interface" and subgraph.fed2 and subgraph.federation_minor < 3:
        _report(
            errors,
            subgraph,
            "KEY_UNSUPPORTED_ON_INTERFACE",
            f'Cannot use @key on interface "{type_def.name}": @key is not yet supported on '
            "interfaces before federation v2.3",
            type_def.name,
            "Link federation v2.3 or later to key an interface.",
        )
        return
    if keys and type_def.kind == "interface":
        for other in subgraph.types.values():
            if type_def.name in other.interfaces and not other.has("key"):
                _report(
                    errors,
                    subgraph,
                    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    f'Key @key(fields: "{keys[0].args.get("fields")}") on interface type '
                    f'"{type_def.name}" is missing on implementation type "{other.name}".',
                    other.name,
                    f'Add the same @key to "{other.name}".',
                )
    for key in keys:
        checker = _FieldSetChecker(subgraph, facts, "key")
        checker.check(type_def.name, str(key.args.get("fields", "")))
        for code, message in checker.problems:
            _report(
                errors,
                subgraph,
                code,
                f'On type "{type_def.name}", for @key(fields: "{key.args.get("fields")}"): '
                + message,
                type_def.name,
                "Name only fields of the type, without arguments, selecting leaf fields.",
            )


def _check_field(
    subgraph: Subgraph,
    facts: SubgraphFacts,
    type_def: TypeDef,
    field_def: FieldDef,
    errors: ErrorCollector,
) -> None:
    coordinate = f"{type_def.name}.{field_def.name}"
    for directive in ("requires", "provides"):
        for applied in field_def.applied(directive):
            if type_def.kind == "interface":
                _report(
                    errors,
                    subgraph,
                    f"{directive.upper()}_UNSUPPORTED_ON_INTERFACE",
                    f'Cannot use @{directive} on field "{coordinate}" of parent type '
                    f'"{type_def.name}": @{directive} is not yet supported within interfaces',
                    coordinate,
                    f"Move @{directive} to the implementing object types.",
                )
                continue
            parent = type_def.name
            if directive == "provides":
                if facts.is_external(type_def.name, field_def.name):
                    _report(
                        errors,
                        subgraph,
                        "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        f'Cannot have both @provides and @external on field "{coordinate}"',
                        coordinate,
                        "Drop one of the two directives.",
                    )
                    continue
                target = subgraph.types.get(typeref.named(field_def.type))
                if target is None or target.kind not in ("object", "interface", "union"):
                    _report(
                        errors,
                        subgraph,
                        "PROVIDES_ON_NON_OBJECT_FIELD",
                        f'Invalid @provides directive on field "{coordinate}": field has type '
                        f'"{field_def.type}" which is not a Composite Type',
                        coordinate,
                        "Use @provides only on fields returning an object type.",
                    )
                    continue
                parent = target.name
            checker = _FieldSetChecker(subgraph, facts, directive)
            checker.check(parent, str(applied.args.get("fields", "")))
            for code, message in checker.problems:
                _report(
                    errors,
                    subgraph,
                    code,
                    f'On field "{coordinate}", for @{directive}(fields: '
                    f'"{applied.args.get("fields")}"): {message}',
                    coordinate,
                    f"Select only fields of {parent} that this subgraph declares @external.",
                )
    if (type_def.name, field_def.name) in facts.external and (
        type_def.name,
        field_def.name,
    ) not in facts.used:
        _report(
            errors,
            subgraph,
            "EXTERNAL_UNUSED",
            f'Field "{coordinate}" is marked @external but is not used in any federation '
            "directive (@key, @provides, @requires) or to satisfy an interface; the field "
            "declaration has no use and should be removed (or the field should not be @external).",
            coordinate,
            "Remove the field, or use it in a @key, @requires or @provides.",
        )
    for override in field_def.applied("override"):
        _check_override(subgraph, facts, type_def, field_def, override.args, errors)


def _check_override(
    subgraph: Subgraph,
    facts: SubgraphFacts,
    type_def: TypeDef,
    field_def: FieldDef,
    args: dict[str, object],
    errors: ErrorCollector,
) -> None:
    coordinate = f"{type_def.name}.{field_def.name}"
    source = str(args.get("from", ""))
    label = args.get("label")
    if type_def.kind == "interface":
        _report(
            errors,
            subgraph,
            "OVERRIDE_ON_INTERFACE",
            f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph.name}": '
            "@override is not supported on interface type fields.",
            coordinate,
            "Put @override on the implementing object type fields.",
        )
    if source == subgraph.name:
        _report(
            errors,
            subgraph,
            "OVERRIDE_FROM_SELF_ERROR",
            f'Source and destination subgraphs "{source}" are the same for overridden field '
            f'"{coordinate}"',
            coordinate,
            "Name the subgraph the field moves from in `from:`.",
        )
    if label is not None and not OVERRIDE_LABEL.match(str(label)):
        _report(
            errors,
            subgraph,
            "OVERRIDE_LABEL_INVALID",
            f'Invalid @override label "{label}" on field "{coordinate}" on subgraph '
            f'"{subgraph.name}": labels must start with a letter and after that may contain '
            "alphanumerics, underscores, minuses, colons, periods, or slashes. Alternatively, "
            'labels may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
            coordinate,
            'Use a label like "my-flag" or "percent(25)".',
        )
    if facts.is_external(type_def.name, field_def.name):
        _report(
            errors,
            subgraph,
            "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph.name}" '
            'since "{coordinate}" on "{subgraph.name}" is marked with directive "@external"',
            coordinate,
            "A field cannot both move here and be resolved elsewhere: drop @external.",
        )
