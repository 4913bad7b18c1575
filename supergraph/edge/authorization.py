"""`@authenticated`, `@requiresScopes` and `@policy`, enforced before any fetch.

The operation is rewritten without the fields the caller may not see: each one
is replaced by `__typename` under the same response key (so no selection set
becomes empty and nothing is fetched for it), and after execution the value at
that key becomes null, or the nearest nullable parent when the field is
non-null, with an `UNAUTHORIZED_FIELD_OR_TYPE` error at the field's path. The
rest of the response is served. Requirements on a type apply to every field
that returns it.

Scopes and policies are lists of alternatives: `[["a", "b"], ["c"]]` means
(a and b) or c. A caller's scopes come from the token's scope claims, its
policies from its policy claims (see `AuthSettings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    print_ast,
    visit,
)

from supergraph.edge.spec_directives import AppliedDirectives
from supergraph.edge.tokens import Principal

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


@dataclass(frozen=True)
class Requirement:
    authenticated: bool = False
    scopes: tuple[frozenset[str], ...] = ()  # alternatives, each a set needed together
    policies: tuple[frozenset[str], ...] = ()

    def allows(self, principal: Principal) -> bool:
        if (self.authenticated or self.scopes or self.policies) and not principal.authenticated:
            return False
        if self.scopes and not any(needed <= principal.scopes for needed in self.scopes):
            return False
        return not self.policies or any(needed <= principal.policies for needed in self.policies)

    def combined(self, other: Requirement | None) -> Requirement:
        if other is None:
            return self
        return Requirement(
            self.authenticated or other.authenticated,
            _both(self.scopes, other.scopes),
            _both(self.policies, other.policies),
        )


def _both(
    first: tuple[frozenset[str], ...], second: tuple[frozenset[str], ...]
) -> tuple[frozenset[str], ...]:
    """Alternatives satisfying both lists: each pair's union."""
    if not first or not second:
        return first or second
    return tuple(dict.fromkeys(a | b for a in first for b in second))


def _requirement(applied: dict[str, dict[str, Any]]) -> Requirement | None:
    if not any(name in applied for name in ("authenticated", "requiresScopes", "policy")):
        return None
    return Requirement(
        "authenticated" in applied,
        _alternatives(applied.get("requiresScopes", {}).get("scopes")),
        _alternatives(applied.get("policy", {}).get("policies")),
    )


def _alternatives(raw: Any) -> tuple[frozenset[str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(frozenset(str(x) for x in group) for group in raw if isinstance(group, list))


@dataclass
class AuthorizationRules:
    """Requirements by type and by field, read from a supergraph."""

    on_types: dict[str, Requirement] = field(default_factory=dict)
    on_fields: dict[tuple[str, str], Requirement] = field(default_factory=dict)

    @classmethod
    def from_directives(cls, directives: AppliedDirectives) -> AuthorizationRules:
        rules = cls()
        for type_name, applied in directives.on_types.items():
            if (found := _requirement(applied)) is not None:
                rules.on_types[type_name] = found
        for key, applied in directives.on_fields.items():
            if (found := _requirement(applied)) is not None:
                rules.on_fields[key] = found
        return rules

    @property
    def empty(self) -> bool:
        return not self.on_types and not self.on_fields

    def for_field(self, parent: str, field_name: str, returns: str) -> Requirement | None:
        own = self.on_fields.get((parent, field_name))
        of_type = self.on_types.get(returns)
        if own is None:
            return of_type
        return own.combined(of_type)


@dataclass(frozen=True)
class Removal:
    """One field taken out of the operation, and where its null lands."""

    path: tuple[str, ...]  # response keys down to the field (lists are crossed)
    null_path: tuple[str, ...] | None  # None: the whole `data` becomes null


@dataclass(frozen=True)
class AuthorizedOperation:
    query: str  # the operation without the removed fields
    removals: tuple[Removal, ...]

    def apply(self, body: dict[str, Any]) -> dict[str, Any]:
        """Nulls and errors for the removed fields, in an executed response body."""
        errors = list(body.get("errors") or [])
        for removal in self.removals:
            if removal.null_path is None:
                body["data"] = None
            elif isinstance(body.get("data"), dict):
                _null_at(body["data"], removal.null_path)
            errors.append(
                {
                    "message": "Unauthorized field or type",
                    "path": list(removal.path),
                    "extensions": {"code": UNAUTHORIZED},
                }
            )
        body["errors"] = errors
        return body


def _null_at(value: Any, path: tuple[str, ...]) -> None:
    if isinstance(value, list):
        for item in value:
            _null_at(item, path)
        return
    if not isinstance(value, dict) or path[0] not in value:
        return
    if len(path) == 1:
        value[path[0]] = None
    else:
        _null_at(value[path[0]], path[1:])


def authorize(
    rules: AuthorizationRules,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    principal: Principal,
) -> AuthorizedOperation | None:
    """None when the caller may see everything; else the operation to run instead."""
    if rules.empty:
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(rules, schema, fragments, principal)
    selection_set = walk.selection_set(operation.selection_set, root, (), None)
    if not walk.removals:
        return None
    used = _used_variables(selection_set, operation.directives)
    rewritten = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=tuple(
            d for d in operation.variable_definitions or () if d.variable.name.value in used
        ),
        directives=operation.directives,
        selection_set=selection_set,
    )
    query = print_ast(DocumentNode(definitions=(rewritten,)))
    return AuthorizedOperation(query, tuple(walk.removals))


class _Walk:
    """Copies the operation with fragments inlined and unauthorized fields replaced."""

    def __init__(
        self,
        rules: AuthorizationRules,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        principal: Principal,
    ) -> None:
        self.rules = rules
        self.schema = schema
        self.fragments = fragments
        self.principal = principal
        self.removals: list[Removal] = []

    def selection_set(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        path: tuple[str, ...],
        nullable_at: tuple[str, ...] | None,
    ) -> SelectionSetNode:
        selections: list[SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                selections.append(self.field(selection, parent, path, nullable_at))
            elif isinstance(selection, InlineFragmentNode):
                selections.append(
                    self.fragment(selection, selection.directives, parent, path, nullable_at)
                )
            elif isinstance(selection, FragmentSpreadNode):
                definition = self.fragments[selection.name.value]
                selections.append(
                    self.fragment(definition, selection.directives, parent, path, nullable_at)
                )
        return SelectionSetNode(selections=tuple(selections))

    def fragment(
        self,
        fragment: InlineFragmentNode | FragmentDefinitionNode,
        directives: Iterable[DirectiveNode] | None,
        parent: GraphQLNamedType,
        path: tuple[str, ...],
        nullable_at: tuple[str, ...] | None,
    ) -> InlineFragmentNode:
        condition = fragment.type_condition
        inner = self.schema.get_type(condition.name.value) if condition is not None else parent
        assert inner is not None  # the operation was validated
        return InlineFragmentNode(
            type_condition=condition,
            directives=tuple(directives or ()),
            selection_set=self.selection_set(fragment.selection_set, inner, path, nullable_at),
        )

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        path: tuple[str, ...],
        nullable_at: tuple[str, ...] | None,
    ) -> FieldNode:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return node
        definition = parent.fields[name]
        key = (node.alias or node.name).value
        here = (*path, key)
        nullable = not isinstance(definition.type, GraphQLNonNull)
        returns = get_named_type(definition.type)
        requirement = self.rules.for_field(parent.name, name, returns.name)
        if requirement is not None and not requirement.allows(self.principal):
            self.removals.append(Removal(here, here if nullable else nullable_at))
            return FieldNode(
                alias=NameNode(value=key),
                name=NameNode(value="__typename"),
                arguments=(),
                directives=node.directives,
            )
        if node.selection_set is None:
            return node
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=node.arguments,
            directives=node.directives,
            selection_set=self.selection_set(
                node.selection_set, returns, here, here if nullable else nullable_at
            ),
        )


def _used_variables(
    selection_set: SelectionSetNode, directives: Iterable[DirectiveNode] | None
) -> set[str]:
    """Variables still used once fields are removed (an unused one fails validation)."""
    used: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            used.add(variable.name.value)

    visit(selection_set, Collect())
    for directive in directives or ():
        visit(directive, Collect())
    return used
