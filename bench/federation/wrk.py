"""Driving load with `wrk` and reading its report."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.federation import priority

INSTALL_HINT = (
    "wrk is not installed and could not be installed with apt-get: on Debian/Ubuntu "
    "run `apt-get install -y wrk` (as root), then run the benchmark again"
)

TIMEOUT_SECONDS = 10

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int  # connect, read and write errors: the gateway failed the request
    timeouts: int  # requests that took longer than wrk's --timeout


def find_wrk() -> str:
    """wrk's path; installs Debian's `wrk` package through apt-get when it is missing.

    The benchmark's one documented command should work on a fresh machine, as
    `.ci/lib.sh ensure_chromium` does for the browser test: without apt-get (or
    when the install fails) a SystemExit says how to install wrk by hand.
    """
    path = shutil.which("wrk")
    if path is None and shutil.which("apt-get") is not None:
        for command in apt_install_commands(os.geteuid()):
            print(f"==> {shlex.join(command)} (wrk drives the load)", flush=True)
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            # A failed `update` is not fatal: a stale package list often still works.
            subprocess.run(command, check=False, env=env)
        path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


def apt_install_commands(euid: int) -> list[list[str]]:
    """The apt-get commands that install wrk, through sudo when not root."""
    sudo = [] if euid == 0 else ["sudo", "-n"]
    return [
        [*sudo, "apt-get", "update", "-qq"],
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
    ]


def write_post_script(directory: Path, body: bytes) -> Path:
    """A wrk Lua script that POSTs `body` as JSON on every request."""
    text = body.decode()
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    script = directory / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [{eq}[{text}]{eq}]\n"
    )
    return script


def run_load(
    wrk: str,
    url: str,
    script: Path,
    *,
    connections: int,
    threads: int,
    seconds: int,
    niceness: int = 0,
) -> LoadResult:
    """Run wrk with fixed connections for `seconds` and parse its --latency report."""
    process = subprocess.Popen(
        [
            wrk,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            f"{TIMEOUT_SECONDS}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    priority.apply(process.pid, niceness)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed: {stderr.strip() or stdout.strip()}")
    return parse_report(stdout)


def parse_report(report: str) -> LoadResult:
    """Read requests, duration, RPS, p50/p99 and error counts from wrk's output."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", report)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if done is None or rps is None:
        raise RuntimeError(f"cannot read wrk's report:\n{report}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    return LoadResult(
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * _UNIT_MS[done.group(3)] / 1000.0,
        rps=float(rps.group(1)),
        p50_ms=_percentile_ms(report, "50%"),
        p99_ms=_percentile_ms(report, "99%"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(value) for value in socket.groups()[:3]) if socket else 0,
        timeouts=int(socket.group(4)) if socket else 0,
    )


def _percentile_ms(report: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s|m)\s*$", report, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk's report has no {label} latency:\n{report}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]
