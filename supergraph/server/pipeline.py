"""One GraphQL request through the router: document, operation, plan, execution.

Parsing and validation results are cached per query text, plans per query text,
operation name and `@skip`/`@include` values. Errors follow Apollo Server's
GraphQL-over-HTTP behaviour (status codes and `extensions.code`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from supergraph.edge.hooks import EdgeHooks, RequestRefused
from supergraph.execution.compiled import ExecutablePlan, compile_plan
from supergraph.execution.executor import Executor
from supergraph.execution.transport import SubgraphClient
from supergraph.model.types import Supergraph
from supergraph.observability import recording
from supergraph.planning.cache import LruCache
from supergraph.planning.operation import INTROSPECTION_FIELDS
from supergraph.planning.planner import Planner, PlanningError
from supergraph.planning.prepare import (
    OperationInfo,
    OperationNotFound,
    condition_values,
    prepare_plan,
    select_operation,
)
from supergraph.server.settings import GatewaySettings


@dataclass
class GraphQLRequest:
    query: str | None
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]


@dataclass
class _Document:
    document: DocumentNode | None
    errors: list[dict[str, Any]]
    outcome: str | None  # why there is no document (a `recording` outcome)
    operations: dict[str | None, OperationInfo]


def request_error(status: int, message: str, code: str) -> GraphQLResponse:
    return GraphQLResponse(status, {"errors": [{"message": message, "extensions": {"code": code}}]})


def _formatted(error: GraphQLError, code: str) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
    return formatted


class GraphQLPipeline:
    """Everything between a decoded HTTP request and the JSON response body."""

    def __init__(
        self, model: Supergraph, settings: GatewaySettings, hooks: EdgeHooks | None = None
    ) -> None:
        self.model = model
        self.settings = settings
        self.hooks = hooks  # the edge: limits after parsing, authorization before planning
        self._planner = Planner(model)
        self._documents: LruCache[str, _Document] = LruCache(settings.document_cache_size)
        self._plans: LruCache[tuple[str, str | None, tuple[bool, ...]], ExecutablePlan] = LruCache(
            settings.plan_cache_size
        )
        self.executor = Executor(
            {
                name: SubgraphClient(
                    name,
                    settings.subgraph_urls.get(name, graph.url),
                    settings.timeout_for(name),
                    settings.max_connections_per_subgraph,
                    dedupe_in_flight=settings.dedupe_in_flight,
                )
                for name, graph in model.graphs.items()
            }
        )

    @property
    def api_schema(self) -> GraphQLSchema:
        return self.model.api_schema

    async def close(self) -> None:
        await self.executor.close()

    def plan_for(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None = None,
    ) -> ExecutablePlan:
        """The (cached) plan for an operation, for `supergraph plan` and tests.

        Raises PlanningError for an invalid document or operation.
        """
        document = self._document(query)
        if document.document is None:
            raise PlanningError(document.errors[0]["message"])
        info = self._operation(document, operation_name)
        return self._plan(query, operation_name, info, condition_values(info, variables))

    async def run(
        self,
        request: GraphQLRequest,
        headers: Mapping[str, str] | None = None,
        *,
        allow_mutations: bool = True,
    ) -> GraphQLResponse:
        query = request.query
        if not isinstance(query, str) or not query.strip():
            return request_error(
                400,
                "GraphQL operations must contain a non-empty `query` or a `persistedQuery` "
                "extension.",
                "BAD_REQUEST",
            )
        document = self._document(query)
        if document.document is None:
            if document.outcome == recording.LIMIT_REJECTED:
                recording.refused_by_limits(document.errors)
            else:
                recording.outcome(document.outcome or recording.BAD_REQUEST)
            return GraphQLResponse(400, {"errors": document.errors})
        try:
            info = self._operation(document, request.operation_name)
        except OperationNotFound as error:
            return request_error(400, str(error), "OPERATION_RESOLUTION_FAILURE")
        name = info.operation.name
        recording.operation_resolved(name.value if name is not None else None)
        if info.kind == "subscription":
            return request_error(400, "Subscriptions are not supported.", "BAD_REQUEST")
        if info.kind == "mutation" and not allow_mutations:
            return request_error(
                405, "Can only perform a mutation operation from a POST request.", "BAD_REQUEST"
            )
        variables = request.variables or {}
        if info.operation.variable_definitions:
            coerced = get_variable_values(
                self.api_schema, info.operation.variable_definitions, variables
            )
            if isinstance(coerced, list):
                return GraphQLResponse(
                    400, {"errors": [_formatted(e, "BAD_USER_INPUT") for e in coerced]}
                )
        authorized = None
        if self.hooks is not None:
            assert document.document is not None
            try:
                authorized = self.hooks.before_plan(
                    self.api_schema, document.document, info.operation, variables
                )
            except RequestRefused as refused:
                recording.refused_by_limits(refused.errors)
                return GraphQLResponse(refused.status, {"errors": refused.errors})
            if authorized is not None:
                query = authorized.query
                info = self._operation(self._document(query), request.operation_name)
        try:
            plan = self._plan(
                query, request.operation_name, info, condition_values(info, variables)
            )
        except PlanningError as error:
            recording.outcome(recording.PLAN_FAILED)
            return request_error(500, f"Query planning failed: {error}", "QUERY_PLANNING_FAILED")
        data: dict[str, Any] | None = None
        if plan.introspection:
            data = self._introspect(info, variables)
        body = await self.executor.execute(plan, variables, headers, data)
        if authorized is not None:
            body = authorized.apply(body)
        recording.executed(body)
        if self.settings.expose_query_plan:
            body["extensions"] = {
                "queryPlan": plan.prepared.plan.to_json(),
                "queryPlanText": plan.prepared.plan.to_text(),
            }
        return GraphQLResponse(200, body)

    def _document(self, query: str) -> _Document:
        cached = self._documents.get(query)
        if cached is not None:
            return cached
        try:
            with recording.span("graphql.parse"):
                document = parse(query) if self.hooks is None else self.hooks.parse(query)
        except RequestRefused as refused:
            result = _Document(None, refused.errors, recording.LIMIT_REJECTED, {})
        except GraphQLError as error:
            result = _Document(
                None, [_formatted(error, "GRAPHQL_PARSE_FAILED")], recording.PARSE_FAILED, {}
            )
        else:
            with recording.span("graphql.validate"):
                errors = validate(self.api_schema, document)
            if errors:
                result = _Document(
                    None,
                    [_formatted(e, "GRAPHQL_VALIDATION_FAILED") for e in errors],
                    recording.VALIDATION_FAILED,
                    {},
                )
            else:
                result = _Document(document, [], None, {})
        self._documents.put(query, result)
        return result

    def _operation(self, document: _Document, operation_name: str | None) -> OperationInfo:
        info = document.operations.get(operation_name)
        if info is None:
            assert document.document is not None
            info = select_operation(document.document, operation_name)
            document.operations[operation_name] = info
        return info

    def _plan(
        self,
        query: str,
        operation_name: str | None,
        info: OperationInfo,
        conditions: tuple[bool, ...],
    ) -> ExecutablePlan:
        key = (query, operation_name, conditions)
        plan = self._plans.get(key)
        if plan is None:
            recording.plan_cache(hit=False)
            with recording.span("graphql.plan"):
                prepared = prepare_plan(self.model, self._planner, info, conditions)
                plan = compile_plan(prepared)
            self._plans.put(key, plan)
        else:
            recording.plan_cache(hit=True)
        return plan

    def _introspect(self, info: OperationInfo, variables: dict[str, Any]) -> dict[str, Any]:
        """Introspection fields answered from the API schema (never sent to subgraphs)."""
        operation = info.operation
        only_introspection = dataclasses.replace(
            operation,
            selection_set=dataclasses.replace(
                operation.selection_set,
                selections=tuple(
                    s
                    for s in operation.selection_set.selections
                    if isinstance(s, FieldNode) and s.name.value in INTROSPECTION_FIELDS
                ),
            ),
        )
        document = DocumentNode(definitions=(only_introspection, *info.fragments.values()))
        result = execute(self.api_schema, document, root_value={}, variable_values=variables)
        if isinstance(result, ExecutionResult) and isinstance(result.data, dict):
            return result.data
        return {}
