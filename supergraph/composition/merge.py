"""Merge validated subgraphs into one supergraph, reporting every conflict.

Subgraphs are visited in name order (as Apollo does), so fields and enum values
appear in the order their first subgraph declares them: the output depends only
on the input.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import print_ast

from supergraph.composition import typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.facts import SubgraphFacts, is_extension
from supergraph.composition.model import (
    AppliedDirective,
    Element,
    FieldDef,
    InputValue,
    Subgraph,
    TypeDef,
)
from supergraph.composition.security_specs import merged_spec_directives
from supergraph.composition.supergraph_model import (
    Graph,
    JoinField,
    JoinType,
    MergedEnumValue,
    MergedField,
    MergedInputValue,
    MergedType,
    Supergraph,
)

ROOTS = {"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}


def graph_enum_name(name: str) -> str:
    value = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
    return "_" + value if value[:1].isdigit() else value


@dataclass
class Source:
    """One subgraph's view of the element being merged."""

    index: int
    subgraph: Subgraph
    facts: SubgraphFacts
    graph: str


class Merger:
    def __init__(
        self,
        subgraphs: list[Subgraph],
        facts: list[SubgraphFacts],
        errors: ErrorCollector,
    ) -> None:
        self.subgraphs = subgraphs
        self.facts = facts
        self.errors = errors
        self.graphs = [graph_enum_name(s.name) for s in subgraphs]
        self.implements: dict[str, set[str]] = {}
        self.composed = {name for subgraph in subgraphs for name in subgraph.composed_directives}
        for subgraph in subgraphs:
            for type_def in subgraph.types.values():
                self.implements.setdefault(type_def.name, set()).update(type_def.interfaces)
                for member in type_def.members:
                    self.implements.setdefault(member, set()).add(type_def.name)
        self.input_enums, self.output_enums = self._enum_positions()

    def _enum_positions(self) -> tuple[set[str], set[str]]:
        inputs: set[str] = set()
        outputs: set[str] = set()
        for subgraph in self.subgraphs:
            for type_def in subgraph.types.values():
                for field_def in type_def.fields.values():
                    outputs.add(typeref.named(field_def.type))
                    inputs.update(typeref.named(a.type) for a in field_def.args.values())
                inputs.update(typeref.named(f.type) for f in type_def.input_fields.values())
            for directive in subgraph.directive_defs.values():
                inputs.update(typeref.named(a.type) for a in directive.args.values())
        return inputs, outputs

    def error(
        self, code: str, message: str, sources: list[str], coordinate: str, hint: str
    ) -> None:
        self.errors.add(code, message, subgraphs=sources, coordinate=coordinate, hint=hint)

    # -- types ---------------------------------------------------------------

    def merge(self) -> Supergraph:
        names: list[str] = []
        for subgraph in self.subgraphs:
            names.extend(n for n in subgraph.types if n not in names)
        types: dict[str, MergedType] = {}
        for name in names:
            sources = [
                (Source(i, s, self.facts[i], self.graphs[i]), s.types[name])
                for i, s in enumerate(self.subgraphs)
                if name in s.types
            ]
            merged = self.merge_type(name, sources)
            if merged is not None:
                types[name] = merged
        self._add_interface_object_fields(types)
        roots = {ROOTS[name]: name for name in ROOTS if name in types}
        graphs = [Graph(self.graphs[i], s.name, s.url) for i, s in enumerate(self.subgraphs)]
        return Supergraph(graphs=graphs, types=types, roots=roots)

    def merge_type(self, name: str, sources: list[tuple[Source, TypeDef]]) -> MergedType | None:
        kinds = {
            ("interface" if t.kind == "object" and t.has("interfaceObject") else t.kind)
            for _, t in sources
        }
        if len(kinds) > 1:
            described = ", ".join(f'{t.kind} in "{s.subgraph.name}"' for s, t in sources)
            self.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" has mismatched kind: it is defined as {described}',
                [s.subgraph.name for s, _ in sources],
                name,
                "Declare the type with the same kind in every subgraph.",
            )
            return None
        kind = kinds.pop()
        merged = MergedType(name=name, kind=kind)
        merged.description = self.merge_description([t for _, t in sources])
        merged.directives, merged.inaccessible = self.merge_applied([t for _, t in sources])
        for source, type_def in sources:
            merged.joins.extend(self.join_types(source, type_def))
            for interface in type_def.interfaces:
                merged.implements.append((source.graph, interface))
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)
            for member in type_def.members:
                merged.members.append((source.graph, member))
        if kind in ("object", "interface"):
            self.merge_fields(merged, sources)
        elif kind == "enum":
            self.merge_enum(merged, sources)
        elif kind == "input":
            self.merge_input(merged, sources)
        return merged

    def join_types(self, source: Source, type_def: TypeDef) -> list[JoinType]:
        extension = is_extension(type_def)
        interface_object = type_def.has("interfaceObject")
        keys = type_def.applied("key")
        if not keys:
            return [
                JoinType(source.graph, extension=extension, is_interface_object=interface_object)
            ]
        return [
            JoinType(
                source.graph,
                key=str(key.args.get("fields", "")),
                extension=extension,
                resolvable=key.args.get("resolvable", True) is not False,
                is_interface_object=interface_object,
            )
            for key in keys
        ]

    def merge_description(self, elements: list[Element]) -> str | None:
        descriptions = [e.description for e in elements if e.description]
        if not descriptions:
            return None
        counts = Counter(descriptions)
        best = max(counts.values())
        return next(d for d in descriptions if counts[d] == best)

    def merge_applied(self, elements: list[Element]) -> tuple[list[str], bool]:
        """Printed @tag / @inaccessible / composed directives, and whether inaccessible."""
        printed: list[str] = []
        inaccessible = any(e.has("inaccessible") for e in elements)
        if inaccessible:
            printed.append("@inaccessible")
        for element in elements:
            for directive in element.directives:
                text = self.print_applied(directive)
                if text is not None and text not in printed:
                    printed.append(text)
        printed.extend(merged_spec_directives(elements))
        return printed, inaccessible

    def print_applied(self, directive: AppliedDirective) -> str | None:
        if directive.name == "tag":
            name = str(directive.args.get("name", ""))
            return f'@tag(name: "{name}")'
        if directive.name in self.composed:
            return print_ast(directive.node)
        return None

    # -- object and interface fields ----------------------------------------

    def merge_fields(self, merged: MergedType, sources: list[tuple[Source, TypeDef]]) -> None:
        names: list[str] = []
        for _, type_def in sources:
            names.extend(n for n in type_def.fields if n not in names)
        for field_name in names:
            field_sources = [
                (source, type_def.fields.get(field_name)) for source, type_def in sources
            ]
            merged_field = self.merge_field(merged, field_name, field_sources)
            if merged_field is not None:
                merged.fields[field_name] = merged_field

    def merge_field(
        self,
        merged: MergedType,
        name: str,
        sources: list[tuple[Source, FieldDef | None]],
    ) -> MergedField | None:
        coordinate = f"{merged.name}.{name}"
        present = [(s, f) for s, f in sources if f is not None]
        resolving = [(s, f) for s, f in present if not s.facts.is_external(merged.name, f.name)]
        if merged.kind == "object" and not resolving:
            self.error(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
                f"listed ({_subgraph_list(s.subgraph.name for s, _ in present)}).",
                [s.subgraph.name for s, _ in present],
                coordinate,
                "Define the field without @external in the subgraph that resolves it.",
            )
            return None
        field_type = self.merge_output_type(coordinate, resolving or present)
        if field_type is None:
            return None
        self.check_external_types(coordinate, field_type, present)
        result = MergedField(name=name, type=field_type)
        result.description = self.merge_description([f for _, f in present])
        result.directives, result.inaccessible = self.merge_applied([f for _, f in present])
        deprecated = next((f for _, f in present if f.has("deprecated")), None)
        if deprecated is not None:
            result.directives.append(_print_deprecated(deprecated.applied("deprecated")[0]))
        result.args = self.merge_arguments(coordinate, resolving or present)
        if resolving:
            self.check_external_arguments(coordinate, result.args, present)
        overridden = self.resolve_overrides(merged, name, present)
        if merged.kind == "object":
            self.check_sharing(coordinate, merged.name, present, overridden)
        result.joins = self.join_fields(merged, name, field_type, sources, overridden)
        return result

    def merge_output_type(
        self, coordinate: str, sources: list[tuple[Source, FieldDef]]
    ) -> str | None:
        result = sources[0][1].type
        for _, field_def in sources[1:]:
            if typeref.is_subtype(field_def.type, result, self.implements):
                continue
            if typeref.is_subtype(result, field_def.type, self.implements):
                result = field_def.type
                continue
            described = " and ".join(
                f'type "{f.type}" in subgraph "{s.subgraph.name}"' for s, f in sources
            )
            self.error(
                "FIELD_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs: it has '
                f"{described}",
                [s.subgraph.name for s, _ in sources],
                coordinate,
                "Give the field the same type (up to nullability) in every subgraph.",
            )
            return None
        return result

    def check_external_types(
        self, coordinate: str, merged_type: str, present: list[tuple[Source, FieldDef]]
    ) -> None:
        for source, field_def in present:
            parent, field_name = coordinate.split(".")
            if not source.facts.is_external(parent, field_name):
                continue
            if typeref.is_subtype(merged_type, field_def.type, self.implements):
                continue
            self.error(
                "EXTERNAL_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs (where marked '
                f'@external): it has type "{merged_type}" in the subgraphs resolving it but '
                f'type "{field_def.type}" in subgraph "{source.subgraph.name}"',
                [source.subgraph.name],
                coordinate,
                "Declare the @external field with the type of the subgraph that resolves it.",
            )

    def check_external_arguments(
        self,
        coordinate: str,
        merged_args: dict[str, MergedInputValue],
        present: list[tuple[Source, FieldDef]],
    ) -> None:
        """An @external declaration must repeat the owner's arguments faithfully."""
        parent, field_name = coordinate.split(".")
        for source, field_def in present:
            if not source.facts.is_external(parent, field_name):
                continue
            where = f'subgraph "{source.subgraph.name}" (where "{coordinate}" is @external)'
            for name, merged in merged_args.items():
                arg = field_def.args.get(name)
                arg_coordinate = f"{coordinate}({name}:)"
                if arg is None:
                    self.error(
                        "EXTERNAL_ARGUMENT_MISSING",
                        f'Field "{coordinate}" is missing argument "{arg_coordinate}" in some '
                        f"subgraphs where it is marked @external: it is not declared in {where}.",
                        [source.subgraph.name],
                        arg_coordinate,
                        "Declare the same arguments on the @external field.",
                    )
                elif arg.type != merged.type:
                    self.error(
                        "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
                        f'Type of argument "{arg_coordinate}" is incompatible across subgraphs '
                        f'(where "{coordinate}" is marked @external): it has type '
                        f'"{merged.type}" where resolved but type "{arg.type}" in {where}',
                        [source.subgraph.name],
                        arg_coordinate,
                        "Give the argument the same type on the @external field.",
                    )
                elif arg.default != merged.default:
                    self.error(
                        "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
                        f'Argument "{arg_coordinate}" has incompatible defaults across '
                        f'subgraphs (where "{coordinate}" is marked @external): it has '
                        f"default {merged.default} where resolved but {arg.default} in {where}",
                        [source.subgraph.name],
                        arg_coordinate,
                        "Give the argument the same default on the @external field.",
                    )

    def merge_arguments(
        self, coordinate: str, sources: list[tuple[Source, FieldDef]]
    ) -> dict[str, MergedInputValue]:
        names: list[str] = []
        for _, field_def in sources:
            names.extend(n for n in field_def.args if n not in names)
        result: dict[str, MergedInputValue] = {}
        for name in names:
            values = [(s, f.args.get(name)) for s, f in sources]
            merged = self.merge_input_value(f"{coordinate}({name}:)", values, argument=True)
            if merged is not None:
                result[name] = merged
        return result

    def merge_input_value(
        self,
        coordinate: str,
        values: list[tuple[Source, InputValue | None]],
        *,
        argument: bool,
    ) -> MergedInputValue | None:
        present = [(s, v) for s, v in values if v is not None]
        missing = [s.subgraph.name for s, v in values if v is None]
        what = "Argument" if argument else "Input object field"
        if missing:
            required = [
                s.subgraph.name
                for s, v in present
                if typeref.is_non_null(v.type) and v.default is None
            ]
            if required:
                code = (
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH"
                    if argument
                    else "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH"
                )
                self.error(
                    code,
                    f'{what} "{coordinate}" is required in some subgraphs but does not appear '
                    f"in all subgraphs: it is required in {_subgraph_list(required)} but does "
                    f"not appear in {_subgraph_list(missing)}",
                    required + missing,
                    coordinate,
                    "Add it to every subgraph, or make it optional everywhere.",
                )
            return None
        result_type = present[0][1].type
        for _source, value in present[1:]:
            if typeref.is_subtype(value.type, result_type, self.implements):
                result_type = value.type
            elif not typeref.is_subtype(result_type, value.type, self.implements):
                described = " and ".join(
                    f'type "{v.type}" in subgraph "{s.subgraph.name}"' for s, v in present
                )
                self.error(
                    "FIELD_ARGUMENT_TYPE_MISMATCH" if argument else "FIELD_TYPE_MISMATCH",
                    f'Type of {what.lower()} "{coordinate}" is incompatible across subgraphs: '
                    f"it has {described}",
                    [s.subgraph.name for s, _ in present],
                    coordinate,
                    "Give it the same type (up to nullability) in every subgraph.",
                )
                return None
        defaults = {v.default for _, v in present}
        if len(defaults) > 1:
            described = " and ".join(
                (f"default value {v.default}" if v.default else "no default value")
                + f' in subgraph "{s.subgraph.name}"'
                for s, v in present
            )
            code = "FIELD_ARGUMENT_DEFAULT_MISMATCH" if argument else "INPUT_FIELD_DEFAULT_MISMATCH"
            self.error(
                code,
                f'{what} "{coordinate}" has incompatible default values across subgraphs: it '
                f"has {described}",
                [s.subgraph.name for s, _ in present],
                coordinate,
                "Use the same default value in every subgraph.",
            )
            return None
        result = MergedInputValue(name=present[0][1].name, type=result_type)
        result.default = present[0][1].default
        result.description = self.merge_description([v for _, v in present])
        result.directives, _ = self.merge_applied([v for _, v in present])
        deprecated = next((v for _, v in present if v.has("deprecated")), None)
        if deprecated is not None:
            result.directives.append(_print_deprecated(deprecated.applied("deprecated")[0]))
        if any(v.type != result_type for _, v in present) and not argument:
            result.joins = [JoinField(s.graph, type=v.type) for s, v in present]
        return result

    def resolve_overrides(
        self, merged: MergedType, name: str, present: list[tuple[Source, FieldDef]]
    ) -> dict[int, tuple[bool, str | None]]:
        """Subgraphs whose field is taken over: index -> (still used there, label)."""
        overridden: dict[int, tuple[bool, str | None]] = {}
        by_name = {s.subgraph.name: (s, f) for s, f in present}
        for source, field_def in present:
            for override in field_def.applied("override"):
                origin = str(override.args.get("from", ""))
                label = override.args.get("label")
                if origin not in by_name or origin == source.subgraph.name:
                    continue
                origin_source, origin_field = by_name[origin]
                if origin_field.has("override"):
                    self.error(
                        "OVERRIDE_SOURCE_HAS_OVERRIDE",
                        f'Field "{merged.name}.{name}" on subgraph "{source.subgraph.name}" is '
                        f'also marked with directive @override in subgraph "{origin}". Only one '
                        "@override directive is allowed per field.",
                        [source.subgraph.name, origin],
                        f"{merged.name}.{name}",
                        "Keep @override only in the subgraph the field moves to.",
                    )
                    continue
                if origin_field.has("requires"):
                    self.error(
                        "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        f'@override cannot be used on field "{merged.name}.{name}" on subgraph '
                        f'"{source.subgraph.name}" since "{merged.name}.{name}" on "{origin}" '
                        'is marked with directive "@requires"',
                        [source.subgraph.name, origin],
                        f"{merged.name}.{name}",
                        f'Remove @requires from the field in "{origin}" before moving it.',
                    )
                    continue
                if origin_source.facts.is_external(merged.name, name):
                    continue
                used = (merged.name, name) in origin_source.facts.used
                overridden[origin_source.index] = (
                    used,
                    str(label) if label is not None else None,
                )
        return overridden

    def check_sharing(
        self,
        coordinate: str,
        type_name: str,
        present: list[tuple[Source, FieldDef]],
        overridden: dict[int, tuple[bool, str | None]],
    ) -> None:
        resolving: list[str] = []
        non_shareable: list[str] = []
        for source, field_def in present:
            if source.index in overridden:
                continue
            if source.facts.is_fully_external(type_name, field_def.name):
                continue
            resolving.append(source.subgraph.name)
            if (type_name, field_def.name) not in source.facts.shareable:
                non_shareable.append(source.subgraph.name)
        if non_shareable and len(resolving) > 1:
            which = (
                _subgraph_list(non_shareable)
                if len(non_shareable) < len(resolving)
                else "all of them"
            )
            self.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is '
                f"resolved from {_subgraph_list(resolving)} and defined as non-shareable in "
                f"{which}",
                resolving,
                coordinate,
                "Mark the field @shareable in every subgraph that resolves it, or use "
                "@override to move it, or @external if this subgraph only needs it.",
            )

    def join_fields(
        self,
        merged: MergedType,
        name: str,
        field_type: str,
        sources: list[tuple[Source, FieldDef | None]],
        overridden: dict[int, tuple[bool, str | None]],
    ) -> list[JoinField] | None:
        joins: list[JoinField] = []
        # Apollo spells out every subgraph's type as soon as they are not all equal.
        all_types_equal = all(f.type == field_type for _, f in sources if f is not None)
        needed = not all_types_equal
        for source, field_def in sources:
            if field_def is None:
                needed = True
                continue
            used, label = overridden.get(source.index, (True, None))
            if source.index in overridden and not used and label is None:
                needed = True
                continue
            external = source.facts.is_external(merged.name, name)
            requires = field_def.applied("requires")
            provides = field_def.applied("provides")
            override = [
                o
                for o in field_def.applied("override")
                if self.override_applies(o, merged.name, name)
            ]
            join = JoinField(
                source.graph,
                requires=str(requires[0].args.get("fields")) if requires else None,
                provides=str(provides[0].args.get("fields")) if provides else None,
                type=None if all_types_equal else field_def.type,
                external=external,
                override=str(override[0].args.get("from")) if override else None,
            )
            if override and override[0].args.get("label") is not None:
                join.override_label = str(override[0].args.get("label"))
            if source.index in overridden:
                join.used_overridden = used
                join.override_label = label
            if (
                external
                or join.requires
                or join.provides
                or join.used_overridden
                or join.override_label
            ):
                needed = True
            joins.append(join)
        return joins if needed else None

    def override_applies(self, override: AppliedDirective, type_name: str, name: str) -> bool:
        """Apollo drops an @override whose known source subgraph lacks the field."""
        origin = str(override.args.get("from", ""))
        for subgraph in self.subgraphs:
            if subgraph.name == origin:
                return subgraph.field(type_name, name) is not None
        return True

    def _add_interface_object_fields(self, types: dict[str, MergedType]) -> None:
        """Fields an @interfaceObject adds to an interface reach its implementations."""
        for interface in types.values():
            if interface.kind != "interface":
                continue
            if not any(j.is_interface_object for j in interface.joins):
                continue
            for implementation in types.values():
                if interface.name not in implementation.interfaces:
                    continue
                for field_name, field_def in interface.fields.items():
                    if field_name not in implementation.fields:
                        implementation.fields[field_name] = MergedField(
                            name=field_name,
                            type=field_def.type,
                            args=dict(field_def.args),
                            description=field_def.description,
                            directives=list(field_def.directives),
                            joins=[JoinField(None)],
                        )

    # -- enums and inputs ------------------------------------------------------

    def merge_enum(self, merged: MergedType, sources: list[tuple[Source, TypeDef]]) -> None:
        names: list[str] = []
        for _, type_def in sources:
            names.extend(n for n in type_def.values if n not in names)
        as_input = merged.name in self.input_enums
        as_output = merged.name in self.output_enums
        for value_name in names:
            having = [(s, t.values[value_name]) for s, t in sources if value_name in t.values]
            lacking = [s.subgraph.name for s, t in sources if value_name not in t.values]
            if lacking and as_input and as_output:
                self.error(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{merged.name}" is used as both input type and output type, but '
                    f'value "{value_name}" is not defined in all the subgraphs defining '
                    f'"{merged.name}": "{value_name}" is defined in '
                    f"{_subgraph_list(s.subgraph.name for s, _ in having)} but not in "
                    f"{_subgraph_list(lacking)}",
                    [s.subgraph.name for s, _ in having] + lacking,
                    f"{merged.name}.{value_name}",
                    "Define the value in every subgraph that declares the enum.",
                )
                continue
            if lacking and as_input:
                continue
            value = MergedEnumValue(name=value_name, graphs=[s.graph for s, _ in having])
            value.description = self.merge_description([v for _, v in having])
            value.directives, value.inaccessible = self.merge_applied([v for _, v in having])
            deprecated = next((v for _, v in having if v.has("deprecated")), None)
            if deprecated is not None:
                value.directives.append(_print_deprecated(deprecated.applied("deprecated")[0]))
            merged.values[value_name] = value
        if not merged.values and names:
            self.error(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{merged.name}" are defined consistently in '
                "all the subgraphs defining that type. As only values common to all subgraphs "
                "are merged, this would result in an empty type.",
                [s.subgraph.name for s, _ in sources],
                merged.name,
                "Define at least one value in every subgraph that declares the enum.",
            )

    def merge_input(self, merged: MergedType, sources: list[tuple[Source, TypeDef]]) -> None:
        names: list[str] = []
        for _, type_def in sources:
            names.extend(n for n in type_def.input_fields if n not in names)
        for field_name in names:
            values = [(s, t.input_fields.get(field_name)) for s, t in sources]
            value = self.merge_input_value(f"{merged.name}.{field_name}", values, argument=False)
            if value is not None:
                merged.input_fields[field_name] = value
        if names and not merged.input_fields and not self._input_errors_for(merged.name):
            self.error(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{merged.name}" are consistently '
                "defined in all the subgraphs defining that type. As only fields common to all "
                "subgraphs are merged, this would result in an empty type.",
                [s.subgraph.name for s, _ in sources],
                merged.name,
                "Define at least one field in every subgraph that declares the input type.",
            )

    def _input_errors_for(self, type_name: str) -> bool:
        return any((e.coordinate or "").startswith(type_name + ".") for e in self.errors.errors)


def _print_deprecated(directive: AppliedDirective) -> str:
    return print_ast(directive.node)


def _subgraph_list(names: Iterable[str]) -> str:
    items = [f'"{n}"' for n in names]
    if len(items) == 1:
        return f"subgraph {items[0]}"
    return "subgraphs " + ", ".join(items[:-1]) + " and " + items[-1]
