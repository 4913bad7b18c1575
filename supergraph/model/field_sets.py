"""Parsing `join__FieldSet` strings (keys, `@requires`, `@provides`) once."""

from __future__ import annotations

from functools import lru_cache

from graphql import OperationDefinitionNode, SelectionSetNode, parse


@lru_cache(maxsize=4096)
def parse_field_set(field_set: str) -> SelectionSetNode:
    """A field set as a selection set (it may hold nested fields and inline fragments)."""
    document = parse("{" + field_set + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set
