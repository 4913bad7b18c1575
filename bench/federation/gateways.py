"""The gateways the benchmark compares, and starting and stopping one.

Each gateway runs as one process (ours may add workers when asked) serving
`POST /graphql` on a given port over the same supergraph file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.federation import priority

GATEWAYS_DIR = Path(__file__).resolve().parents[1] / "gateways"
REPO_ROOT = Path(__file__).resolve().parents[2]

# Our router runs with its defaults (its cost limit, 100,000, admits the benchmark
# query, estimated at 24,420); kept as a hook for a run that needs a setting.
OURS_ENV: dict[str, str] = {}

OURS_DEFAULT_COMMAND = (
    f"{shlex.quote(sys.executable)} -m supergraph serve --supergraph {{supergraph}} --port {{port}}"
)
_HIVE_BIN = "node_modules/@graphql-hive/gateway/dist/bin.js"


@dataclass(frozen=True)
class GatewaySpec:
    """How to run one gateway configuration."""

    key: str
    label: str
    command: list[str]
    cwd: Path
    port: int
    dedup: str
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    skip_reason: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@dataclass(frozen=True)
class OursOptions:
    """What our router's command line offers (read from its --help)."""

    workers_flag: str | None
    dedup_flag: str | None


def inspect_ours(command_template: str) -> OursOptions:
    """Ask our router's CLI which optional settings it has.

    A command without `--help` just offers none: whether it runs at all shows
    when the harness starts it.
    """
    tokens = shlex.split(command_template)
    first_option = next((i for i, token in enumerate(tokens) if token.startswith("--")), None)
    help_command = [*tokens[:first_option], "--help"]
    try:
        completed = subprocess.run(
            help_command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return OursOptions(None, None)
    if completed.returncode != 0:
        return OursOptions(None, None)
    text = completed.stdout
    workers = "--workers" if re.search(r"--workers\b", text) else None
    dedup = re.search(r"(--[\w-]*dedup[\w-]*)", text)
    return OursOptions(workers, dedup.group(1) if dedup else None)


def gateway_specs(
    supergraph: Path,
    port: int,
    *,
    ours_command: str,
    ours: OursOptions,
    with_dedup: bool,
) -> list[GatewaySpec]:
    """Every configuration to measure: the headline ones (no dedup) first."""
    node_env = {"NODE_ENV": "production"}
    ours_base = shlex.split(ours_command.format(supergraph=supergraph, port=port))
    specs = [
        GatewaySpec(
            key="shopgraph",
            label="shopgraph router (Python), 1 worker",
            command=ours_base + ([ours.workers_flag, "1"] if ours.workers_flag else []),
            cwd=REPO_ROOT,
            port=port,
            dedup="off (default)",
            env=OURS_ENV,
        ),
        GatewaySpec(
            key="shopgraph-2-workers",
            label="shopgraph router (Python), 2 workers",
            command=ours_base + ([ours.workers_flag, "2"] if ours.workers_flag else []),
            cwd=REPO_ROOT,
            port=port,
            dedup="off (default)",
            env=OURS_ENV,
            workers=2,
            skip_reason=None
            if ours.workers_flag
            else "the router's serve command has no --workers setting yet",
        ),
        GatewaySpec(
            key="apollo-gateway",
            label="@apollo/gateway + @apollo/server (Node)",
            command=["node", "apollo.mjs", str(supergraph), str(port)],
            cwd=GATEWAYS_DIR,
            port=port,
            dedup="off (not offered)",
            env=node_env,
        ),
        _hive("hive-gateway", "@graphql-hive/gateway (Node)", "hive.config.mjs", supergraph, port),
        _hive(
            "hive-gateway-router-runtime",
            "@graphql-hive/gateway + router-runtime (Rust planner)",
            "hive-router-runtime.config.mjs",
            supergraph,
            port,
        ),
    ]
    if with_dedup:
        specs.append(
            GatewaySpec(
                key="shopgraph-dedup",
                label="shopgraph router (Python), 1 worker, dedup",
                command=ours_base + ([ours.dedup_flag] if ours.dedup_flag else []),
                cwd=REPO_ROOT,
                port=port,
                dedup="on",
                env=OURS_ENV,
                skip_reason=None
                if ours.dedup_flag
                else "the router's serve command has no dedup setting yet",
            )
        )
        for spec in specs[3:5]:
            specs.append(
                GatewaySpec(
                    key=f"{spec.key}-dedup",
                    label=f"{spec.label}, dedup",
                    command=spec.command,
                    cwd=spec.cwd,
                    port=port,
                    dedup="on",
                    env={**spec.env, "BENCH_DEDUP": "1"},
                )
            )
    return specs


def _hive(key: str, label: str, config: str, supergraph: Path, port: int) -> GatewaySpec:
    # --fork 1 keeps Hive Gateway in one process (no cluster workers).
    return GatewaySpec(
        key=key,
        label=label,
        command=[
            "node",
            _HIVE_BIN,
            "supergraph",
            str(supergraph),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--fork",
            "1",
            "-c",
            config,
        ],
        cwd=GATEWAYS_DIR,
        port=port,
        dedup="off (deduplicateInflightRequests: false)",
        env={"NODE_ENV": "production", "BENCH_DEDUP": "0"},
    )


class GatewayFailed(Exception):
    """The gateway did not start or did not answer."""


class RunningGateway:
    """A started gateway process; stop() ends it and any workers it started."""

    def __init__(self, spec: GatewaySpec, log_path: Path, niceness: int = 0) -> None:
        self.spec = spec
        self.log_path = log_path
        self._log = log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                spec.command,
                cwd=spec.cwd,
                env={**os.environ, **spec.env},
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, so workers stop with it
            )
        except OSError as error:
            self._log.close()
            raise GatewayFailed(f"cannot start {spec.command[0]}: {error}") from error
        priority.apply(self.process.pid, niceness)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_until_answering(self, body: bytes, timeout: float = 90.0) -> bytes:
        """POST `body` until the gateway answers 200; returns that answer."""
        deadline = time.monotonic() + timeout
        last_problem = "no answer"
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise GatewayFailed(
                        f"exited with code {self.process.returncode}: {self.log_tail()}"
                    )
                try:
                    response = client.post(
                        self.spec.url, content=body, headers={"content-type": "application/json"}
                    )
                except httpx.HTTPError as error:
                    last_problem = f"{type(error).__name__}: {error}"
                else:
                    if response.status_code == 200:
                        return response.content
                    last_problem = f"HTTP {response.status_code}: {response.text[:300]}"
                    if 400 <= response.status_code < 500:
                        # A refusal of the query, not a gateway still starting.
                        raise GatewayFailed(f"refused the benchmark query: {last_problem}")
                time.sleep(0.25)
        raise GatewayFailed(f"not answering after {timeout:.0f} s ({last_problem})")

    def log_tail(self) -> str:
        self._log.flush()
        return _tail(self.log_path.read_text(errors="replace"))

    def stop(self) -> None:
        # Signal the whole group, even when the main process has exited: workers
        # it started may still be alive.
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait()
        self._log.close()

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
