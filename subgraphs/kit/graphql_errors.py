"""How errors leave a service's GraphQL endpoint.

Domain errors and GraphQL's own (syntax, validation) are shown as they are, with
a stable `extensions.code`. Anything else is a bug or an outage: its message may
leak internals, so it is replaced by a generic one carrying the request id, and
the original is logged with that id.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from subgraphs.kit.errors import DomainError
from subgraphs.kit.logs import request_id_var

logger = logging.getLogger("shopgraph.errors")

INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        logger.error(
            "unexpected error in resolver",
            exc_info=error.original_error,
            extra={"path": error.path},
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL_ERROR_CODE, "requestId": request_id},
        )


class ServiceSchema(strawberry.federation.Schema):
    """A subgraph schema whose error log holds only real failures.

    Strawberry logs every error of a response at ERROR level with a traceback,
    a wrong password or a malformed query included. Here expected errors (domain
    errors, the client's own GraphQL mistakes) are not logged; unexpected ones
    are logged once: by `MaskUnexpectedErrors` (with the request id) when the
    schema has it, by Strawberry otherwise.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        if any(
            extension is MaskUnexpectedErrors or isinstance(extension, MaskUnexpectedErrors)
            for extension in self.extensions
        ):
            return
        super().process_errors(
            [error for error in errors if is_unexpected(error)], execution_context
        )
