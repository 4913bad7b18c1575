"""What the platform's processes read from the environment, and what they ignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from subgraphs.kit.settings import Environment
from subgraphs.platform.dev import DevOptions, child_environment
from subgraphs.platform.services import load_settings, subgraph


def test_unrelated_ENV_and_DATA_DIR_variables_are_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # sh reads $ENV; plenty of tools set $DATA_DIR: neither is ours.
    monkeypatch.setenv("ENV", "/etc/shinit")
    monkeypatch.setenv("DATA_DIR", "/somewhere/else")
    monkeypatch.delenv("SHOPGRAPH_ENV", raising=False)
    monkeypatch.delenv("SHOPGRAPH_DATA_DIR", raising=False)

    settings = load_settings(subgraph("users"))

    assert settings.environment is Environment.DEVELOPMENT
    assert settings.data_dir == Path("data")


def test_platform_variables_reach_every_service_and_service_ones_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPGRAPH_DATA_DIR", "/srv/shop")
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://shop@db:5432")
    monkeypatch.setenv("SHOPGRAPH_USERS_DATABASE_URL", "postgresql://shop@users-db:5432/u")

    settings = load_settings(subgraph("users"))

    assert settings.data_dir == Path("/srv/shop")
    assert settings.resolved_database_url == "postgresql://shop@users-db:5432/u"


def test_dev_children_call_one_another_on_the_ports_dev_chose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPGRAPH_JWKS_URL", "")  # empty counts as unset
    ports = {"users": 5101, "products": 5102, "orders": 5103, "gateway": 5100}

    env = child_environment(DevOptions(data_dir=tmp_path / "data"), ports)

    assert env["SHOPGRAPH_JWKS_URL"] == "http://127.0.0.1:5101/.well-known/jwks.json"
    assert env["SHOPGRAPH_ORDERS_USERS_URL"] == "http://127.0.0.1:5101/graphql"
    assert env["SHOPGRAPH_ORDERS_PRODUCTS_URL"] == "http://127.0.0.1:5102/graphql"
    assert env["SHOPGRAPH_ORDERS_PORT"] == "5103"
    assert env["SHOPGRAPH_DATA_DIR"] == str((tmp_path / "data").resolve())


def test_an_explicit_service_url_in_the_environment_wins_over_dev_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPGRAPH_ORDERS_PRODUCTS_URL", "http://products.internal/graphql")
    ports = {"users": 5101, "products": 5102, "orders": 5103, "gateway": 5100}

    env = child_environment(DevOptions(data_dir=tmp_path), ports)

    assert env["SHOPGRAPH_ORDERS_PRODUCTS_URL"] == "http://products.internal/graphql"
