"""The API schema introspects as the released GraphQL spec (October 2021) defines it,
not as the newer draft graphql-core 3.3 implements."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import graphql_sync

from supergraph.api_schema import build_api_schema
from supergraph.composition import SubgraphSource, compose

SUBGRAPH = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query {
  product(id: ID!): Product
  legacy: String @deprecated(reason: "use product")
}
type Product @key(fields: "id") { id: ID! name: String }
"""


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_api_schema(compose([SubgraphSource("shop", "http://shop/graphql", SUBGRAPH)]))


def _run(schema: Any, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    result = graphql_sync(schema, query, variable_values=variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def _fields(schema: Any, type_name: str) -> dict[str, Any]:
    data = _run(
        schema,
        "query($name: String!) {"
        " __type(name: $name) { fields { name args { name defaultValue type { ...Ref } } } } }"
        " fragment Ref on __Type { kind name ofType { kind name } }",
        {"name": type_name},
    )
    return {f["name"]: f for f in data["__type"]["fields"]}


def test_directives_have_no_deprecation_fields(schema: Any) -> None:
    assert list(_fields(schema, "__Directive")) == [
        "name",
        "description",
        "isRepeatable",
        "locations",
        "args",
    ]


def test_include_deprecated_is_a_nullable_boolean_defaulting_to_false(schema: Any) -> None:
    include_deprecated = {
        "name": "includeDeprecated",
        "defaultValue": "false",
        "type": {"kind": "SCALAR", "name": "Boolean", "ofType": None},
    }
    type_fields = _fields(schema, "__Type")
    for name in ("fields", "enumValues", "inputFields"):
        assert type_fields[name]["args"] == [include_deprecated]
    assert _fields(schema, "__Field")["args"]["args"] == [include_deprecated]
    assert _fields(schema, "__Directive")["args"]["args"] == [include_deprecated]
    assert _fields(schema, "__Schema")["directives"]["args"] == []


def test_directive_locations_are_the_released_ones(schema: Any) -> None:
    data = _run(schema, '{ __type(name: "__DirectiveLocation") { enumValues { name } } }')
    names = [v["name"] for v in data["__type"]["enumValues"]]
    assert "VARIABLE_DEFINITION" in names
    assert "FRAGMENT_VARIABLE_DEFINITION" not in names
    assert "DIRECTIVE_DEFINITION" not in names


def test_deprecated_reason_is_a_nullable_string(schema: Any) -> None:
    data = _run(
        schema,
        "{ __schema { directives { name args { name defaultValue type { kind name } } } } }",
    )
    deprecated = next(d for d in data["__schema"]["directives"] if d["name"] == "deprecated")
    assert deprecated["args"] == [
        {
            "name": "reason",
            "defaultValue": '"No longer supported"',
            "type": {"kind": "SCALAR", "name": "String"},
        }
    ]


def test_draft_only_arguments_fail_validation(schema: Any) -> None:
    result = graphql_sync(schema, "{ __schema { directives(includeDeprecated: true) { name } } }")
    assert result.errors is not None
    assert "includeDeprecated" in result.errors[0].message


def test_deprecated_fields_are_listed_only_when_asked_for(schema: Any) -> None:
    data = _run(
        schema,
        "{ __schema { queryType { plain: fields { name }"
        " all: fields(includeDeprecated: true) { name isDeprecated deprecationReason } } } }",
    )
    query_type = data["__schema"]["queryType"]
    assert [f["name"] for f in query_type["plain"]] == ["product"]
    assert query_type["all"][1] == {
        "name": "legacy",
        "isDeprecated": True,
        "deprecationReason": "use product",
    }
