"""Checks on the merged result: @inaccessible, @interfaceObject, root types."""

from __future__ import annotations

from graphql import EnumValueNode, ListValueNode, ObjectValueNode, ValueNode, parse_value

from supergraph.composition import typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.model import Subgraph
from supergraph.composition.supergraph_model import MergedType, Supergraph


def validate_supergraph(
    supergraph: Supergraph, subgraphs: list[Subgraph], errors: ErrorCollector
) -> None:
    query = supergraph.types.get("Query")
    if query is None or not query.fields:
        errors.add(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type.",
            hint="Add a Query type with at least one field to one subgraph.",
        )
    _check_interface_objects(supergraph, subgraphs, errors)
    _check_implementations(supergraph, errors)
    _check_inaccessible(supergraph, errors)


def _check_interface_objects(
    supergraph: Supergraph, subgraphs: list[Subgraph], errors: ErrorCollector
) -> None:
    for subgraph in subgraphs:
        for type_def in subgraph.types.values():
            if type_def.kind == "object" and type_def.has("interfaceObject"):
                defines_interface = any(
                    (other_type := other.types.get(type_def.name)) is not None
                    and other_type.kind == "interface"
                    for other in subgraphs
                )
                if not defines_interface:
                    errors.add(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'Type "{type_def.name}" is declared with @interfaceObject in all the '
                        "subgraphs in which is is defined (it is defined in subgraph "
                        f'"{subgraph.name}" but should be defined as an interface in at least '
                        "one subgraph)",
                        subgraphs=[subgraph.name],
                        coordinate=type_def.name,
                        hint="Declare the interface (with its @key) in the owning subgraph.",
                    )
            if type_def.kind == "interface" and type_def.has("key"):
                merged = supergraph.types.get(type_def.name)
                implementations = sorted(
                    t.name
                    for t in supergraph.types.values()
                    if t.kind == "object" and type_def.name in t.interfaces
                )
                local = {t.name for t in subgraph.types.values() if type_def.name in t.interfaces}
                missing = [name for name in implementations if name not in local]
                if merged is not None and missing:
                    errors.add(
                        "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                        f'[{subgraph.name}] Interface type "{type_def.name}" has a resolvable '
                        f'key (@key(fields: "{type_def.applied("key")[0].args.get("fields")}"))'
                        f' in subgraph "{subgraph.name}" but that subgraph is missing some of '
                        "the supergraph implementation types of "
                        f'"{type_def.name}". Subgraph "{subgraph.name}" should define type'
                        f"{'s' if len(missing) > 1 else ''} "
                        + ", ".join(f'"{name}"' for name in missing)
                        + " (and have "
                        + ("them" if len(missing) > 1 else "it")
                        + f' implement "{type_def.name}").',
                        subgraphs=[subgraph.name],
                        coordinate=type_def.name,
                        hint="Define every implementation in the subgraph that keys the interface.",
                    )


def _check_implementations(supergraph: Supergraph, errors: ErrorCollector) -> None:
    for type_def in supergraph.types.values():
        for interface_name in type_def.interfaces:
            interface = supergraph.types.get(interface_name)
            if interface is None:
                continue
            for field_name in interface.fields:
                if field_name not in type_def.fields:
                    errors.add(
                        "INTERFACE_FIELD_NO_IMPLEM",
                        f'Interface field "{interface_name}.{field_name}" is declared in '
                        f'some subgraph but type "{type_def.name}", which implements '
                        f'"{interface_name}" only in some subgraphs, does not have field '
                        f'"{field_name}".',
                        coordinate=f"{type_def.name}.{field_name}",
                        hint=f'Add "{field_name}" to "{type_def.name}" in a subgraph.',
                    )


def _hidden(supergraph: Supergraph, ref: str) -> bool:
    target = supergraph.types.get(typeref.named(ref))
    return target is not None and target.inaccessible


def _check_inaccessible(supergraph: Supergraph, errors: ErrorCollector) -> None:
    query = supergraph.types.get("Query")
    if query is not None and query.inaccessible:
        errors.add(
            "QUERY_ROOT_TYPE_INACCESSIBLE",
            'Type "Query" is @inaccessible but is the query root type, which must be in the '
            "API schema.",
            coordinate="Query",
            hint="Remove @inaccessible from the query root type.",
        )
    for type_def in supergraph.types.values():
        if type_def.inaccessible:
            continue
        _check_children(type_def, errors)
        for field_def in type_def.fields.values():
            coordinate = f"{type_def.name}.{field_def.name}"
            if field_def.inaccessible:
                _check_implemented_by_inaccessible(supergraph, type_def, field_def.name, errors)
                continue
            if _hidden(supergraph, field_def.type):
                _referenced(errors, coordinate, typeref.named(field_def.type))
            for arg in field_def.args.values():
                arg_coordinate = f"{coordinate}({arg.name}:)"
                if "@inaccessible" in arg.directives:
                    if typeref.is_non_null(arg.type) and arg.default is None:
                        _required(errors, arg_coordinate)
                elif _hidden(supergraph, arg.type):
                    _referenced(errors, arg_coordinate, typeref.named(arg.type))
                else:
                    _check_default(supergraph, arg_coordinate, arg.type, arg.default, errors)
        for input_field in type_def.input_fields.values():
            coordinate = f"{type_def.name}.{input_field.name}"
            if "@inaccessible" in input_field.directives:
                if typeref.is_non_null(input_field.type) and input_field.default is None:
                    _required(errors, coordinate)
            elif _hidden(supergraph, input_field.type):
                _referenced(errors, coordinate, typeref.named(input_field.type))
            else:
                _check_default(
                    supergraph, coordinate, input_field.type, input_field.default, errors
                )


def _hidden_enum_values(supergraph: Supergraph, ref: str, value: ValueNode) -> list[str]:
    """Coordinates of @inaccessible enum values a (default) value mentions."""
    target = supergraph.types.get(typeref.named(ref))
    if isinstance(value, ListValueNode):
        inner = typeref.item(ref) if typeref.is_list(ref) else ref
        return [c for v in value.values for c in _hidden_enum_values(supergraph, inner, v)]
    if target is None:
        return []
    if isinstance(value, EnumValueNode) and target.kind == "enum":
        enum_value = target.values.get(value.value)
        hidden = enum_value is not None and enum_value.inaccessible
        return [f"{target.name}.{value.value}"] if hidden else []
    if isinstance(value, ObjectValueNode) and target.kind == "input":
        found = []
        for field_node in value.fields:
            input_field = target.input_fields.get(field_node.name.value)
            if input_field is not None:
                found += _hidden_enum_values(supergraph, input_field.type, field_node.value)
        return found
    return []


def _check_default(
    supergraph: Supergraph,
    coordinate: str,
    ref: str,
    default: str | None,
    errors: ErrorCollector,
) -> None:
    if default is None:
        return
    for enum_value in _hidden_enum_values(supergraph, ref, parse_value(default)):
        errors.add(
            "DEFAULT_VALUE_USES_INACCESSIBLE",
            f'Enum value "{enum_value}" is @inaccessible but is used in the default value of '
            f'"{coordinate}", which is in the API schema.',
            coordinate=coordinate,
            hint="Change the default value, or make the argument/field @inaccessible too.",
        )


def _check_children(type_def: MergedType, errors: ErrorCollector) -> None:
    children: list[bool] = []
    if type_def.kind in ("object", "interface"):
        children = [f.inaccessible for f in type_def.fields.values()]
    elif type_def.kind == "input":
        children = ["@inaccessible" in f.directives for f in type_def.input_fields.values()]
    elif type_def.kind == "enum":
        children = [v.inaccessible for v in type_def.values.values()]
    if children and all(children):
        errors.add(
            "ONLY_INACCESSIBLE_CHILDREN",
            f'Type "{type_def.name}" is in the API schema but all of its members are '
            "@inaccessible.",
            coordinate=type_def.name,
            hint="Keep at least one member accessible, or make the type @inaccessible too.",
        )


def _check_implemented_by_inaccessible(
    supergraph: Supergraph, type_def: MergedType, field_name: str, errors: ErrorCollector
) -> None:
    for interface_name in type_def.interfaces:
        interface = supergraph.types.get(interface_name)
        if interface is None or interface.inaccessible:
            continue
        interface_field = interface.fields.get(field_name)
        if interface_field is not None and not interface_field.inaccessible:
            errors.add(
                "IMPLEMENTED_BY_INACCESSIBLE",
                f'Field "{type_def.name}.{field_name}" is @inaccessible but implements the '
                f'interface field "{interface_name}.{field_name}", which is in the API schema.',
                coordinate=f"{type_def.name}.{field_name}",
                hint="Make the interface field @inaccessible too, or this one accessible.",
            )


def _referenced(errors: ErrorCollector, coordinate: str, type_name: str) -> None:
    errors.add(
        "REFERENCED_INACCESSIBLE",
        f'Type "{type_name}" is @inaccessible but is referenced by "{coordinate}", which is '
        "in the API schema.",
        coordinate=coordinate,
        hint=f'Make "{coordinate}" @inaccessible too, or "{type_name}" accessible.',
    )


def _required(errors: ErrorCollector, coordinate: str) -> None:
    errors.add(
        "REQUIRED_INACCESSIBLE",
        f'Argument or input field "{coordinate}" is @inaccessible but is required.',
        coordinate=coordinate,
        hint="Give it a default value or make it nullable before hiding it.",
    )
