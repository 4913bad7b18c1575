"""How errors leave a service's GraphQL endpoint.

Domain errors and GraphQL's own (syntax, validation) are shown as they are, with
a stable `extensions.code`. Anything else is a bug or an outage: its message may
leak internals, so it is replaced by a generic one carrying the request id, and
the original is logged with that id.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

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
