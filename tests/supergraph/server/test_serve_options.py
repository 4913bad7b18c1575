"""What `serve` and the gateway settings refuse before anything starts serving."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from supergraph.server.settings import GatewaySettings
from tests.support.processes import PYTHON


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "supergraph", "serve", "--port", "1", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_refuses_a_supergraph_yaml_that_does_not_compose(tmp_path: Path) -> None:
    (tmp_path / "shop.graphql").write_text("type Query { price: Money }")
    shop = {"routing_url": "http://127.0.0.1:9/graphql", "schema": {"file": "shop.graphql"}}
    config = {"subgraphs": {"shop": shop}}
    (tmp_path / "supergraph.yaml").write_text(yaml.safe_dump(config))

    completed = _serve("--config", str(tmp_path / "supergraph.yaml"))

    assert completed.returncode == 2
    assert "cannot serve" in completed.stderr
    assert "Money" in completed.stderr


def test_serve_refuses_a_negative_reload_interval(tmp_path: Path) -> None:
    (tmp_path / "supergraph.graphql").write_text("type Query { a: Int }")
    supergraph = str(tmp_path / "supergraph.graphql")

    completed = _serve("--supergraph", supergraph, "--reload-interval", "-1")

    assert completed.returncode == 2
    assert "--reload-interval must not be negative" in completed.stderr


def test_reload_and_readiness_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUPERGRAPH_RELOAD_INTERVAL_S", "0")
    monkeypatch.setenv("SUPERGRAPH_READY_CACHE_S", "1.5")
    monkeypatch.setenv("SUPERGRAPH_READY_TIMEOUT_S", "0.25")

    settings = GatewaySettings.from_env()

    assert (settings.reload_interval_s, settings.ready_cache_s, settings.ready_timeout_s) == (
        0.0,
        1.5,
        0.25,
    )


@pytest.mark.parametrize("value", ["soon", "-2"])
def test_a_reload_interval_that_is_not_a_duration_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SUPERGRAPH_RELOAD_INTERVAL_S", value)

    with pytest.raises(ValueError, match="SUPERGRAPH_RELOAD_INTERVAL_S"):
        GatewaySettings.from_env()
