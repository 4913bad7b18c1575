"""Can every field of the supergraph be fetched from wherever a query meets its type?

A simplified form of Apollo's satisfiability validation: for every subgraph S
and every object type T that a query can reach inside S (from S's roots, or by
entering S through a resolvable @key), each supergraph field of T must either be
resolved by S or be reachable by jumping to another subgraph through a @key of
T that the subgraphs already visited can fill in. Requirements of @requires and
paths through interfaces are not explored (Apollo's check is exhaustive; this
one catches the common mistakes: a field added to a shared value type in one
subgraph only, or an entity with no resolvable key where a field lives).
"""

from __future__ import annotations

from supergraph.composition import fieldset, typeref
from supergraph.composition.errors import ErrorCollector
from supergraph.composition.facts import SubgraphFacts
from supergraph.composition.model import Subgraph
from supergraph.composition.supergraph_model import Supergraph

ROOT_TYPES = ("Query", "Mutation", "Subscription")


def _resolvable_keys(subgraph: Subgraph, type_name: str) -> list[str]:
    type_def = subgraph.types.get(type_name)
    if type_def is None:
        return []
    return [
        str(key.args.get("fields", ""))
        for key in type_def.applied("key")
        if key.args.get("resolvable", True) is not False
    ]


def _reachable_types(subgraph: Subgraph, facts: SubgraphFacts) -> set[str]:
    entry = {name for name in ROOT_TYPES if name in subgraph.types}
    entry |= {name for name in subgraph.types if _resolvable_keys(subgraph, name)}
    seen: set[str] = set()
    pending = list(entry)
    while pending:
        name = pending.pop()
        if name in seen or name not in subgraph.types:
            continue
        seen.add(name)
        type_def = subgraph.types[name]
        if type_def.kind == "union":
            pending.extend(type_def.members)
        if type_def.kind == "interface":
            pending.extend(t.name for t in subgraph.types.values() if name in t.interfaces)
        for field_def in type_def.fields.values():
            if not facts.is_fully_external(name, field_def.name):
                pending.append(typeref.named(field_def.type))
    return seen


def _key_available(subgraph: Subgraph, facts: SubgraphFacts, type_name: str, key: str) -> bool:
    found, problems = fieldset.targets(subgraph, type_name, key)
    return not problems and all(
        not facts.is_fully_external(t.parent, t.selection.name) for t in found
    )


def validate_satisfiability(
    supergraph: Supergraph,
    subgraphs: list[Subgraph],
    facts: list[SubgraphFacts],
    errors: ErrorCollector,
) -> None:
    interface_objects = {
        name
        for subgraph in subgraphs
        for name, type_def in subgraph.types.items()
        if type_def.has("interfaceObject")
    }
    for index, subgraph in enumerate(subgraphs):
        for type_name in sorted(_reachable_types(subgraph, facts[index])):
            merged = supergraph.types.get(type_name)
            if merged is None or merged.kind != "object" or type_name in ROOT_TYPES:
                continue
            if type_name in interface_objects or set(merged.interfaces) & interface_objects:
                continue
            _check_type(subgraphs, facts, index, type_name, list(merged.fields), errors)


def _check_type(
    subgraphs: list[Subgraph],
    facts: list[SubgraphFacts],
    start: int,
    type_name: str,
    field_names: list[str],
    errors: ErrorCollector,
) -> None:
    # Subgraphs a query at `type_name` in `start` can move to through keys.
    visited = {start}
    changed = True
    while changed:
        changed = False
        for index, subgraph in enumerate(subgraphs):
            if index in visited:
                continue
            for key in _resolvable_keys(subgraph, type_name):
                if any(_key_available(subgraphs[v], facts[v], type_name, key) for v in visited):
                    visited.add(index)
                    changed = True
                    break
    for field_name in field_names:
        resolvers = [
            index
            for index, subgraph in enumerate(subgraphs)
            if subgraph.field(type_name, field_name) is not None
            and not facts[index].is_fully_external(type_name, field_name)
        ]
        if not resolvers or any(index in visited for index in resolvers):
            continue
        origin = subgraphs[start].name
        owners = [subgraphs[i].name for i in resolvers]
        errors.add(
            "SATISFIABILITY_ERROR",
            f"The following supergraph API query cannot be satisfied: field "
            f'"{type_name}.{field_name}" cannot be reached when "{type_name}" is resolved by '
            f'subgraph "{origin}": it is only resolved by '
            + ", ".join(f'"{o}"' for o in owners)
            + f', and no resolvable @key of "{type_name}" there can be filled from "{origin}".',
            subgraphs=[origin, *owners],
            coordinate=f"{type_name}.{field_name}",
            hint=f'Add "{field_name}" to "{type_name}" in "{origin}" (for a shared value type),'
            f' or give "{type_name}" a resolvable @key in {", ".join(owners)} whose fields '
            f'"{origin}" has.',
        )
