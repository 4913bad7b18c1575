"""One gateway's metrics summed over all of its worker processes.

With `--workers N` any worker may answer a scrape of /metrics; alone it would show
only its own share, and every scrape would jump between workers' numbers. So each
worker writes its totals to a file in a directory the workers share (the
supervisor's scratch directory, named by SUPERGRAPH_METRICS_DIR) at most once a
second and only after it has counted something, and the worker that answers a
scrape adds the others' latest files to its own live numbers.

A worker's numbers reach the others' scrapes within about a second. The file of
a worker that has exited stays and keeps counting in the sums, so a replaced
worker does not make the gateway's counters go back. Each worker names its file
by its pid and a random part, so a new worker never overwrites an old one's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from pathlib import Path

from supergraph.observability.metrics import GatewayMetrics, Totals

METRICS_DIR_VARIABLE = "SUPERGRAPH_METRICS_DIR"
WRITE_DELAY_S = 1.0

_log = logging.getLogger(__name__)


class WorkerMetricsFiles:
    """The totals files of one gateway's workers, this worker's among them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.own_file = directory / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.json"

    def write(self, totals: Totals) -> None:
        # Written aside and renamed: a reader sees the old file or the new, never half.
        scratch = self.own_file.with_suffix(".tmp")
        scratch.write_bytes(totals.to_json())
        os.replace(scratch, self.own_file)

    def others(self) -> list[Totals]:
        """Every other worker's latest totals; a file that cannot be read is left out."""
        found: list[Totals] = []
        for path in self.directory.glob("*.json"):
            if path == self.own_file:
                continue
            try:
                found.append(Totals.from_json(path.read_bytes()))
            except (OSError, ValueError, KeyError, TypeError) as error:
                _log.warning("metrics file %s left out: %s", path.name, error)
        return found


class SharedWorkerMetrics:
    """Connects a worker's GatewayMetrics to its peers' files."""

    def __init__(self, metrics: GatewayMetrics, files: WorkerMetricsFiles) -> None:
        self.metrics = metrics
        self.files = files
        self._pending: asyncio.TimerHandle | None = None
        metrics.peers = files.others

    def counted(self) -> None:
        """Something was counted: share the totals within WRITE_DELAY_S (one write
        however many requests end meanwhile)."""
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(WRITE_DELAY_S, self._write)

    def _write(self) -> None:
        self._pending = None
        with contextlib.suppress(OSError):  # the next request tries again
            self.files.write(self.metrics.own_totals())


def shared_worker_metrics_from_environment(metrics: GatewayMetrics) -> SharedWorkerMetrics | None:
    directory = os.environ.get(METRICS_DIR_VARIABLE)
    if not directory:
        return None
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return SharedWorkerMetrics(metrics, WorkerMetricsFiles(path))
