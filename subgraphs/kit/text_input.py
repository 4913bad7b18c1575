"""Refuse text holding NUL characters before any resolver runs.

PostgreSQL cannot store U+0000 in text; without this check such input reached the
database and came back as an internal error. It is the client's mistake, so it is
answered as one (BAD_USER_INPUT, naming where), for every field of every service.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

NUL = "\x00"
CODE = "BAD_USER_INPUT"


class RefuseNulCharacters(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        where = nul_path(context.variables or {}, "variables")
        if where is None and context.graphql_document is not None:
            where = _in_document(context.graphql_document)
        if where is not None:
            error = GraphQLError(
                f"Text may not contain NUL characters ({where}).",
                extensions={"code": CODE, "details": {"field": where}},
            )
            context.result = ExecutionResult(data=None, errors=[error])
        yield


def nul_path(value: Any, where: str) -> str | None:
    """The path of the first string holding a NUL inside a variables value, if any."""
    if isinstance(value, str):
        return where if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = nul_path(key, where) or nul_path(item, f"{where}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{where}[{index}]")
            if found:
                return found
    return None


class _NulLiteralFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if NUL in node.value:
            self.found = True
            return self.BREAK
        return None


def _in_document(document: DocumentNode) -> str | None:
    finder = _NulLiteralFinder()
    visit(document, finder)
    return "a string literal in the document" if finder.found else None
