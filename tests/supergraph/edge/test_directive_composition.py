"""The composer carries the authorization and cost directives exactly as Apollo's does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DirectiveNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    parse,
    print_ast,
)

from supergraph.composition.compose import SubgraphSource, compose

ORACLES = Path(__file__).resolve().parents[2] / "oracles"
SPEC_NAMES = {"authenticated", "requiresScopes", "policy", "cost", "listSize"}

USERS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
  import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@policy", "@cost",
           "@listSize"])
type Query {
  me: User @authenticated
  users(first: Int): [User!]! @requiresScopes(scopes: [["admin"]])
    @listSize(slicingArguments: ["first"])
  secret: String @policy(policies: [["p1"], ["p2", "p3"]])
}
type User @key(fields: "id") {
  id: ID!
  email: String! @authenticated @cost(weight: 5)
  nickname: String @shareable @requiresScopes(scopes: [["read:profile"]])
}
"""

ORDERS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
  import: ["@key", "@shareable", "@requiresScopes"])
type Query { orders: [Order!]! @requiresScopes(scopes: [["read:orders"], ["admin"]]) }
type Order @key(fields: "id") @requiresScopes(scopes: [["orders"]]) { id: ID! }
type User @key(fields: "id") {
  id: ID!
  nickname: String @shareable @requiresScopes(scopes: [["admin"], ["support"]])
}
"""


def _spec_usage(sdl: str) -> dict[str, Any]:
    """Links to the specs and every spec directive applied, by coordinate."""
    document = parse(sdl)
    usage: dict[str, Any] = {"links": set(), "applied": {}}

    def record(coordinate: str, directives: Any) -> None:
        found = sorted(
            print_ast(d)
            for d in directives or ()
            if isinstance(d, DirectiveNode) and d.name.value in SPEC_NAMES
        )
        if found:
            usage["applied"][coordinate] = found

    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            for directive in definition.directives or ():
                text = print_ast(directive)
                if any(f"/{name}/" in text for name in SPEC_NAMES):
                    usage["links"].add(text)
        elif isinstance(definition, ObjectTypeDefinitionNode):
            record(definition.name.value, definition.directives)
            for field in definition.fields or ():
                record(f"{definition.name.value}.{field.name.value}", field.directives)
    return usage


def _normalized(usage: dict[str, Any]) -> dict[str, Any]:
    # Apollo may list scope alternatives in another order; compare them as sets.
    applied = {}
    for coordinate, directives in usage["applied"].items():
        applied[coordinate] = sorted(_canonical(text) for text in directives)
    return {"links": usage["links"], "applied": applied}


def _canonical(text: str) -> str:
    if "(" not in text or "[[" not in text:
        return text
    name, _, rest = text.partition("(")
    argument, _, value = rest.rstrip(")").partition(":")
    groups = json.loads(value)
    return f"{name}({argument}: {sorted(sorted(g) for g in groups)})"


@pytest.mark.oracle
def test_auth_and_cost_directives_compose_like_apollo() -> None:
    services = [
        {"name": "orders", "url": "http://orders/graphql", "sdl": ORDERS},
        {"name": "users", "url": "http://users/graphql", "sdl": USERS},
    ]
    result = subprocess.run(
        ["node", str(ORACLES / "compose.js")],
        input=json.dumps({"set": services}),
        capture_output=True,
        text=True,
        check=True,
        cwd=ORACLES,
    )
    apollo = json.loads(result.stdout)["set"]
    assert apollo["ok"], apollo
    ours = compose([SubgraphSource(s["name"], s["url"], s["sdl"]) for s in services])
    assert _normalized(_spec_usage(ours)) == _normalized(_spec_usage(apollo["supergraph"]))
    # And the merged requirement of a shared field is the conjunction of both subgraphs'.
    assert _spec_usage(ours)["applied"]["User.nickname"] == [
        '@requiresScopes(scopes: [["admin", "read:profile"], ["support", "read:profile"]])'
    ]
