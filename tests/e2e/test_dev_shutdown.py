"""Stopping `shopgraph dev` with a signal leaves no process behind, whenever it comes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.platform import STARTUP_TIMEOUT, start_dev
from tests.support.processes import descendants, wait_until_gone

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_once_running_stops_every_child(tmp_path: Path, signum: int) -> None:
    dev = start_dev(tmp_path)
    try:
        dev.wait_ready()
        children = descendants(dev.process.pid)
        # At least the users service, run as its own process.
        assert len(children) >= 1

        dev.process.signal(signum)

        assert dev.process.popen.wait(timeout=30) == 0
        assert wait_until_gone(children) == set()
        assert "all processes stopped" in dev.process.log()
    finally:
        dev.process.stop()


def test_sigterm_during_start_up_leaves_no_orphan(tmp_path: Path) -> None:
    dev = start_dev(tmp_path)
    try:
        dev.wait_until_shopgraph_runs()
        # Strike as soon as the first child (the migration step) exists.
        deadline = time.monotonic() + STARTUP_TIMEOUT
        children: set[int] = set()
        while not children and dev.process.popen.poll() is None and time.monotonic() < deadline:
            children = descendants(dev.process.pid)
            time.sleep(0.02)
        assert children, dev.process.log_tail()

        dev.process.signal(signal.SIGTERM)

        assert dev.process.popen.wait(timeout=30) == 0
        assert wait_until_gone(children) == set()
        assert "Shopgraph is running" not in dev.process.log()
    finally:
        dev.process.stop()


def test_a_child_that_dies_takes_the_platform_down_cleanly(tmp_path: Path) -> None:
    dev = start_dev(tmp_path)
    try:
        dev.wait_ready()
        children = descendants(dev.process.pid)
        victim = min(children)

        # Killed from outside (the OOM killer, a crash): dev stops the rest and fails.
        os.kill(victim, signal.SIGKILL)

        assert dev.process.popen.wait(timeout=30) == 1
        assert wait_until_gone(children) == set()
        assert "exited with -9: stopping the others" in dev.process.log()
    finally:
        dev.process.stop()


def test_children_stop_even_when_dev_itself_is_killed_outright(tmp_path: Path) -> None:
    dev = start_dev(tmp_path)
    try:
        dev.wait_ready()
        children = descendants(dev.process.pid)
        assert children

        # SIGKILL leaves dev no chance to clean up: the kernel tells the children.
        dev.process.signal(signal.SIGKILL)

        assert dev.process.popen.wait(timeout=30) == -signal.SIGKILL
        assert wait_until_gone(children, timeout=30) == set()
    finally:
        dev.process.stop()
