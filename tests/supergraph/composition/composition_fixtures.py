"""Fixture subgraph sets on disk, and Apollo's composition of all of them at once.

Each `fixtures/<name>.yaml` holds `description`, `expect` (`ok`, or the error
codes a run must report, comma-separated), optionally `apollo_differs` (why
Apollo's answer is wrong by the federation spec) and `subgraphs: {name: sdl}`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from supergraph.composition import SubgraphSource

HERE = Path(__file__).parent
FIXTURES_DIR = HERE / "fixtures"
ROOT = HERE.parents[2]
ORACLES_DIR = ROOT / "tests" / "oracles"
SHOP_SUBGRAPHS = {
    "users": "http://127.0.0.1:4001/graphql",
    "products": "http://127.0.0.1:4002/graphql",
    "orders": "http://127.0.0.1:4003/graphql",
}


@dataclass(frozen=True)
class FixtureSet:
    name: str
    description: str
    expect: tuple[str, ...]  # empty: composition succeeds
    apollo_differs: str | None
    subgraphs: tuple[SubgraphSource, ...]


def _load(path: Path) -> FixtureSet:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    expect = str(data["expect"])
    return FixtureSet(
        name=path.stem,
        description=str(data["description"]),
        expect=() if expect == "ok" else tuple(expect.split(",")),
        apollo_differs=data.get("apollo_differs"),
        subgraphs=tuple(
            SubgraphSource(name, f"http://{name}.local/graphql", sdl)
            for name, sdl in data["subgraphs"].items()
        ),
    )


def shop_fixture() -> FixtureSet:
    """The shop's users, products and orders subgraphs, exported fresh from their code."""
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run(
            [sys.executable, "-m", "subgraphs.platform", "schema", "export", "--out", directory],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        sdl = {name: (Path(directory) / f"{name}.graphql").read_text() for name in SHOP_SUBGRAPHS}
    return FixtureSet(
        name="shop",
        description="The shop's users, products and orders subgraphs",
        expect=(),
        apollo_differs=None,
        subgraphs=tuple(
            SubgraphSource(name, url, sdl[name]) for name, url in SHOP_SUBGRAPHS.items()
        ),
    )


@cache
def all_fixtures() -> tuple[FixtureSet, ...]:
    found = [_load(path) for path in sorted(FIXTURES_DIR.glob("*.yaml"))]
    return (*found, shop_fixture())


def compose_with_apollo(sets: tuple[FixtureSet, ...]) -> dict[str, dict[str, Any]]:
    """Compose every set with @apollo/composition in a single Node process."""
    payload = {
        fixture.name: [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in fixture.subgraphs]
        for fixture in sets
    }
    completed = subprocess.run(
        ["node", str(ORACLES_DIR / "compose.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        cwd=ORACLES_DIR,
        timeout=240,
    )
    result: dict[str, dict[str, Any]] = json.loads(completed.stdout)
    return result
