"""The whole gateway: the router with the edge's checks inside and its middleware around.

Outermost first, the door (every route, mounted apps included; see `door`):
observability, security headers, CORS, error masking, the request timeout, the
per-address and per-route rate rules, the body size limit. Then, for GraphQL:
the content security policy, authentication, persisted queries (so that rate
rules see the operation a hash stands for), the per-user and per-field rate
rules, then the router, whose pipeline runs the limits after parsing and the
authorization before planning.
"""

from __future__ import annotations

import dataclasses
import os

from supergraph.config import load_config
from supergraph.edge.asgi import ASGIApp
from supergraph.edge.authentication import AuthenticationMiddleware
from supergraph.edge.body_limit import BodySizeLimit
from supergraph.edge.cors import Cors
from supergraph.edge.door import EdgeDoor
from supergraph.edge.hooks import EdgeHooks
from supergraph.edge.masking import ErrorMasking
from supergraph.edge.persisted import (
    MemoryStore,
    PersistedQueries,
    QueryStore,
    RedisStore,
    load_manifest,
)
from supergraph.edge.rate_limit import DoorRateLimit, GraphQLRateLimit, RateLimits
from supergraph.edge.security_headers import (
    API_POLICY,
    ContentSecurityPolicy,
    SecurityHeaders,
    page_policy,
)
from supergraph.edge.settings import (
    ENV_PREFIX,
    EdgeConfigError,
    EdgeSettings,
    PersistedSettings,
)
from supergraph.edge.timeout import RequestTimeout
from supergraph.edge.tokens import TokenVerifier
from supergraph.observability.middleware import observe_gateway
from supergraph.server.app import GatewayApp, create_gateway_app
from supergraph.server.graphiql import GraphiQL
from supergraph.server.settings import GatewaySettings


@dataclasses.dataclass
class EdgeGateway:
    """The ASGI app to serve (the door), and the router inside it (for tests and reloads)."""

    app: EdgeDoor
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
    rate_limits = (
        RateLimits(edge.rate_limit, max_tokens=edge.limits.max_tokens)
        if edge.rate_limit.enabled
        else None
    )
    app: ASGIApp = router
    if rate_limits is not None and (rate_limits.per_user or rate_limits.fields):
        app = GraphQLRateLimit(app, rate_limits)
    app, persisted_store = _persisted_queries(app, edge.persisted)
    app = AuthenticationMiddleware(app, verifier, edge.auth.claim_headers)
    if edge.http.security_headers:
        graphiql_policy = page_policy(GraphiQL().page(), edge.http.csp_extra_sources)
        app = ContentSecurityPolicy(app, API_POLICY, html_policy=graphiql_policy)
    door = EdgeDoor(
        app,
        layers=lambda inner: _door_layers(inner, edge, rate_limits),
        wrap_mounted=_mounted_policy if edge.http.security_headers else None,
        trusted_proxies=edge.http.trusted_proxies,
        on_shutdown=[
            close
            for close in (
                rate_limits.close if rate_limits is not None else None,
                persisted_store.close if isinstance(persisted_store, RedisStore) else None,
            )
            if close is not None
        ],
    )
    return EdgeGateway(door, router, verifier)


def _mounted_policy(app: ASGIApp) -> ASGIApp:
    # A mounted app's HTML pages carry their own scripts: their policy is theirs to set.
    return ContentSecurityPolicy(app, API_POLICY, html_policy=None)


def _door_layers(app: ASGIApp, edge: EdgeSettings, rate_limits: RateLimits | None) -> ASGIApp:
    """What every request passes, whatever route answers it (innermost first here)."""
    app = BodySizeLimit(app, edge.http.max_body_bytes)
    if rate_limits is not None and (rate_limits.per_ip or rate_limits.routes):
        app = DoorRateLimit(app, rate_limits)
    app = RequestTimeout(app, edge.http.request_timeout_s)
    app = ErrorMasking(app)
    if edge.cors.enabled:
        app = Cors(app, edge.cors)
    if edge.http.security_headers:
        app = SecurityHeaders(
            app,
            trusted_proxies=edge.http.trusted_proxies,
            hsts_max_age_s=edge.http.hsts_max_age_s,
        )
    return observe_gateway(app)  # outermost: it sees every refusal (metrics, traces, ids)


CONFIG_VARIABLE = f"{ENV_PREFIX}CONFIG"


def edge_settings_from_environment() -> EdgeSettings:
    """The `router:` section of $SHOPGRAPH_GATEWAY_CONFIG (if set), then the environment."""
    path = os.environ.get(CONFIG_VARIABLE)
    router = load_config(path).router if path else {}
    return EdgeSettings.load(router)


def _persisted_queries(
    app: ASGIApp, settings: PersistedSettings
) -> tuple[ASGIApp, QueryStore | None]:
    if settings.trusted_only and not settings.manifest_file:
        raise EdgeConfigError("router.persisted.trusted_only needs a manifest_file")
    if not settings.apq and not settings.manifest_file:
        return app, None
    store: QueryStore = (
        RedisStore(settings.redis_url, settings.redis_prefix, settings.ttl_s)
        if settings.redis_url
        else MemoryStore(settings.cache_size)
    )
    manifest = load_manifest(settings.manifest_file) if settings.manifest_file else None
    persisted = PersistedQueries(
        app, store, manifest, trusted_only=settings.trusted_only, apq=settings.apq
    )
    return persisted, store
