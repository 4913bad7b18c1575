"""From an operation document to a plan: parse, pick the operation, normalise, plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
)

from supergraph.model.types import Supergraph
from supergraph.planning.operation import Normalizer, OpField, condition_variables
from supergraph.planning.plan import QueryPlan
from supergraph.planning.planner import Planner
from supergraph.planning.variables import VariableDeclarations


class OperationNotFound(ValueError):
    """The document has no operation of the requested name (or several and no name)."""


@dataclass
class OperationInfo:
    """What is cached per operation document and name."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    condition_variables: tuple[str, ...]
    declarations: VariableDeclarations

    @property
    def kind(self) -> str:
        return self.operation.operation.value


@dataclass
class PreparedPlan:
    """A plan with the normalised root fields the response is shaped from."""

    kind: str
    root_type: str
    root_fields: list[OpField]
    plan: QueryPlan
    enum_limits: dict[str, frozenset[str]]  # see Supergraph.enum_limits


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationInfo:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        chosen = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if not chosen:
            raise OperationNotFound(f'Unknown operation named "{operation_name}".')
    else:
        if len(operations) != 1:
            raise OperationNotFound(
                "Must provide operation name if query contains multiple operations."
                if operations
                else "Must provide an operation."
            )
        chosen = operations
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = chosen[0]
    return OperationInfo(
        operation=operation,
        fragments=fragments,
        condition_variables=condition_variables(operation, fragments),
        declarations=VariableDeclarations(operation),
    )


def condition_values(info: OperationInfo, variables: dict[str, Any] | None) -> tuple[bool, ...]:
    """The `@skip`/`@include` variable values this request plans with."""
    if not info.condition_variables:
        return ()
    given = variables or {}
    defaults = info.declarations.defaults
    return tuple(
        bool(given[name] if name in given else defaults.get(name))
        for name in info.condition_variables
    )


def prepare_plan(
    model: Supergraph, planner: Planner, info: OperationInfo, conditions: tuple[bool, ...]
) -> PreparedPlan:
    normalizer = Normalizer(
        model.api_schema,
        info.fragments,
        dict(zip(info.condition_variables, conditions, strict=True)),
    )
    root_fields = normalizer.root_fields(info.operation)
    kind = info.kind
    plan = planner.plan(kind, root_fields, info.declarations)
    return PreparedPlan(
        kind=kind,
        root_type=model.root_types[kind],
        root_fields=root_fields,
        plan=plan,
        enum_limits=model.enum_limits,
    )
