"""Writing a benchmark run as JSON and as a Markdown table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bench.federation import acceptance, wrk


@dataclass
class GatewayResult:
    """One gateway configuration's outcome; figures are None when not measured."""

    key: str
    label: str
    workers: int
    dedup: str
    status: str  # "ok", "failed" or "skipped"
    reason: str | None = None
    response_matches: bool | None = None
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int | None = None
    non_2xx: int | None = None
    socket_errors: int | None = None
    timeouts: int | None = None
    one_connection_rps: float | None = None
    one_connection_p50_ms: float | None = None
    one_connection_p99_ms: float | None = None
    cpu_ms_per_request: float | None = None
    cpu_cores_busy: float | None = None
    peak_rss_mb: float | None = None
    subgraph_cpu_ms_per_request: float | None = None
    subgraph_requests_per_request: float | None = None
    wrk_cores_busy: float | None = None
    other_cores_busy: float | None = None
    windows: list[dict[str, float]] = field(default_factory=list)


@dataclass
class RunReport:
    """A whole run: settings, machine, and one result per gateway."""

    started_at: str
    command: str
    settings: dict[str, Any]
    machine: dict[str, Any]
    results: list[GatewayResult] = field(default_factory=list)


def write(report: RunReport, directory: Path, stamp: str) -> list[Path]:
    """Write `<stamp>.json`, `<stamp>.md`, `latest.json` and `latest.md` into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    as_json = orjson.dumps(asdict(report), option=orjson.OPT_INDENT_2) + b"\n"
    as_markdown = markdown(report).encode()
    paths = []
    for name, content in (
        (f"{stamp}.json", as_json),
        (f"{stamp}.md", as_markdown),
        ("latest.json", as_json),
        ("latest.md", as_markdown),
    ):
        path = directory / name
        path.write_bytes(content)
        paths.append(path)
    return paths


_MACHINE_KEYS = ("cpu_model", "cpus", "node", "python", "commit")


def _figure(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def markdown(report: RunReport) -> str:
    """The results table, the settings that produced it, and what failed."""
    settings = report.settings
    lines = [
        f"# Federation gateway benchmark, {report.started_at}",
        "",
        f"Command: `{report.command}`",
        "",
        "Machine: {cpu_model}, {cpus} CPUs; Node {node}; Python {python}; commit {commit}.".format(
            **{key: report.machine.get(key, "?") for key in _MACHINE_KEYS}
        ),
        "",
        f"Load: wrk, {settings['connections']} connections, {settings['threads']} threads, "
        f"{settings.get('repeat', 1)} window(s) of {settings['duration']} s (medians shown) "
        f"after a {settings['warmup']} s warm-up; then 1 connection "
        f"for {settings['latency_duration']} s. Subgraphs: one local Python process "
        "(responses memoised by request body). Niceness of the measured processes: "
        f"{settings.get('nice', 0)}. Our router's environment: "
        + (" ".join(f"`{k}={v}`" for k, v in settings.get("ours_env", {}).items()) or "-")
        + ".",
        "",
        f"| gateway | workers | dedup | response | RPS ({settings['connections']} conn) "
        "| p50 ms | p99 ms | p50 ms (1 conn) | p99 ms (1 conn) | gateway CPU-ms/req "
        "| peak RSS MB | subgraph CPU-ms/req | subgraph calls/req | other load (cores) |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in report.results:
        if result.status != "ok" and result.rps is None:
            response = "-" if result.response_matches is None else "MISMATCH"
            lines.append(
                f"| {result.label} | {result.workers} | {result.dedup} | {response} "
                f"| {result.status} | | | | | | | | | |"
            )
            continue
        lines.append(
            f"| {result.label} | {result.workers} | {result.dedup} "
            f"| {_response_cell(result)} "
            f"| {_figure(result.rps, 0)} | {_figure(result.p50_ms, 2)} "
            f"| {_figure(result.p99_ms, 2)} | {_figure(result.one_connection_p50_ms, 2)} "
            f"| {_figure(result.one_connection_p99_ms, 2)} "
            f"| {_figure(result.cpu_ms_per_request, 2)} | {_figure(result.peak_rss_mb, 0)} "
            f"| {_figure(result.subgraph_cpu_ms_per_request, 2)} "
            f"| {_figure(result.subgraph_requests_per_request, 1)} "
            f"| {_figure(result.other_cores_busy, 2)} |"
        )
    lines.extend(_ratios(report.results))
    lines.extend(acceptance.markdown(report.results))
    problems = [result for result in report.results if result.status != "ok" or result.timeouts]
    if problems:
        lines.extend(["", "## Not measured, failed, or slow", ""])
        for result in problems:
            if result.status == "ok":
                detail = (
                    f"{result.timeouts} requests took longer than wrk's {wrk.TIMEOUT_SECONDS} s "
                    "timeout (left out of RPS and latency)"
                )
            else:
                detail = result.reason or "no reason recorded"
            lines.append(f"- **{result.label}** ({result.status}): {_one_line(detail)}")
    lines.extend(
        [
            "",
            "CPU-ms/req is the process tree's user+system CPU over the measured window "
            "divided by the requests completed in it (from /proc); peak RSS is the "
            "largest resident size of the tree sampled during warm-up and load. Other load "
            "is the CPU (in cores) that processes other than the gateway, the subgraphs and "
            "wrk used during the window: where it is high, the gateway competed for CPU.",
            "",
        ]
    )
    return "\n".join(lines)


def _response_cell(result: GatewayResult) -> str:
    if result.status != "ok":
        return "FAILED (below)"
    return "matches" if result.response_matches else "MISMATCH"


def _ratios(results: list[GatewayResult]) -> list[str]:
    by_key = {result.key: result for result in results if result.status == "ok"}
    ours = by_key.get("shopgraph")
    if ours is None or ours.cpu_ms_per_request is None:
        return []
    ratios = []
    for key in ("apollo-gateway", "hive-gateway", "hive-gateway-router-runtime"):
        peer = by_key.get(key)
        if peer is None or not peer.cpu_ms_per_request:
            continue
        ratio = ours.cpu_ms_per_request / peer.cpu_ms_per_request
        ratios.append(f"- vs {peer.label}: {ratio:.2f}x")
    if not ratios:
        return []
    return ["", "Our router's CPU-ms per request against each peer (lower is better):", "", *ratios]


def _one_line(text: str) -> str:
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= 400 else flat[:397] + "..."
