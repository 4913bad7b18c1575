"""`shopgraph dev` as a real process on free ports and a temporary data folder."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from subgraphs.platform.dev import READY_LINE
from subgraphs.platform.services import PROCESS_NAMES
from tests.support.processes import ROOT, ManagedProcess, free_port, start_process

# Seeding hashes passwords with bcrypt at cost 12; a cold start needs a while.
STARTUP_TIMEOUT = 120.0


@dataclass
class DevPlatform:
    process: ManagedProcess
    ports: dict[str, int]
    data_dir: Path

    def url(self, name: str, path: str = "/graphql") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def wait_until_shopgraph_runs(self) -> None:
        """Wait until `.ci/dev` has handed over to `shopgraph dev` (it execs: same pid)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and self.process.popen.poll() is None:
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{self.process.pid}/cmdline").read_bytes()
                if b"/bin/shopgraph\x00dev" in cmdline:
                    return
            time.sleep(0.01)
        raise self.process.failure("never started `shopgraph dev`")

    def wait_ready(self) -> None:
        self.process.wait_for_log(READY_LINE, timeout=STARTUP_TIMEOUT)

    def announced_urls(self) -> dict[str, str]:
        """The endpoints the start-up banner lists, by process name."""
        return dict(re.findall(r"^  (\w+)\s+(http://\S+/graphql)$", self.process.log(), re.M))

    def announced_demo_accounts(self) -> list[tuple[str, str]]:
        """(email, password) pairs the start-up banner lists."""
        return re.findall(r"^  (\S+@\S+)  password: (\S+)$", self.process.log(), re.M)


def start_dev(tmp_path: Path, *extra: str) -> DevPlatform:
    """Start README command 1 (`bash .ci/dev`) on free ports and a temporary data folder."""
    ports = {name: free_port() for name in PROCESS_NAMES}
    data_dir = tmp_path / "data"
    # README command 1 itself: `.ci/dev` installs what is missing, then execs
    # `shopgraph dev` (same pid) with these options.
    argv = [
        "bash",
        str(ROOT / ".ci" / "dev"),
        "--data-dir",
        str(data_dir),
        *(f"--port={name}={port}" for name, port in ports.items()),
        *extra,
    ]
    # Nothing from the caller's environment may point the children elsewhere.
    env = {"SHOPGRAPH_POSTGRES_URL": "", "SHOPGRAPH_JWKS_URL": "", "SHOPGRAPH_DATA_DIR": ""}
    process = start_process("shopgraph-dev", argv, log_dir=tmp_path / "logs", env=env)
    return DevPlatform(process, ports, data_dir)


@contextmanager
def running_dev(tmp_path: Path, *extra: str) -> Iterator[DevPlatform]:
    platform = start_dev(tmp_path, *extra)
    try:
        platform.wait_ready()
        yield platform
    finally:
        platform.process.stop()
