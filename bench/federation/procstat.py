"""CPU time and memory of a process tree, read from Linux's /proc.

A gateway may run worker processes, and their CPU counts as the gateway's:
`cutime`/`cstime` only cover children that have exited and been waited for,
so live descendants are summed one by one as well.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

_PROC = Path("/proc")
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; everything after its ")" splits cleanly.
    return raw[raw.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """`root` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def cpu_seconds(root: int) -> float:
    """User + system CPU of the tree under `root`, reaped children included."""
    ticks = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields is None:
            continue
        # After the ")" the fields start at 3 (state): utime is 14, stime 15,
        # cutime 16, cstime 17 in proc(5) numbering.
        ticks += sum(int(value) for value in fields[11:15])
    return ticks / _TICKS_PER_SECOND


def rss_bytes(root: int) -> int:
    """Resident memory of the tree under `root` now."""
    total = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[21]) * _PAGE_SIZE  # rss, field 24
    return total


class PeakRssSampler:
    """Samples the tree's resident memory in a thread and keeps the peak."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self._root = root
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak = 0

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_bytes(self._root))
            if self._stop.wait(self._interval):
                return


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine have used since boot (all cores, idle excluded)."""
    fields = [int(value) for value in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user).
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / _TICKS_PER_SECOND


def children_cpu_seconds() -> float:
    """CPU of this process's reaped children (such as a finished wrk run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
