"""The process helpers every end-to-end test stands on: health waits, group stops, logs."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.processes import (
    ProcessFailed,
    descendants,
    free_port,
    running_process,
    start_process,
    wait_until_gone,
)

# A server that also starts a grandchild, as uvicorn's reloader or workers would.
SERVER = textwrap.dedent(
    """
    import http.server, subprocess, sys
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()
        def log_message(self, *args):
            print("request", *args, flush=True)
    print("serving", flush=True)
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
    """
)


def test_stopping_a_process_also_stops_what_it_started(tmp_path: Path) -> None:
    port = free_port()
    with running_process(
        "server",
        [sys.executable, "-c", SERVER, str(port)],
        log_dir=tmp_path,
        health_url=f"http://127.0.0.1:{port}/health",
    ) as server:
        tree = {server.pid, *descendants(server.pid)}
        assert len(tree) == 2
    assert wait_until_gone(tree) == set()
    assert "serving" in server.log()


def test_a_process_that_dies_at_start_fails_with_its_log(tmp_path: Path) -> None:
    with (
        pytest.raises(ProcessFailed, match="exited with 3") as failure,
        running_process(
            "broken",
            [sys.executable, "-c", "print('no database here'); raise SystemExit(3)"],
            log_dir=tmp_path,
            health_url=f"http://127.0.0.1:{free_port()}/health",
        ),
    ):
        pass
    assert "no database here" in str(failure.value)


def test_a_process_ignoring_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    stubborn = start_process(
        "stubborn",
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
            "print('ready', flush=True); time.sleep(300)",
        ],
        log_dir=tmp_path,
    )
    stubborn.wait_for_log("ready")
    assert stubborn.stop(timeout=1) == -9
