"""The authorization and cost specs, carried from subgraphs into the supergraph.

`@authenticated`, `@requiresScopes`, `@policy` (linked `for: SECURITY`), `@cost`
and `@listSize` stay on the types and fields that use them, merged across
subgraphs as Apollo merges them: scopes and policies by conjunction (a caller
must satisfy every subgraph's requirement), the highest cost weight and assumed
size, the union of slicing arguments and sized fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from supergraph.composition.model import AppliedDirective, Element

SPEC_DIRECTIVES = ("authenticated", "requiresScopes", "policy", "cost", "listSize")

_LINKS = {
    "authenticated": '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
    "requiresScopes": ('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)'),
    "policy": '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
    "cost": '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
}
_SECURITY_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
_DEFINITIONS = {
    "authenticated": {"authenticated": f"directive @authenticated on {_SECURITY_LOCATIONS}"},
    "requiresScopes": {
        "requiresScopes": (
            "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on "
            + _SECURITY_LOCATIONS
        )
    },
    "policy": {
        "policy": f"directive @policy(policies: [[policy__Policy!]!]!) on {_SECURITY_LOCATIONS}"
    },
    "cost": {
        "cost": (
            "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | "
            "INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
        ),
        "listSize": (
            "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: "
            "[String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
        ),
    },
}
_TYPES = {
    "requiresScopes": {"requiresScopes__Scope": "scalar requiresScopes__Scope"},
    "policy": {"policy__Policy": "scalar policy__Policy"},
}
_SPEC_OF = {"listSize": "cost"}


def merged_spec_directives(elements: Iterable[Element]) -> list[str]:
    """The printed spec directives of one merged element, from all its subgraph sources."""
    applied: dict[str, list[AppliedDirective]] = {}
    for element in elements:
        for directive in element.directives:
            if directive.name in SPEC_DIRECTIVES:
                applied.setdefault(directive.name, []).append(directive)
    printed: list[str] = []
    for name in SPEC_DIRECTIVES:
        found = applied.get(name)
        if not found:
            continue
        args = [d.args for d in found]
        if name == "authenticated":
            printed.append("@authenticated")
        elif name == "requiresScopes":
            printed.append(f"@requiresScopes(scopes: {_value(_conjunction(args, 'scopes'))})")
        elif name == "policy":
            printed.append(f"@policy(policies: {_value(_conjunction(args, 'policies'))})")
        elif name == "cost":
            weight = max(int(a.get("weight", 0)) for a in args)
            printed.append(f"@cost(weight: {weight})")
        else:
            printed.append(_list_size(args))
    return printed


def used_specs(printed: Iterable[str]) -> set[str]:
    """Specs used by any printed directive of the supergraph."""
    used: set[str] = set()
    for text in printed:
        name = text[1:].split("(", 1)[0]
        if name in SPEC_DIRECTIVES:
            used.add(_SPEC_OF.get(name, name))
    return used


def spec_links(used: set[str]) -> list[str]:
    return [
        _LINKS[spec]
        for spec in ("authenticated", "requiresScopes", "policy", "cost")
        if spec in used
    ]


def spec_definitions(used: set[str]) -> dict[str, str]:
    return {name: text for spec in used for name, text in _DEFINITIONS[spec].items()}


def spec_types(used: set[str]) -> dict[str, str]:
    return {name: text for spec in used for name, text in _TYPES.get(spec, {}).items()}


def _conjunction(args: list[dict[str, Any]], name: str) -> list[list[str]]:
    """Alternatives that satisfy every source: the product of their alternatives."""
    result: list[list[str]] | None = None
    for source in args:
        alternatives = [
            list(dict.fromkeys(str(x) for x in group))
            for group in source.get(name) or []
            if isinstance(group, list)
        ]
        if result is None:
            result = alternatives
            continue
        combined: list[list[str]] = []
        for left in result:
            for right in alternatives:
                merged = list(dict.fromkeys([*left, *right]))
                if not any(set(merged) == set(seen) for seen in combined):
                    combined.append(merged)
        result = combined
    return result or []


def _list_size(args: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    sizes = [int(a["assumedSize"]) for a in args if a.get("assumedSize") is not None]
    if sizes:
        parts.append(f"assumedSize: {max(sizes)}")
    for key in ("slicingArguments", "sizedFields"):
        if any(a.get(key) is not None for a in args):
            values = list(dict.fromkeys(str(v) for a in args for v in a.get(key) or []))
            parts.append(f"{key}: {_value(values)}")
    flags = [bool(a["requireOneSlicingArgument"]) for a in args if "requireOneSlicingArgument" in a]
    if flags:
        parts.append(f"requireOneSlicingArgument: {'true' if all(flags) else 'false'}")
    return "@listSize" + (f"({', '.join(parts)})" if parts else "")


def _value(value: Any) -> str:
    """GraphQL literal of strings and lists of strings (JSON spells them the same)."""
    return json.dumps(value, separators=(", ", ": "))
