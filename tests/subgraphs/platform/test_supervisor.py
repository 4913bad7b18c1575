"""The dev supervisor stops what it started, even children that ignore SIGTERM."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from subgraphs.platform.supervisor import Shutdown, Supervisor, stop_signals_raise
from tests.support.processes import descendants, wait_until_gone

STUBBORN = (
    "import signal, subprocess, sys, time;"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    "subprocess.Popen([sys.executable, '-c', 'import signal, time;"
    " signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)']);"
    "print('ready', flush=True); time.sleep(300)"
)


def _wait_for_tree(pid: int, size: int) -> set[int]:
    deadline = time.monotonic() + 30
    tree = {pid, *descendants(pid)}
    while len(tree) < size and time.monotonic() < deadline:
        time.sleep(0.05)
        tree = {pid, *descendants(pid)}
    return tree


def test_children_ignoring_sigterm_are_killed_after_the_stop_timeout() -> None:
    supervisor = Supervisor(stop_timeout=1.0)
    with stop_signals_raise():  # restores the test runner's own handlers afterwards
        child = supervisor.spawn("stubborn", [sys.executable, "-c", STUBBORN], os.environ)
        tree = _wait_for_tree(child.pid, 2)
        assert len(tree) == 2

        started = time.monotonic()
        supervisor.stop_all()

    assert time.monotonic() - started < 10
    assert child.popen.returncode == -signal.SIGKILL
    assert wait_until_gone(tree) == set()
    assert supervisor.children == []


def test_a_stop_signal_while_waiting_on_a_step_raises_shutdown() -> None:
    supervisor = Supervisor(stop_timeout=5.0)
    with stop_signals_raise():
        try:
            # Delivered half a second later, while run_step waits on its child.
            threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
            with pytest.raises(Shutdown, match="SIGTERM"):
                supervisor.run_step(
                    "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], os.environ
                )
            pids = [child.pid for child in supervisor.children]
            assert len(pids) == 1
        finally:
            supervisor.stop_all()
    assert wait_until_gone(set(pids)) == set()
