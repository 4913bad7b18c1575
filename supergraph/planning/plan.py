"""The plan: waves of subgraph fetches, and how to print it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from supergraph.planning.subgraph_selection import QSelection


@dataclass(frozen=True)
class PathSegment:
    """One response key on the way to entities; `type_filter` keeps one runtime type."""

    key: str
    type_filter: str | None = None

    def __str__(self) -> str:
        return f"{self.key}|[{self.type_filter}]" if self.type_filter else self.key


Path = tuple[PathSegment, ...]


@dataclass
class EntityInput:
    """Where an entity fetch finds its objects, and what goes in each representation."""

    path: Path
    type_name: str
    representation: QSelection  # __typename, key fields, @requires fields
    # The typename sent, when not the object's own: an @interfaceObject subgraph
    # knows the interface as an object type and not the concrete types.
    sent_typename: str | None = None

    def path_text(self) -> str:
        return ".".join(str(s) for s in self.path) or "<root>"


@dataclass
class Fetch:
    """One request to one subgraph: a root operation or an `_entities` query."""

    id: int
    graph: str
    operation_kind: str  # query | mutation
    selection: QSelection
    inputs: list[EntityInput] = field(default_factory=list)
    query: str = ""
    variables: tuple[str, ...] = ()

    @property
    def is_entity_fetch(self) -> bool:
        return bool(self.inputs)

    def to_json(self) -> dict[str, Any]:
        node: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": self.graph,
            "operation": self.query,
            "variableUsages": list(self.variables),
        }
        if self.inputs:
            node["entities"] = [
                {
                    "path": i.path_text(),
                    "type": i.type_name,
                    "representation": i.representation.print(),
                }
                for i in self.inputs
            ]
        return node


@dataclass
class QueryPlan:
    """Waves run one after another; the fetches of one wave run in parallel."""

    waves: list[list[Fetch]]

    @property
    def fetch_count(self) -> int:
        return sum(len(w) for w in self.waves)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "Sequence",
            "nodes": [
                {"kind": "Parallel", "nodes": [f.to_json() for f in wave]} for wave in self.waves
            ],
        }

    def to_text(self) -> str:
        lines = ["QueryPlan {", "  Sequence {"]
        for wave in self.waves:
            lines.append("    Parallel {")
            for fetch in wave:
                where = ", ".join(f"{i.path_text()} ({i.type_name})" for i in fetch.inputs)
                header = f'Fetch(service: "{fetch.graph}"' + (
                    f", entities at: {where}" if where else ""
                )
                lines.append(f"      {header}) {{")
                lines.append(f"        {fetch.query}")
                lines.append("      }")
            lines.append("    }")
        lines += ["  }", "}"]
        return "\n".join(lines)
