"""The vocabulary of the declarative mapping: where a variable comes from, where the answer is.

An `Endpoint` names its GraphQL document (`operations/<name>.graphql`), the HTTP
inputs that fill the document's variables (by dotted variable path), and the
path of the answer inside `data`. `rest_compat.endpoints` lists them all;
`rest_compat.app` turns each into a route. Nothing here knows the shop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"

Source = Literal["path", "query", "header"]


@dataclass(frozen=True)
class Input:
    """One path, query or header value and the variable it fills."""

    name: str
    source: Source
    variable: str
    annotation: Any
    required: bool = False
    description: str = ""
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Missing:
    """What a null answer means (e.g. `product(id:)` finding nothing)."""

    code: str
    message: str
    status: int = 404


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    summary: str
    tag: str
    result: str
    response: Any = None  # None: 204 No Content
    inputs: tuple[Input, ...] = ()
    body: type[BaseModel] | None = None
    body_variable: str | None = None  # None: the body's fields are top-level variables
    status: int = 200
    page: bool = False  # the answer is a connection: items, pageInfo (+ next link)
    missing: Missing | None = None
    auth: bool = False
    description: str = ""
    extra_statuses: tuple[int, ...] = field(default=())

    @property
    def document(self) -> str:
        return operation_text(self.name)

    def rest_field(self, field: str) -> str:
        """The REST name of a field the graph names by its variable (`after` -> `cursor`)."""
        for item in self.inputs:
            if field in (item.variable, item.variable.rsplit(".", 1)[-1]):
                return item.name
        if self.body_variable is not None and field.startswith(self.body_variable + "."):
            return field[len(self.body_variable) + 1 :]
        return field


@cache
def operation_text(name: str) -> str:
    return (OPERATIONS_DIR / f"{name}.graphql").read_text()


def put(variables: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `value` at a dotted path, creating the objects on the way."""
    *parents, last = dotted.split(".")
    target = variables
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path of the answer (None when a step is missing)."""
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def page_of(connection: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL connection as a REST page: items plus the cursor of the next page."""
    page_info = connection.get("pageInfo") or {}
    page: dict[str, Any] = {
        "items": [edge["node"] for edge in connection.get("edges") or []],
        "pageInfo": {
            "hasNextPage": bool(page_info.get("hasNextPage")),
            "endCursor": page_info.get("endCursor"),
        },
    }
    if "totalCount" in connection:
        page["totalCount"] = connection["totalCount"]
    return page
