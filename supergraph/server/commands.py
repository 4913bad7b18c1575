"""Command-line commands of this part of the router (registered in supergraph.cli)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add this part's commands to the router's command line."""
