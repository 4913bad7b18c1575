"""Side-by-side federation gateway benchmark.

    .venv/bin/python -m bench.federation.run [--duration 20 --connections 50]

Starts the benchmark's local subgraphs, writes a supergraph whose routing URLs
point at them, then for each gateway in turn: starts it (one process), checks
its response to the benchmark query against expected-response.json, warms it
up, drives it with wrk at fixed connections and duration and then at one
connection, measures CPU and memory from /proc, and stops it. Results go to
bench/results/ (a timestamped JSON and Markdown file, and latest.json/latest.md).
See bench/README.md for how to read them.
"""

from __future__ import annotations

import argparse
import platform
import re
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from bench.federation import priority, report, wrk
from bench.federation.dataset import BENCHMARK_DIR, load_expected_response, load_query
from bench.federation.gateways import (
    GATEWAYS_DIR,
    OURS_DEFAULT_COMMAND,
    OURS_ENV,
    REPO_ROOT,
    gateway_specs,
    inspect_ours,
)
from bench.federation.measure import LoadSettings, SubgraphServer, measure_gateway, result_for

RESULTS_DIR = REPO_ROOT / "bench" / "results"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.federation.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of each measured load window"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measured windows per gateway; the table shows medians (3 suits a busy machine)",
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up load")
    parser.add_argument(
        "--latency-duration", type=int, default=10, help="seconds of the 1-connection run"
    )
    parser.add_argument("--subgraph-port", type=int, default=4200)
    parser.add_argument("--gateway-port", type=int, default=4000)
    parser.add_argument(
        "--only", nargs="+", metavar="KEY", help="measure only these gateway keys (see --list)"
    )
    parser.add_argument("--list", action="store_true", help="list gateway keys and exit")
    parser.add_argument(
        "--with-dedup",
        action="store_true",
        help="also measure the gateways that offer in-flight deduplication with it on",
    )
    parser.add_argument(
        "--ours-command",
        default=OURS_DEFAULT_COMMAND,
        help="how to start our router ({supergraph} and {port} are filled in)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the gateway, the subgraphs and wrk, each in its own session "
        "(negative needs root): -10 shields the measurement from other work on a shared machine",
    )
    parser.add_argument("--benchmark-dir", type=Path, default=BENCHMARK_DIR)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    # Stopped from outside (timeout, kill): unwind, so the gateway and the
    # subgraphs, each in their own session, are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Inherited by the subgraphs, every gateway and wrk alike.
    priority.apply_to_self(args.nice)
    command = "python -m bench.federation.run " + shlex.join(
        list(argv) if argv is not None else sys.argv[1:]
    )
    with tempfile.TemporaryDirectory(prefix="federation-bench-") as scratch:
        workdir = Path(scratch)
        supergraph = _local_supergraph(args, workdir)
        ours = inspect_ours(args.ours_command)
        specs = gateway_specs(
            supergraph,
            args.gateway_port,
            ours_command=args.ours_command,
            ours=ours,
            with_dedup=args.with_dedup,
        )
        if args.list:
            for spec in specs:
                print(f"{spec.key:32} {spec.label}")
            return 0
        if args.only:
            unknown = set(args.only) - {spec.key for spec in specs}
            if unknown:
                raise SystemExit(f"unknown gateway keys: {', '.join(sorted(unknown))}")
            specs = [spec for spec in specs if spec.key in args.only]
        wrk_path = wrk.find_wrk()
        _ensure_node_gateways()
        body = orjson.dumps({"query": load_query(args.benchmark_dir), "operationName": "TestQuery"})
        script = wrk.write_post_script(workdir, body)
        expected = load_expected_response(args.benchmark_dir)
        started = datetime.now(UTC)
        run_report = report.RunReport(
            started_at=started.strftime("%Y-%m-%d %H:%M UTC"),
            command=command,
            settings={
                "connections": args.connections,
                "threads": args.threads,
                "duration": args.duration,
                "repeat": args.repeat,
                "warmup": args.warmup,
                "latency_duration": args.latency_duration,
                "ours_command": args.ours_command,
                "ours_env": OURS_ENV,
                "nice": args.nice,
            },
            machine=_machine(),
        )
        settings = LoadSettings(
            connections=args.connections,
            threads=args.threads,
            warmup=args.warmup,
            duration=args.duration,
            repeat=args.repeat,
            latency_duration=args.latency_duration,
            niceness=args.nice,
        )
        subgraphs = SubgraphServer(
            args.subgraph_port, args.benchmark_dir, workdir / "subgraphs.log", args.nice
        )
        with subgraphs:
            for spec in specs:
                print(f"==> {spec.label}", flush=True)
                if spec.skip_reason:
                    result = result_for(spec, "skipped", reason=spec.skip_reason)
                else:
                    result = measure_gateway(
                        spec, settings, wrk_path, script, body, expected, subgraphs
                    )
                run_report.results.append(result)
                print(f"    {_summary(result)}", flush=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    for path in report.write(run_report, args.results_dir, stamp):
        print(f"wrote {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}")
    print()
    print(report.markdown(run_report))
    return 0


def _local_supergraph(args: argparse.Namespace, workdir: Path) -> Path:
    """The benchmark's supergraph with routing URLs pointed at the local subgraphs."""
    text = (args.benchmark_dir / "supergraph.graphql").read_text()
    local = re.sub(r'url: "http://[^/"]+/', f'url: "http://127.0.0.1:{args.subgraph_port}/', text)
    path = workdir / "supergraph.graphql"
    path.write_text(local)
    return path


def _ensure_node_gateways() -> None:
    """Install the Node gateways from their lock file when they are missing."""
    if (GATEWAYS_DIR / "node_modules" / "@graphql-hive" / "gateway").is_dir():
        return
    print("==> npm ci in bench/gateways (first run)", flush=True)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=GATEWAYS_DIR, check=True
    )


def _summary(result: report.GatewayResult) -> str:
    if result.status != "ok":
        return f"{result.status}: {result.reason}"
    return (
        f"{result.rps:.0f} RPS, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"1-conn p50 {result.one_connection_p50_ms:.2f} ms, "
        f"{result.cpu_ms_per_request:.2f} CPU-ms/req, peak RSS {result.peak_rss_mb:.0f} MB, "
        f"subgraphs {result.subgraph_cpu_ms_per_request:.2f} CPU-ms/req "
        f"({result.subgraph_requests_per_request:.1f} calls/req)"
    )


def _machine() -> dict[str, object]:
    cpu_model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": cpu_model,
        "cpus": _command_output(["nproc"]),
        "node": _command_output(["node", "--version"]),
        "python": platform.python_version(),
        "wrk": _command_output(["wrk", "--version"]).split(" [")[0],
        "commit": _commit(),
    }


_MEASURED_CODE = ("supergraph", "bench/federation", "bench/gateways")


def _commit() -> str:
    """HEAD, marked when the router's files differ from it (results of uncommitted code)."""
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"])
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", *_MEASURED_CODE],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return commit
    if status.strip():
        return f"{commit} + uncommitted changes in supergraph/ or the harness"
    return commit


def _command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else "?"


if __name__ == "__main__":
    sys.exit(main())
