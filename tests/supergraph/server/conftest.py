"""Real gateway processes over the reload fixture subgraphs, and what tests read from them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from gateway_processes import Gateway, ReloadSubgraphs

from tests.support.processes import PYTHON, free_port, running_process

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def reload_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReloadSubgraphs]:
    port = free_port()
    with running_process(
        "reload-subgraphs",
        [PYTHON, str(HERE / "reload_subgraphs.py"), "--port", str(port)],
        log_dir=tmp_path_factory.mktemp("reload-subgraphs"),
        health_url=f"http://127.0.0.1:{port}/health",
    ):
        yield ReloadSubgraphs(f"http://127.0.0.1:{port}")


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[Any]:
    """Start gateways with extra `serve` arguments; they stop when the test ends."""
    with contextlib.ExitStack() as stack:

        def start(args: Sequence[str], name: str = "gateway") -> Gateway:
            port = free_port()
            argv = [PYTHON, "-m", "supergraph", "serve", "--port", str(port), *args]
            process = stack.enter_context(
                running_process(
                    name,
                    argv,
                    log_dir=tmp_path / "logs",
                    health_url=f"http://127.0.0.1:{port}/health",
                    startup_timeout=120,
                )
            )
            return Gateway(process, f"http://127.0.0.1:{port}")

        yield start
