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
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from bench.federation import procstat, report, wrk
from bench.federation.dataset import BENCHMARK_DIR, load_expected_response, load_query
from bench.federation.gateways import (
    GATEWAYS_DIR,
    OURS_DEFAULT_COMMAND,
    REPO_ROOT,
    GatewayFailed,
    GatewaySpec,
    RunningGateway,
    gateway_specs,
    inspect_ours,
)
from bench.federation.response_check import first_difference

RESULTS_DIR = REPO_ROOT / "bench" / "results"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.federation.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds of measured load")
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
    parser.add_argument("--benchmark-dir", type=Path, default=BENCHMARK_DIR)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
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
                "warmup": args.warmup,
                "latency_duration": args.latency_duration,
                "ours_command": args.ours_command,
            },
            machine=_machine(),
        )
        with _Subgraphs(args, workdir) as subgraphs:
            for spec in specs:
                print(f"==> {spec.label}", flush=True)
                if not ours.available and spec.key.startswith("shopgraph"):
                    result = _failed(spec, f"our router's CLI is not usable: {ours.help_error}")
                elif spec.skip_reason:
                    result = _result(spec, "skipped", reason=spec.skip_reason)
                else:
                    result = _measure(spec, args, wrk_path, script, body, expected, subgraphs)
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


class _Subgraphs:
    """The local subgraph server for the whole run."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self._command = [
            sys.executable,
            "-m",
            "bench.federation.subgraphs",
            "--port",
            str(args.subgraph_port),
            "--benchmark-dir",
            str(args.benchmark_dir),
        ]
        self._log = (workdir / "subgraphs.log").open("wb")
        self.url = f"http://127.0.0.1:{args.subgraph_port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Subgraphs:
        self.process = subprocess.Popen(
            self._command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=self._log
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline().decode().strip()
        if not ready.startswith("ready "):
            self.__exit__()
            raise SystemExit(f"the benchmark subgraphs did not start (port in use?): {ready!r}")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()
        self._log.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait_until_idle(self, quiet: float = 0.5, timeout: float = 60.0) -> None:
        """Return once no subgraph request has arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        count = self.request_count()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.request_count()
            if now == count:
                return
            count = now

    def request_count(self) -> int:
        counts: dict[str, int] = httpx.get(f"{self.url}/_stats", timeout=5).json()
        return sum(counts.values())


def _measure(
    spec: GatewaySpec,
    args: argparse.Namespace,
    wrk_path: str,
    script: Path,
    body: bytes,
    expected: dict[str, object],
    subgraphs: _Subgraphs,
) -> report.GatewayResult:
    log_path = script.parent / f"{spec.key}.log"
    try:
        gateway = RunningGateway(spec, log_path)
    except GatewayFailed as error:
        return _failed(spec, str(error))
    try:
        try:
            answer = gateway.wait_until_answering(body)
        except GatewayFailed as error:
            return _failed(spec, str(error))
        problem = _check(answer, expected)
        if problem is not None:
            return _result(
                spec, "failed", reason=f"wrong response: {problem}", response_matches=False
            )
        with procstat.PeakRssSampler(gateway.pid) as memory:
            wrk.run_load(
                wrk_path,
                spec.url,
                script,
                connections=args.connections,
                threads=args.threads,
                seconds=args.warmup,
            )
            # Requests wrk abandoned at the end of the warm-up may still be
            # running; let them finish so their CPU stays out of the window.
            subgraphs.wait_until_idle()
            gateway_cpu = procstat.cpu_seconds(gateway.pid)
            subgraph_cpu = procstat.cpu_seconds(subgraphs.pid)
            machine_cpu = procstat.machine_busy_seconds()
            wrk_cpu = procstat.children_cpu_seconds()
            started = time.monotonic()
            load = wrk.run_load(
                wrk_path,
                spec.url,
                script,
                connections=args.connections,
                threads=args.threads,
                seconds=args.duration,
            )
            elapsed = time.monotonic() - started
            gateway_cpu = procstat.cpu_seconds(gateway.pid) - gateway_cpu
            subgraph_cpu = procstat.cpu_seconds(subgraphs.pid) - subgraph_cpu
            machine_cpu = procstat.machine_busy_seconds() - machine_cpu
            wrk_cpu = procstat.children_cpu_seconds() - wrk_cpu
            subgraphs.wait_until_idle()
            # Subgraph calls per request are counted at one connection, where
            # at most one request is cut off by the end of the run.
            subgraph_calls = subgraphs.request_count()
            single = wrk.run_load(
                wrk_path, spec.url, script, connections=1, threads=1, seconds=args.latency_duration
            )
            subgraph_calls = subgraphs.request_count() - subgraph_calls
        # Still correct after the load?
        after = _check(gateway.wait_until_answering(body, timeout=10), expected)
        if gateway.process.poll() is not None:
            return _failed(spec, f"exited during the run: {gateway.log_tail()}")
    except (GatewayFailed, RuntimeError) as error:
        return _failed(spec, str(error))
    finally:
        gateway.stop()
    requests = max(load.requests, 1)
    return _result(
        spec,
        "ok" if after is None else "failed",
        reason=None if after is None else f"wrong response after load: {after}",
        response_matches=after is None,
        rps=load.rps,
        p50_ms=load.p50_ms,
        p99_ms=load.p99_ms,
        requests=load.requests,
        non_2xx=load.non_2xx,
        socket_errors=load.socket_errors,
        one_connection_rps=single.rps,
        one_connection_p50_ms=single.p50_ms,
        one_connection_p99_ms=single.p99_ms,
        cpu_ms_per_request=gateway_cpu * 1000 / requests,
        cpu_cores_busy=gateway_cpu / elapsed,
        peak_rss_mb=memory.peak / 2**20,
        subgraph_cpu_ms_per_request=subgraph_cpu * 1000 / requests,
        wrk_cores_busy=wrk_cpu / elapsed,
        # Whatever else ran on the machine meanwhile (other users, the harness):
        # a high figure means the gateway competed for CPU and RPS suffered.
        other_cores_busy=max(machine_cpu - gateway_cpu - subgraph_cpu - wrk_cpu, 0.0) / elapsed,
        subgraph_requests_per_request=subgraph_calls / max(single.requests, 1),
    )


def _check(answer: bytes, expected: dict[str, object]) -> str | None:
    try:
        actual = orjson.loads(answer)
    except orjson.JSONDecodeError:
        return f"not JSON: {answer[:200]!r}"
    return first_difference(actual, expected)


def _result(spec: GatewaySpec, status: str, **figures: object) -> report.GatewayResult:
    return report.GatewayResult(
        key=spec.key,
        label=spec.label,
        workers=spec.workers,
        dedup=spec.dedup,
        status=status,
        **figures,  # type: ignore[arg-type]
    )


def _failed(spec: GatewaySpec, reason: str) -> report.GatewayResult:
    return _result(spec, "failed", reason=reason)


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
        "commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
    }


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
