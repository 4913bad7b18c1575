"""Measuring one gateway: start, check, warm up, load windows, one-connection run, stop."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.federation import priority, procstat, wrk
from bench.federation.gateways import REPO_ROOT, GatewayFailed, GatewaySpec, RunningGateway
from bench.federation.report import GatewayResult
from bench.federation.response_check import first_difference


@dataclass(frozen=True)
class LoadSettings:
    """The same load for every gateway."""

    connections: int
    threads: int
    warmup: int
    duration: int
    repeat: int
    latency_duration: int
    niceness: int = 0


class SubgraphServer:
    """The benchmark's local subgraphs, one process for the whole run."""

    def __init__(self, port: int, benchmark_dir: Path, log_path: Path, niceness: int = 0) -> None:
        self._command = [
            sys.executable,
            "-m",
            "bench.federation.subgraphs",
            "--port",
            str(port),
            "--benchmark-dir",
            str(benchmark_dir),
        ]
        self._log_path = log_path
        self._niceness = niceness
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SubgraphServer:
        with self._log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self._command,
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        priority.apply(self._process.pid, self._niceness)
        assert self._process.stdout is not None
        ready = self._process.stdout.readline().decode().strip()
        if not ready.startswith("ready "):
            self.__exit__()
            log_text = self._log_path.read_text(errors="replace").strip()
            raise SystemExit(f"the benchmark subgraphs did not start:\n{log_text}")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def request_count(self) -> int:
        """Subgraph requests served since start, all four subgraphs together."""
        counts: dict[str, int] = httpx.get(f"{self.url}/_stats", timeout=5).json()
        return sum(counts.values())

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


@dataclass(frozen=True)
class Window:
    """One measured load window and the CPU everything used during it."""

    load: wrk.LoadResult
    elapsed: float
    gateway_cpu: float
    subgraph_cpu: float
    wrk_cpu: float
    machine_cpu: float

    def figures(self) -> dict[str, float]:
        requests = max(self.load.requests, 1)
        # Whatever else ran on the machine meanwhile (other users, the harness):
        # a high figure means the gateway competed for CPU.
        others = self.machine_cpu - self.gateway_cpu - self.subgraph_cpu - self.wrk_cpu
        return {
            "rps": self.load.rps,
            "p50_ms": self.load.p50_ms,
            "p99_ms": self.load.p99_ms,
            "requests": self.load.requests,
            "non_2xx": self.load.non_2xx,
            "socket_errors": self.load.socket_errors,
            "timeouts": self.load.timeouts,
            "cpu_ms_per_request": self.gateway_cpu * 1000 / requests,
            "cpu_cores_busy": self.gateway_cpu / self.elapsed,
            "subgraph_cpu_ms_per_request": self.subgraph_cpu * 1000 / requests,
            "wrk_cores_busy": self.wrk_cpu / self.elapsed,
            "other_cores_busy": max(others, 0.0) / self.elapsed,
        }


def measure_gateway(
    spec: GatewaySpec,
    settings: LoadSettings,
    wrk_path: str,
    script: Path,
    body: bytes,
    expected: dict[str, Any],
    subgraphs: SubgraphServer,
) -> GatewayResult:
    """Run every step for one gateway; any failure becomes a failed result with its reason."""
    if not _port_is_free(spec.port):
        # Otherwise whatever holds the port would be measured instead.
        return result_for(spec, "failed", reason=f"port {spec.port} is already in use")
    try:
        gateway = RunningGateway(spec, script.parent / f"{spec.key}.log", settings.niceness)
    except GatewayFailed as error:
        return result_for(spec, "failed", reason=str(error))
    try:
        problem = check_response(gateway.wait_until_answering(body), expected)
        if problem is not None:
            return result_for(
                spec, "failed", reason=f"wrong response: {problem}", response_matches=False
            )
        with procstat.PeakRssSampler(gateway.pid) as memory:
            wrk.run_load(
                wrk_path,
                spec.url,
                script,
                connections=settings.connections,
                threads=settings.threads,
                seconds=settings.warmup,
                niceness=settings.niceness,
            )
            windows = [
                _window(gateway, subgraphs, settings, wrk_path, script)
                for _ in range(settings.repeat)
            ]
            subgraphs.wait_until_idle()
            # Subgraph calls per request are counted at one connection, where
            # at most one request is cut off by the end of the run.
            calls_before = subgraphs.request_count()
            single = wrk.run_load(
                wrk_path,
                spec.url,
                script,
                connections=1,
                threads=1,
                seconds=settings.latency_duration,
                niceness=settings.niceness,
            )
            subgraph_calls = subgraphs.request_count() - calls_before
        after = check_response(gateway.wait_until_answering(body, timeout=10), expected)
        if gateway.process.poll() is not None:
            return result_for(spec, "failed", reason=f"exited during the run: {gateway.log_tail()}")
    except (GatewayFailed, RuntimeError, httpx.HTTPError) as error:
        return result_for(spec, "failed", reason=str(error))
    finally:
        gateway.stop()
    per_window = [window.figures() for window in windows]
    medians = {key: statistics.median(w[key] for w in per_window) for key in per_window[0]}
    errors = sum(int(w["non_2xx"] + w["socket_errors"]) for w in per_window)
    timeouts = sum(int(w["timeouts"]) for w in per_window)
    reason = None
    if after is not None:
        reason = f"wrong response after load: {after}"
    elif errors:
        # Figures of a gateway that fails requests are not comparable.
        reason = f"{errors} requests failed under load (non-2xx or connection errors)"
    return result_for(
        spec,
        "ok" if reason is None else "failed",
        reason=reason,
        response_matches=after is None,
        rps=medians["rps"],
        p50_ms=medians["p50_ms"],
        p99_ms=medians["p99_ms"],
        requests=sum(int(w["requests"]) for w in per_window),
        non_2xx=sum(int(w["non_2xx"]) for w in per_window),
        socket_errors=sum(int(w["socket_errors"]) for w in per_window),
        # A slow gateway, not a wrong one: noted in the report, not a failure.
        timeouts=timeouts,
        one_connection_rps=single.rps,
        one_connection_p50_ms=single.p50_ms,
        one_connection_p99_ms=single.p99_ms,
        cpu_ms_per_request=medians["cpu_ms_per_request"],
        cpu_cores_busy=medians["cpu_cores_busy"],
        peak_rss_mb=memory.peak / 2**20,
        subgraph_cpu_ms_per_request=medians["subgraph_cpu_ms_per_request"],
        subgraph_requests_per_request=subgraph_calls / max(single.requests, 1),
        wrk_cores_busy=medians["wrk_cores_busy"],
        other_cores_busy=medians["other_cores_busy"],
        windows=per_window,
    )


def _window(
    gateway: RunningGateway,
    subgraphs: SubgraphServer,
    settings: LoadSettings,
    wrk_path: str,
    script: Path,
) -> Window:
    # Requests wrk abandoned at the end of the previous run may still be
    # running; let them finish so that their CPU stays out of this window.
    subgraphs.wait_until_idle()
    gateway_cpu = procstat.cpu_seconds(gateway.pid)
    subgraph_cpu = procstat.cpu_seconds(subgraphs.pid)
    machine_cpu = procstat.machine_busy_seconds()
    wrk_cpu = procstat.children_cpu_seconds()
    started = time.monotonic()
    load = wrk.run_load(
        wrk_path,
        gateway.spec.url,
        script,
        connections=settings.connections,
        threads=settings.threads,
        seconds=settings.duration,
        niceness=settings.niceness,
    )
    return Window(
        load=load,
        elapsed=time.monotonic() - started,
        gateway_cpu=procstat.cpu_seconds(gateway.pid) - gateway_cpu,
        subgraph_cpu=procstat.cpu_seconds(subgraphs.pid) - subgraph_cpu,
        wrk_cpu=procstat.children_cpu_seconds() - wrk_cpu,
        machine_cpu=procstat.machine_busy_seconds() - machine_cpu,
    )


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # Like the servers themselves: connections of the previous gateway
        # lingering in TIME_WAIT do not make the port busy, a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_response(answer: bytes, expected: dict[str, Any]) -> str | None:
    """None when the gateway's answer is the expected response, else what differs."""
    try:
        actual = orjson.loads(answer)
    except orjson.JSONDecodeError:
        return f"not JSON: {answer[:200]!r}"
    return first_difference(actual, expected)


def result_for(spec: GatewaySpec, status: str, **figures: Any) -> GatewayResult:
    return GatewayResult(
        key=spec.key,
        label=spec.label,
        workers=spec.workers,
        dedup=spec.dedup,
        status=status,
        **figures,
    )
