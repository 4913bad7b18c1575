"""Our services as real processes in tests: free ports, health waits, clean stops.

    with running_process("users", [sys.executable, "-m", "uvicorn", ...],
                         health_url=f"http://127.0.0.1:{port}/health") as users:
        ...  # talk HTTP to it

Each process runs in its own session (process group), so stopping it also stops
whatever it started; its stdout and stderr go to a log file whose tail is shown
when it fails to start or dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ProcessFailed(AssertionError):
    """A process did not come up, or died; the message carries its log tail."""


@dataclass
class ManagedProcess:
    """One child process started by the tests, with its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    _log_file: IO[bytes] | None = field(repr=False, default=None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def failure(self, reason: str) -> ProcessFailed:
        return ProcessFailed(
            f"{self.name} (pid {self.pid}) {reason}; last log lines from {self.log_path}:\n"
            f"{self.log_tail()}"
        )

    def wait_healthy(self, url: str, *, timeout: float = 60.0) -> None:
        """Poll `url` until it answers 200; fail early with the log if the process exits."""
        deadline = time.monotonic() + timeout
        last_problem = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.popen.poll() is not None:
                    raise self.failure(f"exited with {self.popen.returncode} before {url} answered")
                try:
                    response = client.get(url)
                    if response.status_code == 200:
                        return
                    last_problem = f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    last_problem = f"{type(error).__name__}"
                time.sleep(0.1)
        raise self.failure(f"was not healthy at {url} within {timeout:.0f}s ({last_problem})")

    def wait_for_log(self, text: str, *, timeout: float = 60.0) -> None:
        """Wait until `text` appears in the process's output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.popen.poll() is not None:
                raise self.failure(f"exited with {self.popen.returncode} before printing {text!r}")
            time.sleep(0.1)
        raise self.failure(f"did not print {text!r} within {timeout:.0f}s")

    def signal(self, signum: int) -> None:
        """Send `signum` to the process itself (not its group)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def stop(self, *, timeout: float = 15.0) -> int:
        """SIGTERM the process group, SIGKILL it after `timeout`; returns the exit code."""
        if self.popen.poll() is None:
            _signal_group(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        # Whatever the leader left behind in its group goes too.
        _signal_group(self.pid, signal.SIGKILL)
        if self._log_file is not None:
            self._log_file.close()
        return self.popen.returncode


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def start_process(
    name: str,
    argv: Sequence[str],
    *,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
) -> ManagedProcess:
    """Start `argv` in its own session, output to `<log_dir>/<name>.log`.

    `env` is added to (and overrides) the tests' own environment.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log_file = log_path.open("wb")
    popen = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return ManagedProcess(name, popen, log_path, log_file)


@contextlib.contextmanager
def running_process(
    name: str,
    argv: Sequence[str],
    *,
    log_dir: Path,
    health_url: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    startup_timeout: float = 60.0,
) -> Iterator[ManagedProcess]:
    """Start a process, wait for `health_url` (when given), stop it on the way out.

    If the body fails while the process is already dead, the failure says so with
    the process's log tail, since that is usually the real cause.
    """
    process = start_process(name, argv, log_dir=log_dir, env=env, cwd=cwd)
    try:
        if health_url is not None:
            process.wait_healthy(health_url, timeout=startup_timeout)
        yield process
    except BaseException:
        if process.popen.poll() is not None:
            sys.stderr.write(str(process.failure(f"had exited with {process.popen.returncode}")))
        raise
    finally:
        process.stop()


def uvicorn_argv(app_factory: str, port: int, host: str = "127.0.0.1") -> list[str]:
    """argv serving an app factory ("package.module:create_app") with uvicorn."""
    return [
        PYTHON,
        "-m",
        "uvicorn",
        "--factory",
        app_factory,
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
    ]


def shopgraph_argv(*args: str) -> list[str]:
    """argv running the `shopgraph` command line of this checkout."""
    return [PYTHON, "-m", "subgraphs.platform", *args]


# --- Looking at process trees (Linux /proc): proving that nothing is left over.


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) may hold spaces and parentheses: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def is_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, grandchildren, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None or fields[0] in ("Z", "X"):
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def wait_until_gone(pids: set[int], *, timeout: float = 20.0) -> set[int]:
    """Wait for every pid in `pids` to end; returns those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    alive = {pid for pid in pids if is_alive(pid)}
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {pid for pid in alive if is_alive(pid)}
    return alive
