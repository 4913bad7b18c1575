"""The whole gateway: the router with the edge's checks inside and its middleware around.

Outermost first: body size limit, authentication, persisted queries, then the router, whose
pipeline runs the limits after parsing and the authorization before planning.
"""

from __future__ import annotations

import dataclasses
import os

from supergraph.config import load_config
from supergraph.edge.asgi import ASGIApp
from supergraph.edge.authentication import AuthenticationMiddleware
from supergraph.edge.body_limit import BodySizeLimit
from supergraph.edge.hooks import EdgeHooks
from supergraph.edge.persisted import (
    MemoryStore,
    PersistedQueries,
    QueryStore,
    RedisStore,
    load_manifest,
)
from supergraph.edge.settings import ENV_PREFIX, EdgeConfigError, EdgeSettings, PersistedSettings
from supergraph.edge.tokens import TokenVerifier
from supergraph.observability.middleware import observe_gateway
from supergraph.server.app import GatewayApp, create_gateway_app
from supergraph.server.settings import GatewaySettings


@dataclasses.dataclass
class EdgeGateway:
    """The ASGI app to serve, and the router inside it (for tests and reloads)."""

    app: ASGIApp
    router: GatewayApp
    verifier: TokenVerifier | None


def create_edge_gateway(
    supergraph_sdl: str,
    settings: GatewaySettings | None = None,
    edge: EdgeSettings | None = None,
) -> EdgeGateway:
    settings = settings or GatewaySettings()
    edge = edge or EdgeSettings()
    claim_headers = tuple(name.lower() for name in edge.auth.claim_headers.values())
    settings = dataclasses.replace(
        settings,
        propagate_headers=tuple(dict.fromkeys((*settings.propagate_headers, *claim_headers))),
    )
    hooks = EdgeHooks.for_supergraph(supergraph_sdl, edge.limits)
    router = create_gateway_app(supergraph_sdl, settings, hooks)
    verifier = TokenVerifier(edge.auth) if edge.auth.enabled else None
    app: ASGIApp = _persisted_queries(router, edge.persisted)
    app = AuthenticationMiddleware(app, verifier, edge.auth.claim_headers)
    app = BodySizeLimit(app, edge.http.max_body_bytes)
    app = observe_gateway(app)  # outermost: it sees every refusal (metrics, traces, ids)
    return EdgeGateway(app, router, verifier)


CONFIG_VARIABLE = f"{ENV_PREFIX}CONFIG"


def edge_settings_from_environment() -> EdgeSettings:
    """The `router:` section of $SHOPGRAPH_GATEWAY_CONFIG (if set), then the environment."""
    path = os.environ.get(CONFIG_VARIABLE)
    router = load_config(path).router if path else {}
    return EdgeSettings.load(router)


def _persisted_queries(app: ASGIApp, settings: PersistedSettings) -> ASGIApp:
    if settings.trusted_only and not settings.manifest_file:
        raise EdgeConfigError("router.persisted.trusted_only needs a manifest_file")
    if not settings.apq and not settings.manifest_file:
        return app
    store: QueryStore = (
        RedisStore(settings.redis_url, settings.redis_prefix, settings.ttl_s)
        if settings.redis_url
        else MemoryStore(settings.cache_size)
    )
    manifest = load_manifest(settings.manifest_file) if settings.manifest_file else None
    return PersistedQueries(
        app, store, manifest, trusted_only=settings.trusted_only, apq=settings.apq
    )
