"""Compose subgraph SDLs into a supergraph SDL (Apollo Federation 2 rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supergraph.composition.errors import CompositionFailed, ErrorCollector
from supergraph.composition.facts import compute_facts
from supergraph.composition.merge import Merger
from supergraph.composition.model import CustomDirective, Subgraph
from supergraph.composition.printer import print_supergraph
from supergraph.composition.satisfiability import validate_satisfiability
from supergraph.composition.security_specs import used_specs
from supergraph.composition.subgraph import parse_subgraph
from supergraph.composition.supergraph_model import MergedDirective, Supergraph
from supergraph.composition.upgrade import upgrade_fed1
from supergraph.composition.validate_subgraph import validate_subgraph
from supergraph.composition.validate_supergraph import validate_supergraph


@dataclass(frozen=True)
class SubgraphSource:
    """A subgraph to compose: its name, where the router reaches it, and its SDL."""

    name: str
    url: str
    sdl: str


def compose(sources: Sequence[SubgraphSource]) -> str:
    """Return the supergraph SDL, or raise CompositionFailed with every error found."""
    errors = ErrorCollector()
    if not sources:
        errors.add("NO_SUBGRAPHS", "No subgraphs to compose.", hint="List subgraphs.")
        raise CompositionFailed(errors.errors)
    ordered = sorted(sources, key=lambda s: s.name)
    parsed = [parse_subgraph(s.name, s.url, s.sdl, errors) for s in ordered]
    if errors.errors:
        raise CompositionFailed(errors.errors)
    subgraphs = [s for s in parsed if s is not None]
    originals = [_snapshot(s) for s in subgraphs]
    for subgraph in subgraphs:
        upgrade_fed1(subgraph, originals, errors)
    facts = [compute_facts(s) for s in subgraphs]
    for subgraph, subgraph_facts in zip(subgraphs, facts, strict=True):
        validate_subgraph(subgraph, subgraph_facts, errors)
    if errors.errors:
        raise CompositionFailed(errors.errors)
    supergraph = Merger(subgraphs, facts, errors).merge()
    if not errors.errors:
        validate_supergraph(supergraph, subgraphs, errors)
    if not errors.errors:
        validate_satisfiability(supergraph, subgraphs, facts, errors)
    if errors.errors:
        raise CompositionFailed(errors.errors)
    _add_spec_usage(supergraph, subgraphs)
    supergraph.executable_directives = _executable_directives(subgraphs)
    return print_supergraph(supergraph)


def _snapshot(subgraph: Subgraph) -> Subgraph:
    """A deep copy, so that upgrading one subgraph never sees another's upgrade."""
    import copy

    return copy.deepcopy(subgraph)


def _add_spec_usage(supergraph: Supergraph, subgraphs: list[Subgraph]) -> None:
    printed = [
        d
        for t in supergraph.types.values()
        for d in [
            *t.directives,
            *(x for f in t.fields.values() for x in f.directives),
            *(x for f in t.fields.values() for a in f.args.values() for x in a.directives),
            *(x for f in t.input_fields.values() for x in f.directives),
            *(x for v in t.values.values() for x in v.directives),
        ]
    ]
    supergraph.uses_tag = any(d.startswith("@tag(") for d in printed)
    supergraph.uses_inaccessible = "@inaccessible" in printed
    supergraph.used_specs = used_specs(printed)
    seen: set[str] = set()
    for subgraph in subgraphs:
        for name, url in sorted(subgraph.composed_directives.items()):
            if name in seen:
                continue
            seen.add(name)
            supergraph.composed_directives.append(
                MergedDirective(
                    name=name,
                    definition=_print_directive(subgraph.directive_defs[name]),
                    link_url=url,
                    link_import=f'["@{name}"]',
                )
            )


EXECUTABLE_LOCATIONS = (
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
)


def _executable_directives(subgraphs: list[Subgraph]) -> dict[str, str]:
    """Directives clients may use in operations: kept when every subgraph defines them.

    Locations, arguments and repeatability are intersected, since the router
    forwards such directives to whichever subgraph serves the field.
    """
    result: dict[str, str] = {}
    names = sorted(set.intersection(*(set(s.directive_defs) for s in subgraphs)))
    for name in names:
        definitions = [s.directive_defs[name] for s in subgraphs]
        locations = [
            location
            for location in EXECUTABLE_LOCATIONS
            if all(location in d.locations for d in definitions)
        ]
        if not locations:
            continue
        arguments = {
            arg_name: arg
            for arg_name, arg in definitions[0].args.items()
            if all(arg_name in d.args for d in definitions)
        }
        merged = CustomDirective(
            name=name,
            locations=locations,
            repeatable=all(d.repeatable for d in definitions),
            args=arguments,
        )
        result[name] = _print_directive(merged)
    return result


def _print_directive(directive: CustomDirective) -> str:
    args = ""
    if directive.args:
        parts = []
        for arg in directive.args.values():
            part = f"{arg.name}: {arg.type}"
            if arg.default is not None:
                part += f" = {arg.default}"
            parts.append(part)
        args = "(" + ", ".join(parts) + ")"
    repeatable = " repeatable" if directive.repeatable else ""
    return f"directive @{directive.name}{args}{repeatable} on {' | '.join(directive.locations)}"
