"""The supergraph.yaml `shopgraph dev` writes for its gateway, from the project's own."""

from __future__ import annotations

from pathlib import Path

from subgraphs.platform.dev import DevOptions, child_environment
from subgraphs.platform.gateway import ROOT_CONFIG, dev_supergraph_config
from subgraphs.platform.services import SUBGRAPHS
from supergraph.config import load_config
from supergraph.edge.settings import EdgeSettings

ROOT = Path(__file__).resolve().parents[3]
DEV_PORTS = {"gateway": 5100, "users": 5101, "products": 5102, "orders": 5103}


def _written_router(tmp_path: Path, env: dict[str, str]) -> EdgeSettings:
    routes = {
        spec: (f"http://127.0.0.1:{DEV_PORTS[spec.name]}/graphql", tmp_path / f"{spec.name}.sdl")
        for spec in SUBGRAPHS
    }
    config = dev_supergraph_config(routes, template=ROOT / ROOT_CONFIG, env=env)
    # The gateway gets no platform variable that could fill a gap: the file alone counts.
    return EdgeSettings.load(config["router"], environ={})


def test_the_dev_gateway_verifies_tokens_with_the_dev_users_service_keys(
    tmp_path: Path,
) -> None:
    env = child_environment(DevOptions(data_dir=tmp_path), DEV_PORTS)
    auth = _written_router(tmp_path, env).auth
    assert auth.jwks_url == "http://127.0.0.1:5101/.well-known/jwks.json"
    assert (auth.issuer, auth.audience) == ("shopgraph-users", "shopgraph")


def test_the_dev_gateway_follows_the_platforms_own_token_settings(tmp_path: Path) -> None:
    env = {
        "SHOPGRAPH_JWKS_URL": "http://keys.internal/jwks.json",
        "SHOPGRAPH_JWT_ISSUER": "other-issuer",
        "SHOPGRAPH_JWT_AUDIENCE": "other-audience",
    }
    auth = _written_router(tmp_path, env).auth
    assert auth.jwks_url == "http://keys.internal/jwks.json"
    assert (auth.issuer, auth.audience) == ("other-issuer", "other-audience")


def test_the_shops_config_verifies_tokens_of_the_users_service() -> None:
    auth = EdgeSettings.load(load_config(ROOT / "supergraph.yaml").router, environ={}).auth
    assert auth.enabled
    assert auth.jwks_url == "http://127.0.0.1:4001/.well-known/jwks.json"
    assert (auth.issuer, auth.audience) == ("shopgraph-users", "shopgraph")
