"""The conformance cases on disk: loading, the pending list, and coverage tags.

A case is a folder under `cases/`: `subgraphs/<name>.graphql` (one SDL per
subgraph) and `case.yaml` (what it covers, what each subgraph serves, and its
operations). README.md next to this module describes the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
CASES_DIR = HERE / "cases"
PENDING_FILE = HERE / "PENDING.md"

# Issue 6, deliver item 2: every tag must be covered by at least one case.
REQUIRED_COVERAGE = frozenset(
    {
        "keys-several",
        "keys-compound",
        "keys-nested",
        "keys-resolvable-false",
        "requires",
        "requires-args",
        "requires-fragment",
        "requires-chain",
        "requires-cycle",
        "provides",
        "provides-nested",
        "provides-abstract",
        "shareable-fields",
        "shareable-root",
        "override",
        "interface-object",
        "interface-object-keyless",
        "interface-object-typename",
        "abstract-across-subgraphs",
        "differing-enums",
        "differing-inputs",
        "federation-1",
        "fragments-named",
        "fragments-inline",
        "fragments-nested",
        "fragments-abstract",
        "aliases",
        "aliases-same-field-args",
        "variables",
        "variable-defaults",
        "skip-include-literal",
        "skip-include-variable",
        "typename",
        "mutations-order",
        "introspection",
        "inaccessible",
    }
)


@dataclass(frozen=True)
class Operation:
    case: str
    name: str
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    # The answer is expected to carry errors / nulls (both routers must agree on them).
    expect_errors: bool = False
    expect_nulls: bool = False
    # Where Apollo's answer is wrong by the spec: the spec's answer, and why.
    spec_answer: dict[str, Any] | None = None
    why: str | None = None
    # With spec_answer: the most subgraph fetches the spec's answer needs (Apollo's
    # count says nothing when its plan is wrong).
    spec_fetches: int | None = None
    # Compare lists as multisets (for lists whose order the spec leaves open,
    # such as the types of an introspected schema).
    unordered_lists: bool = False
    # Compare only whether errors are present, not where they point (where routers
    # may place them differently and both be right; the case says why).
    ignore_error_paths: bool = False

    @property
    def id(self) -> str:
        return f"{self.case}/{self.name}"

    def request_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.query}
        if self.variables is not None:
            body["variables"] = self.variables
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    covers: frozenset[str]
    subgraphs: dict[str, str]  # name -> SDL
    data: dict[str, Any]  # subgraph name -> data document
    operations: list[Operation] = field(default_factory=list)

    def for_node(self) -> dict[str, Any]:
        """The case as the Node fixture server reads it."""
        return {
            "subgraphs": {
                name: {"sdl": sdl, "data": self.data.get(name, {})}
                for name, sdl in self.subgraphs.items()
            }
        }


def _load_operation(case: str, name: str, spec: dict[str, Any]) -> Operation:
    return Operation(
        case=case,
        name=name,
        query=spec["query"],
        variables=spec.get("variables"),
        operation_name=spec.get("operationName"),
        expect_errors=bool(spec.get("errors", False)),
        expect_nulls=bool(spec.get("nulls", False)),
        spec_answer=spec.get("spec_answer"),
        why=spec.get("why"),
        spec_fetches=spec.get("spec_fetches"),
        unordered_lists=bool(spec.get("unordered_lists", False)),
        ignore_error_paths=bool(spec.get("ignore_error_paths", False)),
    )


def load_case(folder: Path) -> Case:
    spec = yaml.safe_load((folder / "case.yaml").read_text())
    subgraphs = {
        path.stem: path.read_text() for path in sorted((folder / "subgraphs").glob("*.graphql"))
    }
    unknown = set(spec.get("data") or {}) - set(subgraphs)
    if unknown:
        raise ValueError(f"{folder.name}: data for unknown subgraphs {sorted(unknown)}")
    operations = [
        _load_operation(folder.name, name, op)
        for name, op in (spec.get("operations") or {}).items()
    ]
    return Case(
        name=folder.name,
        description=spec.get("description", ""),
        covers=frozenset(spec.get("covers") or ()),
        subgraphs=subgraphs,
        data=spec.get("data") or {},
        operations=operations,
    )


def load_cases() -> list[Case]:
    return [load_case(folder) for folder in sorted(CASES_DIR.iterdir()) if folder.is_dir()]


_PENDING_LINE = re.compile(r"^- `(?P<target>[^`]+)`\s*(?:[-—:]\s*)?(?P<reason>.*)$")


def load_pending() -> dict[str, str]:
    """`case` or `case/operation` (or `*` for everything) -> why it is not passing yet."""
    pending: dict[str, str] = {}
    for line in PENDING_FILE.read_text().splitlines():
        match = _PENDING_LINE.match(line.strip())
        if match:
            pending[match["target"]] = match["reason"].strip() or "no reason given"
    return pending


def pending_reason(pending: dict[str, str], op: Operation) -> str | None:
    for target in (op.id, op.case, "*"):
        if target in pending:
            return pending[target]
    return None
