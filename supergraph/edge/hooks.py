"""What the GraphQL pipeline calls: after parsing (limits) and before planning (authorization).

Limits run on the parsed document before validation, because validation itself
is work an abusive document can make large (overlapping-field checks compare
pairs of fields); their verdict is cached with the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)

from supergraph.edge.authentication import current_principal
from supergraph.edge.authorization import AuthorizationRules, AuthorizedOperation, authorize
from supergraph.edge.cost import CostModel
from supergraph.edge.limits import TOO_DEEP, check_limits
from supergraph.edge.settings import LimitSettings
from supergraph.edge.spec_directives import read_spec_directives


class RequestRefused(Exception):
    """The request breaks a rule of the edge; `errors` are GraphQL errors for the body."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "refused")
        self.status = status
        self.errors = errors


@dataclass
class EdgeHooks:
    limits: LimitSettings
    authorization: AuthorizationRules
    costs: CostModel

    @classmethod
    def for_supergraph(cls, supergraph_sdl: str, limits: LimitSettings) -> EdgeHooks:
        directives = read_spec_directives(parse(supergraph_sdl, no_location=True))
        return cls(
            limits,
            AuthorizationRules.from_directives(directives),
            CostModel(directives, limits.default_list_size),
        )

    def parse(self, query: str) -> DocumentNode:
        """The parsed document, or RequestRefused when it breaks a limit.

        Raises GraphQLError for syntax errors, as `graphql.parse` does.
        """
        try:
            # graphql-core counts the end of the document as a token; callers do not.
            document = parse(query, max_tokens=self.limits.max_tokens + 1)
        except RecursionError:
            raise _refused(TOO_DEEP.code, TOO_DEEP.message) from None
        except GraphQLError as error:
            if "tokens" in error.message and "Parsing aborted" in error.message:
                raise _refused(
                    "MAX_TOKENS_EXCEEDED",
                    f"The document has more than {self.limits.max_tokens} tokens.",
                ) from None
            if "nested too deeply" in error.message:
                raise _refused(TOO_DEEP.code, TOO_DEEP.message) from None
            raise
        violations = check_limits(document, self.limits)
        if violations:
            raise RequestRefused(
                400,
                [{"message": v.message, "extensions": {"code": v.code}} for v in violations],
            )
        return document

    def before_plan(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> AuthorizedOperation | None:
        """Checks of a valid operation: its cost, then what the caller may see.

        Returns the operation without what the current caller may not see (None
        when everything is allowed); raises RequestRefused when it costs too much.
        """
        cost = self.costs.cost(schema, document, operation, variables)
        if cost > self.limits.max_cost:
            raise _refused(
                "MAX_COST_EXCEEDED",
                f"The operation's estimated cost {cost} is over the limit of "
                f"{self.limits.max_cost}.",
            )
        return authorize(self.authorization, schema, document, operation, current_principal.get())


def _refused(code: str, message: str) -> RequestRefused:
    return RequestRefused(400, [{"message": message, "extensions": {"code": code}}])
