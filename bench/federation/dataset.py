"""Where the benchmark's inputs live, and loading them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

BENCHMARK_DIR = Path(__file__).resolve().parent / "benchmark"
SUBGRAPH_NAMES = ("accounts", "inventory", "products", "reviews")


def load_data(name: str, benchmark_dir: Path = BENCHMARK_DIR) -> list[dict[str, Any]]:
    """The static rows one subgraph serves (`data/<name>.json`)."""
    rows: list[dict[str, Any]] = orjson.loads(
        (benchmark_dir / "data" / f"{name}.json").read_bytes()
    )
    return rows


def load_subgraph_sdl(name: str, benchmark_dir: Path = BENCHMARK_DIR) -> str:
    """The subgraph's schema as the benchmark ships it (what `_service { sdl }` answers)."""
    return (benchmark_dir / "subgraphs" / f"{name}.graphql").read_text()


def load_query(benchmark_dir: Path = BENCHMARK_DIR) -> str:
    return (benchmark_dir / "query.graphql").read_text()


def load_expected_response(benchmark_dir: Path = BENCHMARK_DIR) -> dict[str, Any]:
    expected: dict[str, Any] = orjson.loads((benchmark_dir / "expected-response.json").read_bytes())
    return expected


def load_supergraph(benchmark_dir: Path = BENCHMARK_DIR) -> str:
    return (benchmark_dir / "supergraph.graphql").read_text()
