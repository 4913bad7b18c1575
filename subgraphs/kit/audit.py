"""An audit line for every mutation an admin runs: who, what, and whether it worked.

One log record per operation on the `shopgraph.audit` logger, with the admin's
subject id, the mutation fields, and the outcome. Variables are never logged
(they may hold passwords or personal data), nor is the token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

logger = logging.getLogger("shopgraph.audit")


class AdminMutationAudit(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.graphql_document is None:
            return
        principal = getattr(context.context, "principal", None)
        if principal is None or not principal.is_admin:
            return
        try:
            if context.operation_type is not OperationType.MUTATION:
                return
        except RuntimeError:  # no such operation: nothing ran
            return
        result = context.result
        failed = bool(result is not None and result.errors)
        logger.info(
            "admin mutation",
            extra={
                "event": "admin_mutation",
                "actor_id": principal.subject,
                "action": ",".join(_root_fields(context.graphql_document, context.operation_name)),
                "outcome": "error" if failed else "ok",
            },
        )


def _root_fields(document: object, operation_name: str | None) -> list[str]:
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            return [
                selection.name.value
                for selection in definition.selection_set.selections
                if isinstance(selection, FieldNode)
            ]
    return []
