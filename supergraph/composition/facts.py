"""What a subgraph's federation directives mean for each field.

Composition keeps asking the same questions (is this field external? shareable?
part of a key?); this module answers them once per subgraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from supergraph.composition import fieldset, typeref
from supergraph.composition.model import FieldDef, Subgraph, TypeDef

Coordinate = tuple[str, str]


def is_extension(type_def: TypeDef) -> bool:
    """Apollo's "federation type extension": `extend type` only, or `@extends`."""
    return type_def.has("extends") or (type_def.has_extension and not type_def.has_definition)


@dataclass
class SubgraphFacts:
    subgraph: Subgraph
    key_fields: set[Coordinate] = field(default_factory=set)
    external: set[Coordinate] = field(default_factory=set)
    provided: set[Coordinate] = field(default_factory=set)
    used: set[Coordinate] = field(default_factory=set)
    shareable: set[Coordinate] = field(default_factory=set)
    requires_targets: set[Coordinate] = field(default_factory=set)

    def is_external(self, type_name: str, field_name: str) -> bool:
        return (type_name, field_name) in self.external

    def is_fully_external(self, type_name: str, field_name: str) -> bool:
        coordinate = (type_name, field_name)
        return coordinate in self.external and coordinate not in self.provided


def _collect(
    subgraph: Subgraph, parent: str, text: str, *, with_implementations: bool
) -> list[fieldset.Target]:
    found, _ = fieldset.targets(subgraph, parent, text)
    if with_implementations:
        extra: list[fieldset.Target] = []
        for target in found:
            owner = subgraph.types.get(target.parent)
            if owner is None or owner.kind != "interface":
                continue
            for type_def in subgraph.types.values():
                if target.parent in type_def.interfaces:
                    implementation = type_def.fields.get(target.selection.name)
                    if implementation is not None:
                        extra.append(
                            fieldset.Target(
                                type_def.name, target.selection, implementation, target.depth
                            )
                        )
        found += extra
    return found


def compute_facts(subgraph: Subgraph) -> SubgraphFacts:
    facts = SubgraphFacts(subgraph)
    fake_external: set[Coordinate] = set()
    for type_def in subgraph.types.values():
        if type_def.kind not in ("object", "interface"):
            continue
        # Apollo: @external on a type covers every field of it, in any block.
        type_external = type_def.kind == "object" and type_def.has("external")
        for field_def in type_def.fields.values():
            if field_def.has("external") or type_external:
                facts.external.add((type_def.name, field_def.name))
        for key in type_def.applied("key"):
            text = str(key.args.get("fields", ""))
            for target in _collect(subgraph, type_def.name, text, with_implementations=True):
                facts.key_fields.add((target.parent, target.selection.name))
                facts.used.add((target.parent, target.selection.name))
            if key.in_extension or type_def.has("extends"):
                for target in _collect(subgraph, type_def.name, text, with_implementations=False):
                    if target.definition is not None and target.definition.has("external"):
                        fake_external.add((target.parent, target.selection.name))
    facts.external -= fake_external
    for type_def in subgraph.types.values():
        for field_def in type_def.fields.values():
            _field_facts(facts, subgraph, type_def, field_def)
    for type_def in subgraph.types.values():
        for interface in type_def.interfaces:
            interface_def = subgraph.types.get(interface)
            for name in interface_def.fields if interface_def else ():
                if name in type_def.fields:
                    facts.used.add((type_def.name, name))
    facts.shareable |= facts.key_fields
    return facts


def _field_facts(
    facts: SubgraphFacts, subgraph: Subgraph, type_def: TypeDef, field_def: FieldDef
) -> None:
    coordinate = (type_def.name, field_def.name)
    type_shareable = type_def.applied("shareable")
    if field_def.has("shareable") or any(
        d.in_extension == field_def.in_extension for d in type_shareable
    ):
        facts.shareable.add(coordinate)
    for requires in field_def.applied("requires"):
        text = str(requires.args.get("fields", ""))
        for target in _collect(subgraph, type_def.name, text, with_implementations=False):
            facts.used.add((target.parent, target.selection.name))
            facts.requires_targets.add((target.parent, target.selection.name))
    returned = typeref.named(field_def.type)
    for provides in field_def.applied("provides"):
        text = str(provides.args.get("fields", ""))
        for target in _collect(subgraph, returned, text, with_implementations=True):
            target_coordinate = (target.parent, target.selection.name)
            facts.used.add(target_coordinate)
            if target_coordinate in facts.external:
                facts.provided.add(target_coordinate)
                facts.shareable.add(target_coordinate)
