"""The router's own command line: `python -m supergraph <command>`.

Each command group lives next to the code it drives and registers itself here,
so this module stays a table of contents.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from supergraph.composition import commands as composition_commands
from supergraph.server import commands as server_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supergraph", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    composition_commands.register(subparsers)
    server_commands.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.handler(args)
    return result
