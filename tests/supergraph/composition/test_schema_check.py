"""Schema checks: each kind of breaking, dangerous and safe change."""

from __future__ import annotations

import pytest
from graphql import build_schema

from supergraph.schema_check import Severity, compare_schemas, has_breaking

BASE = """
type Query { user(id: ID!, verbose: Boolean): User search(q: String!): [Result] }
type User implements Node { id: ID! name: String email: String! role: Role }
interface Node { id: ID! }
type Post { id: ID! }
union Result = User | Post
enum Role { ADMIN MEMBER }
input Filter { name: String limit: Int! }
type Mutation { find(filter: Filter): [User] }
"""


def _changes(new_sdl: str) -> set[tuple[Severity, str, str]]:
    changes = compare_schemas(build_schema(BASE), build_schema(new_sdl))
    return {(c.severity, c.kind, c.coordinate) for c in changes}


def _edit(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


CASES = [
    (
        "removed_type",
        _edit("type Post { id: ID! }", "").replace(" | Post", ""),
        (Severity.BREAKING, "TYPE_REMOVED", "Post"),
    ),
    ("added_type", BASE + "type Tag { id: ID! }", (Severity.SAFE, "TYPE_ADDED", "Tag")),
    (
        "type_kind_changed",
        _edit("type Post { id: ID! }", "interface Post { id: ID! }"),
        (Severity.BREAKING, "TYPE_KIND_CHANGED", "Post"),
    ),
    (
        "removed_field",
        _edit(" name: String email", " email"),
        (Severity.BREAKING, "FIELD_REMOVED", "User.name"),
    ),
    (
        "added_field",
        _edit("role: Role }", "role: Role age: Int }"),
        (Severity.SAFE, "FIELD_ADDED", "User.age"),
    ),
    (
        "output_type_changed",
        _edit("name: String email", "name: Int email"),
        (Severity.BREAKING, "FIELD_TYPE_CHANGED", "User.name"),
    ),
    (
        "output_nullability_looser",
        _edit("email: String!", "email: String"),
        (Severity.BREAKING, "FIELD_TYPE_CHANGED", "User.email"),
    ),
    (
        "output_nullability_stricter",
        _edit("name: String email", "name: String! email"),
        (Severity.SAFE, "FIELD_TYPE_CHANGED", "User.name"),
    ),
    (
        "argument_removed",
        _edit(", verbose: Boolean", ""),
        (Severity.BREAKING, "ARGUMENT_REMOVED", "Query.user.verbose"),
    ),
    (
        "required_argument_added",
        _edit("search(q: String!)", "search(q: String!, page: Int!)"),
        (Severity.BREAKING, "REQUIRED_ARGUMENT_ADDED", "Query.search.page"),
    ),
    (
        "optional_argument_added",
        _edit("search(q: String!)", "search(q: String!, page: Int)"),
        (Severity.SAFE, "OPTIONAL_ARGUMENT_ADDED", "Query.search.page"),
    ),
    (
        "required_argument_with_default_added",
        _edit("search(q: String!)", "search(q: String!, page: Int! = 1)"),
        (Severity.SAFE, "OPTIONAL_ARGUMENT_ADDED", "Query.search.page"),
    ),
    (
        "input_nullability_stricter",
        _edit("verbose: Boolean", "verbose: Boolean!"),
        (Severity.BREAKING, "ARGUMENT_TYPE_CHANGED", "Query.user.verbose"),
    ),
    (
        "input_nullability_looser",
        _edit("search(q: String!)", "search(q: String)"),
        (Severity.SAFE, "ARGUMENT_TYPE_CHANGED", "Query.search.q"),
    ),
    (
        "argument_default_changed",
        _edit("verbose: Boolean", "verbose: Boolean = true"),
        (Severity.DANGEROUS, "ARGUMENT_DEFAULT_CHANGED", "Query.user.verbose"),
    ),
    (
        "enum_value_removed",
        _edit("ADMIN MEMBER", "ADMIN"),
        (Severity.BREAKING, "ENUM_VALUE_REMOVED", "Role.MEMBER"),
    ),
    (
        "enum_value_added",
        _edit("ADMIN MEMBER", "ADMIN MEMBER GUEST"),
        (Severity.DANGEROUS, "ENUM_VALUE_ADDED", "Role.GUEST"),
    ),
    (
        "union_member_removed",
        _edit("User | Post", "User"),
        (Severity.BREAKING, "UNION_MEMBER_REMOVED", "Result.Post"),
    ),
    (
        "interface_removed_from_object",
        _edit("type User implements Node", "type User"),
        (Severity.BREAKING, "INTERFACE_REMOVED", "User.Node"),
    ),
    (
        "input_field_removed",
        _edit("name: String limit", "limit"),
        (Severity.BREAKING, "INPUT_FIELD_REMOVED", "Filter.name"),
    ),
    (
        "required_input_field_added",
        _edit("limit: Int! }", "limit: Int! page: Int! }"),
        (Severity.BREAKING, "REQUIRED_INPUT_FIELD_ADDED", "Filter.page"),
    ),
    (
        "optional_input_field_added",
        _edit("limit: Int! }", "limit: Int! page: Int }"),
        (Severity.SAFE, "OPTIONAL_INPUT_FIELD_ADDED", "Filter.page"),
    ),
    (
        "input_field_looser",
        _edit("limit: Int!", "limit: Int"),
        (Severity.SAFE, "INPUT_FIELD_TYPE_CHANGED", "Filter.limit"),
    ),
    (
        "field_deprecated",
        _edit("role: Role }", 'role: Role @deprecated(reason: "x") }'),
        (Severity.SAFE, "FIELD_DEPRECATED", "User.role"),
    ),
]


@pytest.mark.parametrize(("new_sdl", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_schema_check_classifies_change(new_sdl: str, expected: tuple[Severity, str, str]) -> None:
    assert expected in _changes(new_sdl)


def test_identical_schemas_have_no_changes() -> None:
    assert compare_schemas(build_schema(BASE), build_schema(BASE)) == []


def test_only_safe_changes_are_not_breaking() -> None:
    new = _edit("role: Role }", "role: Role age: Int }") + "type Tag { id: ID! }"
    assert not has_breaking(compare_schemas(build_schema(BASE), build_schema(new)))


def test_any_breaking_change_makes_the_check_breaking() -> None:
    new = _edit("ADMIN MEMBER", "ADMIN") + "type Tag { id: ID! }"
    assert has_breaking(compare_schemas(build_schema(BASE), build_schema(new)))
