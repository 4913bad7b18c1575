"""The differential corpus covers what issue 5 promises: every directive and feature of
Federation 2 composition in a set that composes, and every named error class in a
set that must fail. Without this, a fixture deleted or simplified would quietly
shrink what the differential test proves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

import pytest
from composition_fixtures import FixtureSet, all_fixtures
from graphql import (
    DirectiveNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    Node,
    UnionTypeDefinitionNode,
    parse,
    value_from_ast_untyped,
)
from graphql.language import Visitor, visit

FIXTURES = [f for f in all_fixtures() if f.name != "shop"]
SUCCESSES = [f for f in FIXTURES if not f.expect]


@cache
def _parsed(fixture: FixtureSet) -> tuple[Node, ...]:
    found: list[Node] = []

    class Collect(Visitor):
        def enter(self, node: Node, *_: object) -> None:
            found.append(node)

    for subgraph in fixture.subgraphs:
        visit(parse(subgraph.sdl), Collect())
    return tuple(found)


def _nodes(fixture: FixtureSet) -> Iterator[Node]:
    """Every AST node of every subgraph of the set."""
    yield from _parsed(fixture)


def applies(directive: str, **arguments: object) -> Callable[[FixtureSet], bool]:
    """The fixture applies `@directive` (not only imports it), with these argument values."""

    def check(fixture: FixtureSet) -> bool:
        for node in _nodes(fixture):
            if isinstance(node, DirectiveNode) and node.name.value == directive:
                arguments_given = node.arguments or ()
                given = {a.name.value: value_from_ast_untyped(a.value) for a in arguments_given}
                if all(
                    test(given.get(name)) if callable(test) else given.get(name) == test
                    for name, test in arguments.items()
                ):
                    return True
        return False

    return check


def defines(kind: type[Node]) -> Callable[[FixtureSet], bool]:
    return lambda fixture: any(isinstance(node, kind) for node in _nodes(fixture))


def sdl_matches(pattern: str) -> Callable[[FixtureSet], bool]:
    return lambda fixture: any(re.search(pattern, s.sdl, re.M) for s in fixture.subgraphs)


def several_keys_on_one_type(fixture: FixtureSet) -> bool:
    return any(
        sum(1 for d in node.directives if d.name.value == "key") > 1
        for node in _nodes(fixture)
        if hasattr(node, "directives") and node.directives and hasattr(node, "fields")
    )


def federation_1(fixture: FixtureSet) -> bool:
    return any("@link" not in s.sdl for s in fixture.subgraphs)


FEATURES: dict[str, Callable[[FixtureSet], bool]] = {
    "@key": applies("key"),
    "several keys on one type": several_keys_on_one_type,
    "compound key": applies("key", fields=lambda v: isinstance(v, str) and " " in v.strip()),
    "nested key": applies("key", fields=lambda v: isinstance(v, str) and "{" in v),
    "@key(resolvable: false)": applies("key", resolvable=False),
    "@shareable": applies("shareable"),
    "@external": applies("external"),
    "@requires": applies("requires"),
    "@provides": applies("provides"),
    "@override": applies("override"),
    "@override(label:)": applies("override", label=lambda v: v is not None),
    "@inaccessible": applies("inaccessible"),
    "@tag": applies("tag"),
    "@interfaceObject": applies("interfaceObject"),
    "@composeDirective": applies("composeDirective"),
    "interface": defines(InterfaceTypeDefinitionNode),
    "union": defines(UnionTypeDefinitionNode),
    "enum": defines(EnumTypeDefinitionNode),
    "input": defines(InputObjectTypeDefinitionNode),
    "argument default values": sdl_matches(r"\(\s*\w+:\s*[\w\[\]!]+\s*=\s*"),
    "descriptions": sdl_matches(r'^\s*"'),
    "Federation 1 subgraph": federation_1,
    "Federation 1 `extend type`": lambda f: federation_1(f) and sdl_matches(r"extend type")(f),
    "@link import renamed with as:": sdl_matches(r"\bas:\s*\"@"),
    "federation__ prefix": sdl_matches(r"@federation__\w+"),
}

NAMED_ERRORS = (
    "INVALID_FIELD_SHARING",
    "EXTERNAL_MISSING_ON_BASE",
    "REQUIRES_INVALID_FIELDS",
    "KEY_INVALID_FIELDS",
)


@pytest.mark.parametrize("feature", list(FEATURES))
def test_a_set_that_composes_uses_the_feature(feature: str) -> None:
    users = [f.name for f in SUCCESSES if FEATURES[feature](f)]
    assert users, f"no successful fixture set uses {feature}"


@pytest.mark.parametrize("code", NAMED_ERRORS)
def test_a_set_expects_each_named_error(code: str) -> None:
    assert [f.name for f in FIXTURES if code in f.expect], f"no fixture set expects {code}"


def test_the_corpus_holds_forty_sets_besides_the_shop() -> None:
    assert len(FIXTURES) >= 40
    assert "shop" in {f.name for f in all_fixtures()}
