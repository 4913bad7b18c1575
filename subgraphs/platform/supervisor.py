"""Child processes of `shopgraph dev`: started in their own groups, always stopped.

Every child gets its own session (process group), so stopping it stops whatever
it started too. SIGTERM, SIGINT and SIGHUP turn into a `Shutdown` exception in
the parent at whatever point it is, and whoever started children stops them in a
`finally`; signals are held back while a child is being spawned, so no child
can exist without being recorded. On Linux each child also asks the kernel for
SIGTERM if the parent dies without cleaning up (SIGKILL, a crash).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

import httpx

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


class Shutdown(BaseException):
    """The parent was asked to stop (a BaseException, like KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class StartupFailed(RuntimeError):
    """A child did not come up (or a start-up step failed)."""


@dataclass
class Child:
    name: str
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, a stop signal raises `Shutdown` (once; later ones are ignored
    so that the clean-up itself is not interrupted)."""
    stopping = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Shutdown(signum)

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _prepare_child(parent_pid: int) -> None:
    """Runs in the child between fork and exec (async-signal-safe work only)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)


class Supervisor:
    """Starts, watches and stops the children of one `shopgraph dev` run."""

    def __init__(self, *, stop_timeout: float = 10.0) -> None:
        self.children: list[Child] = []
        self.stop_timeout = stop_timeout

    def spawn(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> Child:
        parent_pid = os.getpid()
        # A stop signal arriving mid-spawn waits until the child is recorded.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            # The argv is ours (this interpreter running our own commands).
            popen = subprocess.Popen(  # noqa: S603
                list(argv),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=lambda: _prepare_child(parent_pid),
            )
            child = Child(name, popen)
            self.children.append(child)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return child

    def run_step(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> int:
        """Run a short-lived child to completion (still stoppable); returns its exit code."""
        child = self.spawn(name, argv, env)
        code = child.popen.wait()
        self.children.remove(child)
        return code

    def wait_healthy(self, child: Child, url: str, *, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not child.running():
                    raise StartupFailed(
                        f"{child.name} exited with {child.popen.returncode} while starting"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == 200:
                        return
                time.sleep(0.2)
        raise StartupFailed(f"{child.name} was not healthy at {url} within {timeout:.0f}s")

    def watch(self, poll_interval: float = 0.5) -> Child:
        """Block until a child exits on its own; returns it."""
        while True:
            for child in self.children:
                if not child.running():
                    return child
            time.sleep(poll_interval)

    def stop(self, child: Child) -> None:
        """Stop one child's group now (SIGTERM, then SIGKILL after the timeout)."""
        _signal_group(child.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.popen.wait(timeout=self.stop_timeout)
        _signal_group(child.pid, signal.SIGKILL)
        child.popen.wait()
        self.children.remove(child)

    def stop_all(self) -> None:
        """SIGTERM every child's group, wait, SIGKILL what is left, reap everything."""
        # Nothing may interrupt the clean-up: later stop signals are ignored.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        for child in reversed(self.children):
            if child.running():
                _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            remaining = max(0.0, deadline - time.monotonic())
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.popen.wait(timeout=remaining)
        for child in self.children:
            # Also reaches grandchildren left in the group after the leader exited.
            _signal_group(child.pid, signal.SIGKILL)
            child.popen.wait()
        self.children.clear()


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
