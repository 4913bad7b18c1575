"""Issue 7's acceptance, read from one run's headline rows (one process each, no dedup)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # report.py renders this module's checks
    from bench.federation.report import GatewayResult

OURS = "shopgraph"
APOLLO = "apollo-gateway"
HIVE = "hive-gateway"
HIVE_RUST = "hive-gateway-router-runtime"
NODE_GATEWAYS = (APOLLO, HIVE, HIVE_RUST)


@dataclass(frozen=True)
class Check:
    """One acceptance item: met or not, and the figures that decide it."""

    item: str
    met: bool
    figures: str


def checks(results: list[GatewayResult]) -> list[Check]:
    """Each acceptance item of the run; an item whose figures are missing is not met."""
    by_key = {result.key: result for result in results}
    ours = by_key.get(OURS)
    found: list[Check] = []
    ours_cpu = _measured(ours, "cpu_ms_per_request")
    apollo_cpu = _measured(by_key.get(APOLLO), "cpu_ms_per_request")
    hive_cpu = _measured(by_key.get(HIVE), "cpu_ms_per_request")
    found.append(
        Check(
            "CPU-ms/req at most one third of @apollo/gateway's",
            ours_cpu is not None and apollo_cpu is not None and ours_cpu * 3 <= apollo_cpu,
            f"{_ms(ours_cpu)} vs {_ms(apollo_cpu)} ({_ratio(ours_cpu, apollo_cpu)})",
        )
    )
    found.append(
        Check(
            "CPU-ms/req lower than @graphql-hive/gateway's",
            ours_cpu is not None and hive_cpu is not None and ours_cpu < hive_cpu,
            f"{_ms(ours_cpu)} vs {_ms(hive_cpu)} ({_ratio(ours_cpu, hive_cpu)})",
        )
    )
    rust_cpu = _measured(by_key.get(HIVE_RUST), "cpu_ms_per_request")
    found.append(
        Check(
            "goal beyond: CPU-ms/req lower than Hive Gateway with the Rust planner",
            ours_cpu is not None and rust_cpu is not None and ours_cpu < rust_cpu,
            f"{_ms(ours_cpu)} vs {_ms(rust_cpu)} ({_ratio(ours_cpu, rust_cpu)})",
        )
    )
    ours_p50 = _measured(ours, "one_connection_p50_ms")
    node_p50 = {key: _measured(by_key.get(key), "one_connection_p50_ms") for key in NODE_GATEWAYS}
    found.append(
        Check(
            "p50 latency at one connection below every Node gateway's",
            ours_p50 is not None
            and all(value is not None and ours_p50 < value for value in node_p50.values()),
            f"{_ms(ours_p50)} vs "
            + ", ".join(f"{key} {_ms(value)}" for key, value in node_p50.items()),
        )
    )
    # Every configuration in the run, the 2-worker and dedup rows too, and the headline ones.
    wrong = [
        result.key
        for result in results
        if result.status != "skipped" and (result.status != "ok" or not result.response_matches)
    ]
    wrong += [key for key in (OURS, *NODE_GATEWAYS) if key not in by_key]
    found.append(
        Check(
            "every gateway's response matches the expected response",
            not wrong,
            "all match" if not wrong else "not matching or not measured: " + ", ".join(wrong),
        )
    )
    return found


def markdown(results: list[GatewayResult]) -> list[str]:
    """The acceptance section, when the run included our router and every Node gateway."""
    present = {result.key for result in results}
    if not present.issuperset((OURS, *NODE_GATEWAYS)):
        return []  # a subset run (--only) decides nothing
    lines = ["", "Acceptance (issue 7; headline rows: one process each, no dedup):", ""]
    for check in checks(results):
        lines.append(f"- {'met' if check.met else 'NOT MET'}: {check.item}: {check.figures}")
    return lines


def _measured(result: GatewayResult | None, figure: str) -> float | None:
    if result is None or result.status != "ok":
        return None
    value: float | None = getattr(result, figure)
    return value


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def _ratio(ours: float | None, peer: float | None) -> str:
    return "-" if ours is None or not peer else f"{ours / peer:.2f}x"
