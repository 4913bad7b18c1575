"""CPU time of the subgraph process and of its PostgreSQL backends, from /proc.

On a shared machine latency mostly measures the queue for a CPU; CPU time per
request is what the work itself costs, whatever else runs. PostgreSQL serves
each connection from its own backend process, found by `application_name`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (0 when it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND


@dataclass
class CpuSnapshot:
    app: float
    backends: dict[int, float]


async def backend_pids(server_dsn: str, database: str, application_name: str) -> list[int]:
    connection = await asyncpg.connect(server_dsn)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
            database,
            application_name,
        )
    finally:
        await connection.close()
    return [row["pid"] for row in rows]


async def snapshot(
    app_pid: int, server_dsn: str, database: str, application_name: str
) -> CpuSnapshot:
    pids = await backend_pids(server_dsn, database, application_name)
    return CpuSnapshot(cpu_seconds(app_pid), {pid: cpu_seconds(pid) for pid in pids})


def spent(before: CpuSnapshot, after: CpuSnapshot) -> tuple[float, float]:
    """(subgraph CPU seconds, database CPU seconds) between two snapshots."""
    database = sum(
        seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items()
    )
    return after.app - before.app, database


class CpuMeter:
    """CPU spent by the subgraph and its backends between `start()` and `stop()`."""

    def __init__(self, app_pid: int, server_dsn: str, database: str, application_name: str):
        self._args = (app_pid, server_dsn, database, application_name)
        self._before: CpuSnapshot | None = None

    async def start(self) -> None:
        self._before = await snapshot(*self._args)

    async def stop(self) -> tuple[float, float]:
        assert self._before is not None, "start() first"
        return spent(self._before, await snapshot(*self._args))
