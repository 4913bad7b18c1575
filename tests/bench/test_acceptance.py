"""Issue 7's acceptance as the benchmark report states it, from a run's results."""

from __future__ import annotations

from typing import Any

from bench.federation.acceptance import checks, markdown
from bench.federation.report import GatewayResult


def result(key: str, cpu: float, p50_one: float, **overrides: Any) -> GatewayResult:
    figures: dict[str, Any] = {
        "key": key,
        "label": key,
        "workers": 1,
        "dedup": "off",
        "status": "ok",
        "response_matches": True,
        "cpu_ms_per_request": cpu,
        "one_connection_p50_ms": p50_one,
    }
    figures.update(overrides)
    return GatewayResult(**figures)


def run(
    ours_cpu: float = 2.0, ours_p50: float = 6.0, replaced: tuple[GatewayResult, ...] = ()
) -> list[GatewayResult]:
    results = {
        "shopgraph": result("shopgraph", ours_cpu, ours_p50),
        "apollo-gateway": result("apollo-gateway", 18.0, 35.0),
        "hive-gateway": result("hive-gateway", 20.0, 68.0),
        "hive-gateway-router-runtime": result("hive-gateway-router-runtime", 7.6, 27.0),
    }
    results.update({one.key: one for one in replaced})
    return list(results.values())


def verdicts(results: list[GatewayResult]) -> dict[str, bool]:
    return {check.item: check.met for check in checks(results)}


def test_a_run_where_our_router_beats_every_peer_meets_every_item() -> None:
    assert all(verdicts(run()).values())
    lines = markdown(run())
    apollo = "CPU-ms/req at most one third of @apollo/gateway's: 2.00 ms vs 18.00 ms (0.11x)"
    assert f"- met: {apollo}" in lines


def test_cpu_over_a_third_of_apollo_is_not_met_and_the_rust_planner_ratio_is_reported() -> None:
    found = verdicts(run(ours_cpu=6.5))
    assert found["CPU-ms/req at most one third of @apollo/gateway's"] is False
    assert found["CPU-ms/req lower than @graphql-hive/gateway's"] is True
    assert any("6.50 ms vs 7.60 ms (0.86x)" in line for line in markdown(run(ours_cpu=6.5)))


def test_one_connection_p50_must_be_below_every_node_gateway() -> None:
    slower_than_rust = run(ours_p50=30.0)
    item = "p50 latency at one connection below every Node gateway's"
    assert verdicts(slower_than_rust)[item] is False
    assert verdicts(run(ours_p50=26.9))[item] is True


def test_any_configuration_with_a_wrong_answer_fails_the_response_item() -> None:
    wrong_dedup = result("shopgraph-dedup", 2.0, 6.0, status="failed", response_matches=False)
    found = checks(run(replaced=(wrong_dedup,)))
    response = next(check for check in found if check.item.startswith("every gateway"))
    assert not response.met
    assert "shopgraph-dedup" in response.figures


def test_a_failed_peer_decides_nothing_in_our_favour() -> None:
    failed_apollo = result("apollo-gateway", 0.0, 0.0, status="failed", cpu_ms_per_request=None)
    found = verdicts(run(replaced=(failed_apollo,)))
    assert found["CPU-ms/req at most one third of @apollo/gateway's"] is False
    assert found["p50 latency at one connection below every Node gateway's"] is False


def test_a_subset_run_has_no_acceptance_section() -> None:
    assert markdown(run()[:2]) == []
