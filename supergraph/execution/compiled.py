"""A plan made ready to run: shaper and representation builders compiled once."""

from __future__ import annotations

from dataclasses import dataclass

from supergraph.execution.entities import Extractor, compile_extractor
from supergraph.execution.shaping import Shaper, compile_shaper
from supergraph.planning.operation import INTROSPECTION_FIELDS
from supergraph.planning.plan import Fetch, Path
from supergraph.planning.prepare import PreparedPlan


@dataclass(frozen=True)
class CompiledInput:
    path: Path
    type_name: str
    extract: Extractor
    sent_typename: str | None


@dataclass(frozen=True)
class CompiledFetch:
    graph: str
    query: str
    variables: tuple[str, ...]
    inputs: tuple[CompiledInput, ...]
    shareable: bool  # a query: identical in-flight requests may be joined


@dataclass(frozen=True)
class ExecutablePlan:
    prepared: PreparedPlan
    waves: tuple[tuple[CompiledFetch, ...], ...]
    shaper: Shaper
    introspection: tuple[str, ...]  # root response keys answered from the API schema


def _compile_fetch(fetch: Fetch) -> CompiledFetch:
    return CompiledFetch(
        graph=fetch.graph,
        query=fetch.query,
        variables=fetch.variables,
        shareable=fetch.operation_kind == "query",
        inputs=tuple(
            CompiledInput(i.path, i.type_name, compile_extractor(i.representation), i.sent_typename)
            for i in fetch.inputs
        ),
    )


def compile_plan(prepared: PreparedPlan) -> ExecutablePlan:
    """Everything request-independent about running this plan, done now."""
    return ExecutablePlan(
        prepared=prepared,
        waves=tuple(tuple(_compile_fetch(f) for f in wave) for wave in prepared.plan.waves),
        shaper=compile_shaper(prepared.root_type, prepared.root_fields, prepared.enum_limits),
        introspection=tuple(f.key for f in prepared.root_fields if f.name in INTROSPECTION_FIELDS),
    )
