"""The edge's settings come from the router section of supergraph.yaml, then the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from supergraph.config import load_config
from supergraph.edge.settings import EdgeConfigError, EdgeSettings


def test_router_section_and_environment_override_defaults(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        """
subgraphs:
  a: {routing_url: "http://a/graphql", schema: {file: a.graphql}}
router:
  auth:
    jwks_url: http://idp/.well-known/jwks.json
    audience: shop
    claim_headers: {sub: x-caller}
  limits:
    max_depth: 7
    introspection: false
"""
    )
    settings = EdgeSettings.load(
        load_config(config).router,
        {"SHOPGRAPH_GATEWAY_LIMITS_MAX_DEPTH": "9", "SHOPGRAPH_JWT_ISSUER": "idp"},
    )
    assert settings.auth.jwks_url == "http://idp/.well-known/jwks.json"
    assert settings.auth.audience == "shop"
    assert settings.auth.issuer == "idp"  # the platform-wide variable fills the gap
    assert settings.auth.claim_headers == {"sub": "x-caller"}
    assert settings.limits.max_depth == 9  # the environment wins
    assert settings.limits.introspection is False
    assert settings.limits.max_aliases == 50  # untouched defaults stay


def test_unknown_settings_and_weak_algorithms_are_refused() -> None:
    with pytest.raises(EdgeConfigError, match="max_detph"):
        EdgeSettings.load({"limits": {"max_detph": 3}}, {})
    with pytest.raises(EdgeConfigError, match="HS256"):
        EdgeSettings.load({"auth": {"algorithms": ["RS256", "HS256"]}}, {})
    with pytest.raises(EdgeConfigError, match="unknown router settings: caching"):
        EdgeSettings.load({"caching": {}}, {})


def test_a_malformed_rule_is_refused_when_the_settings_load() -> None:
    with pytest.raises(EdgeConfigError, match=r"rate_limit\.fields\.login"):
        EdgeSettings.load({"rate_limit": {"fields": {"login": "often"}}}, {})
    settings = EdgeSettings.load(
        {"rate_limit": {"fields": {"login": "5/minute"}}},
        {"SHOPGRAPH_GATEWAY_RATE_LIMIT_FIELDS": "login=2/10 seconds,register=1/minute"},
    )
    assert settings.rate_limit.fields == {"login": "2/10 seconds", "register": "1/minute"}


def test_credentials_with_any_origin_are_refused_in_the_settings() -> None:
    with pytest.raises(EdgeConfigError, match="allow_credentials"):
        EdgeSettings.load({"cors": {"allow_origins": ["*"], "allow_credentials": True}}, {})


def test_the_shops_router_section_guards_login_and_registration() -> None:
    root = Path(__file__).resolve().parents[3]
    settings = EdgeSettings.load(load_config(root / "supergraph.yaml").router, {})
    assert set(settings.rate_limit.fields) == {"login", "register"}
    assert set(settings.rate_limit.routes) == {"/api/users/login", "/api/users/register"}
    # The whole graph is not throttled by default: tests and benchmarks run from one address.
    assert settings.rate_limit.per_ip is None
    assert settings.rate_limit.per_user is None
