"""Several gateway workers behind one socket, with SIGHUP passed on to each of them.

uvicorn's own supervisor answers SIGHUP by replacing every worker, which starts
each one cold (new connections, empty plan caches). Each worker here reloads
its supergraph in place on SIGHUP instead, so the supervisor only passes the
signal on; everything else (restarting dead workers, SIGTERM, SIGTTIN/SIGTTOU)
stays uvicorn's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal

from uvicorn import Config
from uvicorn.supervisors.multiprocess import Multiprocess

from supergraph.server.events import log_event


class SighupForwardingSupervisor(Multiprocess):
    """uvicorn's worker supervisor, except that SIGHUP reaches the workers."""

    def handle_hup(self) -> None:
        pids = [process.pid for process in self.processes if process.pid is not None]
        log_event(logging.INFO, "sighup_forwarded", workers=pids)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGHUP)


def serve_workers(config: Config) -> None:
    """Run `config.workers` workers until SIGINT or SIGTERM."""
    socket = config.bind_socket()
    try:
        SighupForwardingSupervisor(config, sockets=[socket]).run()
    finally:
        socket.close()
