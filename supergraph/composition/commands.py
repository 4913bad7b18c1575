"""Command-line commands of this part of the router (registered in supergraph.cli).

- `compose --config supergraph.yaml [--out schema/supergraph.graphql]`
- `check --config supergraph.yaml --against schema/supergraph.graphql`
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graphql import GraphQLError

from supergraph.api_schema import build_api_schema
from supergraph.composition.compose import SubgraphSource, compose
from supergraph.composition.errors import CompositionFailed
from supergraph.config import ConfigError, load_config, read_sdl
from supergraph.schema_check import compare_schemas, has_breaking


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add this part's commands to the router's command line."""
    compose_parser = subparsers.add_parser(
        "compose", help="compose the subgraphs of a supergraph.yaml into a supergraph SDL"
    )
    compose_parser.add_argument("--config", default="supergraph.yaml", type=Path)
    compose_parser.add_argument(
        "--out", type=Path, help="write the supergraph here (default: standard output)"
    )
    compose_parser.set_defaults(handler=run_compose)

    check_parser = subparsers.add_parser(
        "check", help="list breaking and safe changes against a checked-in supergraph"
    )
    check_parser.add_argument("--config", default="supergraph.yaml", type=Path)
    check_parser.add_argument("--against", default="schema/supergraph.graphql", type=Path)
    check_parser.set_defaults(handler=run_check)


def _compose_config(config_path: Path) -> str:
    config = load_config(config_path)
    return compose([SubgraphSource(s.name, s.routing_url, read_sdl(s)) for s in config.subgraphs])


def run_compose(args: argparse.Namespace) -> int:
    try:
        supergraph = _compose_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except CompositionFailed as failure:
        print(f"composition failed with {len(failure.errors)} error(s):", file=sys.stderr)
        for problem in failure.errors:
            print(f"- {problem}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(supergraph)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(supergraph)
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        current = build_api_schema(_compose_config(args.config))
        baseline = build_api_schema(args.against.read_text())
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot read {args.against}: {error}", file=sys.stderr)
        return 2
    except GraphQLError as error:
        print(f"error: {args.against} is not a valid supergraph: {error}", file=sys.stderr)
        return 2
    except CompositionFailed as failure:
        print(f"composition failed with {len(failure.errors)} error(s):", file=sys.stderr)
        for problem in failure.errors:
            print(f"- {problem}", file=sys.stderr)
        return 1
    changes = compare_schemas(baseline, current)
    for change in changes:
        print(change)
    breaking = has_breaking(changes)
    summary = f"{len(changes)} change(s), {'BREAKING' if breaking else 'no breaking change'}"
    print(summary, file=sys.stderr)
    return 1 if breaking else 0
