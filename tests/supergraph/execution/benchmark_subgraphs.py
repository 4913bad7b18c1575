"""Where the shared benchmark lives, and how to read the subgraphs' fetch counts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from supergraph.server.settings import GatewaySettings

BENCHMARK = Path(__file__).resolve().parents[3] / "bench/federation/benchmark"
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")


@dataclass
class BenchmarkSubgraphs:
    base_url: str

    def urls(self) -> dict[str, str]:
        return {name: f"{self.base_url}/{name}" for name in SUBGRAPHS}

    def fetch_counts(self) -> dict[str, int]:
        response = httpx.get(f"{self.base_url}/_stats")
        response.raise_for_status()
        return {path.strip("/"): count for path, count in response.json().items()}


def benchmark_settings(subgraphs: BenchmarkSubgraphs, **overrides: object) -> GatewaySettings:
    return GatewaySettings(subgraph_urls=subgraphs.urls(), **overrides)  # type: ignore[arg-type]
