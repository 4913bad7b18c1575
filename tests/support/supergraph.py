"""The shop's supergraph composed from the repository's supergraph.yaml, for gateway tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.processes import PYTHON, ROOT


def compose_shop_supergraph(directory: Path) -> Path:
    """Compose supergraph.yaml with the router's own CLI into `directory`; the file's path."""
    supergraph = directory / "supergraph.graphql"
    compose = [PYTHON, "-m", "supergraph", "compose", "--config", "supergraph.yaml"]
    subprocess.run([*compose, "--out", str(supergraph)], cwd=ROOT, check=True, capture_output=True)
    return supergraph
