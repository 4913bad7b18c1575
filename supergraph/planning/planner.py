"""Turns a normalised operation into the fewest subgraph fetches in the fewest waves.

The planner walks the operation once. Fields stay in the subgraph that fetched their
parent whenever it can resolve them (directly or through `@provides`); otherwise an
entity fetch is attached to that parent at the field's path, keyed by a `@key` the
parent can provide. `@requires` fields are planned like any other field at the same
path, and the entity fetch depends on whatever fetches produce them. Finally every
fetch gets a wave number (one more than its deepest dependency), and entity fetches
of one subgraph in the same wave are merged into one request.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_object_type,
    print_ast,
)

from supergraph.model.types import FieldInfo, Key, Supergraph
from supergraph.planning.operation import INTROSPECTION_FIELDS, Normalizer, OpField
from supergraph.planning.plan import EntityInput, Fetch, Path, PathSegment, QueryPlan
from supergraph.planning.subgraph_selection import QSelection
from supergraph.planning.variables import VariableDeclarations

# Type name -> field name -> what is provided below that field.
Provided = dict[str, dict[str, "Provided"]]

_MAX_KEY_HOPS = 4
_NO_FIELD = FieldInfo(name="")


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph."""


@dataclass(eq=False)
class _Group:
    id: int
    graph: str
    kind: str
    segment: int
    is_root: bool
    selection: QSelection = field(default_factory=QSelection)
    inputs: dict[tuple[Path, str], EntityInput] = field(default_factory=dict)
    deps: set[_Group] = field(default_factory=set)


class Planner:
    """Plans operations over one supergraph (stateless between calls)."""

    def __init__(self, model: Supergraph) -> None:
        self._model = model
        self._field_sets = Normalizer(model.full_schema, {}, {})

    def plan(
        self, kind: str, root_fields: list[OpField], variables: VariableDeclarations
    ) -> QueryPlan:
        return _PlanBuilder(self._model, self._field_sets).build(kind, root_fields, variables)


class _PlanBuilder:
    def __init__(self, model: Supergraph, field_sets: Normalizer) -> None:
        self._model = model
        self._field_sets = field_sets
        self._groups: list[_Group] = []
        self._children: dict[tuple[int, str, Path, str], _Group] = {}
        self._hops = 0

    # --- building groups -------------------------------------------------------------

    def build(
        self, kind: str, root_fields: list[OpField], variables: VariableDeclarations
    ) -> QueryPlan:
        root_type = self._model.root_types.get(kind)
        if root_type is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        roots: dict[str, _Group] = {}
        last: _Group | None = None
        segment = 0
        for op_field in root_fields:
            if op_field.name == "__typename" or op_field.name in INTROSPECTION_FIELDS:
                continue
            info = self._model.field(root_type, op_field.name)
            candidates = info.resolving_graphs() if info is not None else []
            if not candidates:
                raise PlanningError(f"no subgraph resolves {root_type}.{op_field.name}")
            if kind == "mutation":
                # Mutation fields run in order, each resolved completely (its entity
                # follow-ups included) before the next starts. So consecutive fields
                # of one subgraph share a fetch only while that fetch has no follow-ups:
                # those would run after the later fields and see their effects.
                preferred = [last.graph] if last is not None else []
                graph = self._choose(candidates, preferred, root_type, op_field)
                if last is None or last.graph != graph or self._has_followups(segment):
                    segment += 1
                    last = self._new_group(graph, kind, segment, is_root=True)
                group = last
            else:
                graph = self._choose(candidates, list(roots), root_type, op_field)
                group = roots.get(graph) or roots.setdefault(
                    graph, self._new_group(graph, kind, 0, is_root=True)
                )
            self._add_local(group, group.selection, root_type, op_field, (), None)
        return self._finish(variables)

    def _has_followups(self, segment: int) -> bool:
        """Whether any fetch besides the root fetch belongs to this segment."""
        return any(g.segment == segment and not g.is_root for g in self._groups)

    def _new_group(self, graph: str, kind: str, segment: int, *, is_root: bool) -> _Group:
        group = _Group(len(self._groups), graph, kind, segment, is_root)
        self._groups.append(group)
        return group

    def _plan_fields(
        self,
        group: _Group,
        target: QSelection,
        type_name: str,
        fields: list[OpField],
        path: Path,
        provided: Provided | None,
    ) -> set[_Group]:
        touched: set[_Group] = set()
        for op_field in fields:
            if op_field.name != "__typename":
                target.reserve(op_field.key, op_field.name, op_field.arguments)
        remote = [
            f
            for f in fields
            if f.name != "__typename"
            and not self._is_local(group.graph, type_name, f.name, provided)
        ]
        # Sibling fields vote for the subgraphs that resolve them, so that one entity
        # fetch serves as many of them as possible.
        votes: Counter[str] = Counter(
            g
            for f in remote
            for g in (self._model.field(type_name, f.name) or _NO_FIELD).resolving_graphs()
        )
        for op_field in fields:
            if op_field.name == "__typename":
                target.add_typename()
                touched.add(group)
            elif op_field in remote:
                touched |= self._plan_remote(
                    group, target, type_name, op_field, path, provided, votes=votes
                )
            else:
                touched |= self._add_local(group, target, type_name, op_field, path, provided)
        return touched

    def _is_local(
        self, graph: str, type_name: str, field_name: str, provided: Provided | None
    ) -> bool:
        if provided is not None and field_name in provided.get(type_name, {}):
            return True
        info = self._model.field(type_name, field_name)
        in_graph = info.graphs.get(graph) if info is not None else None
        return in_graph is not None and in_graph.resolvable and in_graph.requires is None

    def _add_local(
        self,
        group: _Group,
        target: QSelection,
        type_name: str,
        op_field: OpField,
        path: Path,
        provided: Provided | None,
    ) -> set[_Group]:
        qfield = target.add_field(
            op_field.key, op_field.name, op_field.arguments, op_field.selections is not None
        )
        touched = {group}
        if op_field.selections is None or qfield.selection is None:
            return touched
        child_provided = provided.get(type_name, {}).get(op_field.name) if provided else None
        info = self._model.field(type_name, op_field.name)
        in_graph = info.graphs.get(group.graph) if info is not None else None
        if in_graph is not None and in_graph.provides is not None:
            child_provided = _merge_provided(
                child_provided, self._provided_map(op_field.named_type, in_graph.provides)
            )
        if op_field.abstract and self._model.is_interface_object(group.graph, op_field.named_type):
            touched |= self._plan_interface_object(
                group,
                qfield.selection,
                op_field,
                (*path, PathSegment(op_field.key)),
                child_provided,
            )
        elif op_field.abstract:
            qfield.selection.add_typename()
            possible = set(self._model.possible_types_in(group.graph, op_field.named_type))
            for runtime, fields in op_field.selections.items():
                if runtime not in possible:
                    continue
                segment = PathSegment(op_field.key, runtime)
                touched |= self._plan_fields(
                    group,
                    qfield.selection.fragment(runtime),
                    runtime,
                    fields,
                    (*path, segment),
                    child_provided,
                )
        else:
            for runtime, all_fields in op_field.selections.items():
                fields = all_fields
                if self._is_value_type(runtime):
                    # A value type has no key: what this subgraph cannot give is fetched
                    # with the parent field from a subgraph that can, then merged.
                    local, remote = self._split_value_fields(
                        group.graph, runtime, all_fields, child_provided
                    )
                    if remote:
                        fields = local
                        remote_field = dataclasses.replace(op_field, selections={runtime: remote})
                        touched |= self._plan_remote(
                            group, target, type_name, remote_field, path, provided, group.graph
                        )
                        if not fields:
                            qfield.selection.add_typename()
                touched |= self._plan_fields(
                    group,
                    qfield.selection,
                    runtime,
                    fields,
                    (*path, PathSegment(op_field.key)),
                    child_provided,
                )
        return touched

    def _is_value_type(self, type_name: str) -> bool:
        info = self._model.types.get(type_name)
        return info is not None and not any(
            key.resolvable for in_graph in info.graphs.values() for key in in_graph.keys
        )

    def _split_value_fields(
        self, graph: str, type_name: str, fields: list[OpField], provided: Provided | None
    ) -> tuple[list[OpField], list[OpField]]:
        """The fields of a value-type selection this subgraph resolves, and the rest."""
        local: list[OpField] = []
        remote: list[OpField] = []
        for op_field in fields:
            if op_field.name == "__typename":
                local.append(op_field)
                continue
            if not self._is_local(graph, type_name, op_field.name, provided):
                remote.append(op_field)
                continue
            selections = op_field.selections
            if op_field.abstract or selections is None or len(selections) != 1:
                local.append(op_field)
                continue
            ((runtime, children),) = selections.items()
            if not self._is_value_type(runtime):
                local.append(op_field)
                continue
            child_provided = provided.get(type_name, {}).get(op_field.name) if provided else None
            sub_local, sub_remote = self._split_value_fields(
                graph, runtime, children, child_provided
            )
            if sub_remote:
                remote.append(dataclasses.replace(op_field, selections={runtime: sub_remote}))
                if sub_local:
                    local.append(dataclasses.replace(op_field, selections={runtime: sub_local}))
            else:
                local.append(op_field)
        return local, remote

    def _plan_remote(
        self,
        group: _Group,
        target: QSelection,
        type_name: str,
        op_field: OpField,
        path: Path,
        provided: Provided | None,
        exclude_graph: str | None = None,
        votes: Counter[str] | None = None,
    ) -> set[_Group]:
        info = self._model.field(type_name, op_field.name)
        candidates = info.resolving_graphs() if info is not None else []
        candidates = [g for g in candidates if g != exclude_graph]
        if info is None or not candidates:
            routed = self._plan_through_interface_object(
                group, target, type_name, op_field, path, provided
            )
            if routed is not None:
                return routed
            raise PlanningError(f"no subgraph resolves {type_name}.{op_field.name}")
        existing = [g for g in candidates if (group.id, g, path, type_name) in self._children]
        ordered = sorted(
            candidates,
            key=lambda g: (
                g not in existing,
                -(votes[g] if votes is not None else 0),
                -self._score(g, type_name, op_field),
            ),
        )
        direct = [(g, self._direct_key(group.graph, g, type_name, provided)) for g in ordered]
        graph, key = next(((g, k) for g, k in direct if k is not None), (ordered[0], None))
        key_deps: set[_Group] = set()
        if key is None:
            # No key of the target is available here: fetch one through another subgraph.
            key = next((k for k in self._type_keys(graph, type_name)), None)
            if key is None or self._hops >= _MAX_KEY_HOPS:
                raise PlanningError(
                    f"cannot reach {type_name}.{op_field.name} in {graph} from {group.graph}"
                )
            self._hops += 1
            key_fields = [
                dataclasses.replace(f, key=_internal_key(target, f.name, f.arguments))
                for f in self._field_sets.fields(self._object(type_name), [key.selection])
            ]
            key_deps = self._plan_fields(group, target, type_name, key_fields, path, provided)
            self._hops -= 1
        key_selection = _selection_from(key.selection, target)
        if not key_deps:
            target.merge(key_selection)
        target.add_typename()
        in_graph = info.graphs[graph]
        requires_deps: set[_Group] = set()
        if in_graph.requires is not None:
            required = [
                dataclasses.replace(f, key=_internal_key(target, f.name, f.arguments))
                for f in self._field_sets.fields(self._object(type_name), [in_graph.requires])
            ]
            requires_selection = _selection_from(in_graph.requires, target)
            requires_deps = self._plan_fields(group, target, type_name, required, path, provided)
        child = self._entity_group(group, graph, path, type_name, key_deps | requires_deps)
        child.deps |= {group} | key_deps | requires_deps
        representation = child.inputs[(path, type_name)].representation
        representation.add_typename()
        representation.merge(key_selection)
        if in_graph.requires is not None:
            representation.merge(requires_selection)
        touched = self._add_local(
            child, child.selection.fragment(type_name), type_name, op_field, path, None
        )
        return touched | {child} | key_deps | requires_deps

    def _plan_interface_object(
        self,
        group: _Group,
        selection: QSelection,
        op_field: OpField,
        path: Path,
        provided: Provided | None,
    ) -> set[_Group]:
        """An interface this subgraph knows only as an @interfaceObject: its objects come
        back with the interface's name as `__typename`. Interface fields it resolves are
        read here; the concrete type, and everything else, comes from the interface's
        owner through an entity fetch keyed like the interface."""
        interface = op_field.named_type
        assert op_field.selections is not None
        selection.add_typename()
        interface_fields = self._model.types[interface].fields
        runtimes = list(op_field.selections.values())
        # Fields selected on the interface itself (present for every runtime type).
        shared = set.intersection(*({f.key for f in fields} for fields in runtimes))
        local: dict[str, OpField] = {}
        remote: dict[str, list[OpField]] = {}
        for runtime, fields in op_field.selections.items():
            for sub in fields:
                if sub.name != "__typename" and (
                    self._is_local(group.graph, interface, sub.name, provided)
                    or (sub.key in shared and sub.name in interface_fields)
                ):
                    # Resolved here, or by another subgraph that keys the interface.
                    local.setdefault(sub.key, dataclasses.replace(sub, parent_type=interface))
                else:
                    remote.setdefault(runtime, []).append(sub)
        touched = self._plan_fields(
            group, selection, interface, list(local.values()), path, provided
        )
        if not remote:
            return touched | {group}
        owner = next(
            (
                g
                for g in self._model.types[interface].graphs
                if not self._model.is_interface_object(g, interface)
                and self._direct_key(group.graph, g, interface, provided) is not None
            ),
            None,
        )
        if owner is None:
            raise PlanningError(f"no subgraph can tell the concrete type of {interface}")
        key = self._direct_key(group.graph, owner, interface, provided)
        assert key is not None
        key_selection = _selection_from(key.selection, selection)
        selection.merge(key_selection)
        child = self._entity_group(group, owner, path, interface, set())
        child.deps.add(group)
        representation = child.inputs[(path, interface)].representation
        representation.add_typename()
        representation.merge(key_selection)
        at_interface = child.selection.fragment(interface)
        at_interface.add_typename()
        possible = set(self._model.possible_types_in(owner, interface))
        prefix = path[:-1]
        last = path[-1]
        for runtime, fields in remote.items():
            if runtime not in possible:
                continue
            runtime_path = (*prefix, PathSegment(last.key, runtime))
            touched |= self._plan_fields(
                child, at_interface.fragment(runtime), runtime, fields, runtime_path, None
            )
        return touched | {group, child}

    def _plan_through_interface_object(
        self,
        group: _Group,
        target: QSelection,
        type_name: str,
        op_field: OpField,
        path: Path,
        provided: Provided | None,
    ) -> set[_Group] | None:
        """A field of a concrete type that only an @interfaceObject of one of its
        interfaces resolves: fetch it as that interface, keyed like the interface."""
        for interface in self._model.interfaces_of(type_name):
            info = self._model.field(interface, op_field.name)
            if info is None:
                continue
            for graph in info.resolving_graphs():
                if not self._model.is_interface_object(graph, interface):
                    continue
                key = next(
                    (
                        k
                        for k in self._type_keys(graph, interface)
                        if self._available(group.graph, type_name, k.selection, provided)
                    ),
                    None,
                )
                if key is None:
                    continue
                key_selection = _selection_from(key.selection, target)
                target.merge(key_selection)
                target.add_typename()
                child = self._entity_group(group, graph, path, type_name, set())
                child.deps.add(group)
                entity_input = child.inputs[(path, type_name)]
                entity_input.sent_typename = interface
                entity_input.representation.add_typename()
                entity_input.representation.merge(key_selection)
                as_interface = dataclasses.replace(op_field, parent_type=interface)
                touched = self._add_local(
                    child, child.selection.fragment(interface), interface, as_interface, path, None
                )
                return touched | {child}
        return None

    def _entity_group(
        self, parent: _Group, graph: str, path: Path, type_name: str, exclude: set[_Group]
    ) -> _Group:
        reuse_key = (parent.id, graph, path, type_name)
        group = self._children.get(reuse_key)
        if group is None or group in exclude:
            group = self._new_group(graph, "query", parent.segment, is_root=False)
            self._children[reuse_key] = group
        if (path, type_name) not in group.inputs:
            group.inputs[(path, type_name)] = EntityInput(path, type_name, QSelection())
        return group

    # --- keys, scores, provides ------------------------------------------------------

    def _type_keys(self, graph: str, type_name: str) -> list[Key]:
        info = self._model.types.get(type_name)
        return [k for k in info.keys_in(graph) if k.resolvable] if info is not None else []

    def _direct_key(
        self, from_graph: str, to_graph: str, type_name: str, provided: Provided | None
    ) -> Key | None:
        for key in self._type_keys(to_graph, type_name):
            if self._available(from_graph, type_name, key.selection, provided):
                return key
        return None

    def _available(
        self,
        graph: str,
        type_name: str,
        selection_set: SelectionSetNode,
        provided: Provided | None,
    ) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name == "__typename":
                    continue
                if not self._is_local(graph, type_name, name, provided):
                    return False
                if selection.selection_set is not None:
                    child_type = self._field_type_name(type_name, name)
                    child_provided = (
                        provided.get(type_name, {}).get(name) if provided is not None else None
                    )
                    if not self._available(
                        graph, child_type, selection.selection_set, child_provided
                    ):
                        return False
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else type_name
                )
                if not self._available(graph, condition, selection.selection_set, provided):
                    return False
        return True

    def _field_type_name(self, type_name: str, field_name: str) -> str:
        parent = self._model.full_schema.get_type(type_name)
        fields = getattr(parent, "fields", {})
        name: str = get_named_type(fields[field_name].type).name
        return name

    def _object(self, type_name: str) -> GraphQLObjectType:
        found = self._model.full_schema.get_type(type_name)
        if not isinstance(found, GraphQLObjectType):
            raise PlanningError(f"{type_name} is not an object type")
        return found

    def _score(self, graph: str, type_name: str, op_field: OpField) -> int:
        """How much of a field's sub-selection one subgraph resolves without help."""
        if not self._model.resolves(graph, type_name, op_field.name):
            return 0
        score = 1
        for runtime, fields in (op_field.selections or {}).items():
            for child in fields:
                if self._model.resolves(graph, runtime, child.name):
                    score += 1
        return score

    def _choose(
        self, candidates: list[str], preferred: list[str], type_name: str, op_field: OpField
    ) -> str:
        for graph in preferred:
            if graph in candidates:
                return graph
        return max(candidates, key=lambda g: self._score(g, type_name, op_field))

    def _provided_map(self, type_name: str, selection_set: SelectionSetNode) -> Provided:
        schema = self._model.full_schema
        named = schema.get_type(type_name)
        if is_object_type(named):
            runtimes = [type_name]
        elif is_abstract_type(named):
            runtimes = [t.name for t in schema.get_possible_types(named)]
        else:
            return {}
        result: Provided = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                for runtime in runtimes:
                    entry = result.setdefault(runtime, {})
                    child: Provided = {}
                    if selection.selection_set is not None:
                        child = self._provided_map(
                            self._field_type_name(runtime, name), selection.selection_set
                        )
                    entry[name] = _merge_provided(entry.get(name), child)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else type_name
                )
                result = _merge_provided(
                    result, self._provided_map(condition, selection.selection_set)
                )
        return result

    # --- waves and merging -----------------------------------------------------------

    def _finish(self, variables: VariableDeclarations) -> QueryPlan:
        levels: dict[_Group, int] = {}
        for group in self._groups:
            self._level(group, levels, set())
        waves: list[list[Fetch]] = []
        segments = sorted({g.segment for g in self._groups})
        for segment in segments:
            members = [g for g in self._groups if g.segment == segment]
            depth = max(levels[g] for g in members)
            for level in range(1, depth + 1):
                merged = _merge_groups([g for g in members if levels[g] == level])
                if merged:
                    waves.append([self._fetch(g, variables) for g in merged])
        return QueryPlan(waves=waves)

    def _level(self, group: _Group, levels: dict[_Group, int], visiting: set[_Group]) -> int:
        known = levels.get(group)
        if known is not None:
            return known
        if group in visiting:
            raise PlanningError("the plan has a dependency cycle")
        visiting.add(group)
        level = 1 + max((self._level(d, levels, visiting) for d in group.deps), default=0)
        visiting.discard(group)
        levels[group] = level
        return level

    def _fetch(self, group: _Group, variables: VariableDeclarations) -> Fetch:
        used = sorted(group.selection.variables())
        declarations = [variables.declaration(name) for name in used]
        if group.is_root:
            header = group.kind
            if declarations:
                header += "(" + ",".join(declarations) + ")"
            query = header + group.selection.print()
        else:
            declarations.insert(0, "$representations:[_Any!]!")
            query = (
                "query("
                + ",".join(declarations)
                + "){_entities(representations:$representations)"
                + group.selection.print()
                + "}"
            )
        return Fetch(
            id=group.id,
            graph=group.graph,
            operation_kind=group.kind,
            selection=group.selection,
            inputs=list(group.inputs.values()),
            query=query,
            variables=tuple(used),
        )


def _merge_groups(groups: list[_Group]) -> list[_Group]:
    """Merge entity fetches to one subgraph in one wave, when their selections agree."""
    merged: list[_Group] = []
    for group in groups:
        home = None
        if not group.is_root:
            home = next(
                (
                    m
                    for m in merged
                    if not m.is_root
                    and m.graph == group.graph
                    and m.selection.can_merge(group.selection)
                ),
                None,
            )
        if home is None:
            merged.append(group)
            continue
        home.selection.merge(group.selection)
        for input_key, entity_input in group.inputs.items():
            mine = home.inputs.get(input_key)
            if mine is None:
                home.inputs[input_key] = entity_input
            else:
                mine.representation.merge(entity_input.representation)
        home.deps |= group.deps
    return merged


def _merge_provided(left: Provided | None, right: Provided | None) -> Provided:
    if not left:
        return dict(right or {})
    if not right:
        return dict(left)
    result: Provided = {t: dict(fields) for t, fields in left.items()}
    for type_name, fields in right.items():
        entry = result.setdefault(type_name, {})
        for name, child in fields.items():
            entry[name] = _merge_provided(entry.get(name), child)
    return result


def _internal_key(target: QSelection | None, name: str, arguments: tuple[ArgumentNode, ...]) -> str:
    """Response key for a field the router adds itself (key or @requires input).

    Fields with arguments are always aliased (the client may select the same field
    with other arguments); a name the client uses for another field gets an alias too.
    """
    key = _alias_for("r", name, arguments) if arguments else name
    if target is not None and target.taken_by_other(key, name, arguments):
        key = _alias_for("i", name, arguments)
    return key


def _alias_for(prefix: str, name: str, arguments: tuple[ArgumentNode, ...]) -> str:
    printed = ",".join(print_ast(a) for a in arguments).encode()
    return f"{prefix}_{name}_{hashlib.sha1(printed, usedforsecurity=False).hexdigest()[:8]}"


def _selection_from(
    selection_set: SelectionSetNode, target: QSelection | None = None
) -> QSelection:
    """A field set (key, requires) as a subgraph selection; its top-level response keys
    avoid what `target` already uses for other fields (see `_internal_key`)."""
    result = QSelection()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            arguments = tuple(selection.arguments or ())
            key = _internal_key(target, name, arguments) if target is not None else name
            qfield = result.add_field(key, name, arguments, selection.selection_set is not None)
            if selection.selection_set is not None and qfield.selection is not None:
                qfield.selection.merge(_selection_from(selection.selection_set))
        elif isinstance(selection, InlineFragmentNode) and selection.type_condition:
            result.fragment(selection.type_condition.name.value).merge(
                _selection_from(selection.selection_set, target)
            )
    return result
