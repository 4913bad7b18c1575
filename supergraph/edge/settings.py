"""The edge's settings: the `router:` section of supergraph.yaml, then the environment.

```yaml
router:
  auth:
    jwks_url: http://127.0.0.1:4001/.well-known/jwks.json   # or public_key_file
    issuer: shopgraph-users
    audience: shopgraph
  limits:
    max_depth: 15
    introspection: false
  http:
    max_body_bytes: 1000000
    request_timeout_s: 30
    trusted_proxies: 1          # one load balancer in front: believe its X-Forwarded-*
  cors:
    allow_origins: [https://shop.example]
  rate_limit:
    fields: {login: 10/minute, register: 5/minute}
    routes: {/api/users/login: 10/minute, /api/users/register: 5/minute}
    redis_url: redis://127.0.0.1:6379/0
```
Every field can be overridden by `SHOPGRAPH_GATEWAY_<SECTION>_<FIELD>` (for example
`SHOPGRAPH_GATEWAY_LIMITS_MAX_DEPTH=20`); lists are comma separated and mappings
are `key=value` pairs separated by commas. The platform-wide `SHOPGRAPH_JWKS_URL`,
`SHOPGRAPH_JWT_ISSUER`, `SHOPGRAPH_JWT_AUDIENCE` and `SHOPGRAPH_JWT_PUBLIC_KEY_FILE`
are used when the gateway-specific ones are not set.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ENV_PREFIX = "SHOPGRAPH_GATEWAY_"
ALLOWED_ALGORITHMS = ("RS256", "ES256")


class EdgeConfigError(ValueError):
    """The router section or an environment variable holds something unusable."""


@dataclass(frozen=True)
class AuthSettings:
    """JWT verification; with neither a JWKS URL nor a key file every caller is anonymous."""

    jwks_url: str | None = None
    public_key_file: str | None = None
    issuer: str | None = None
    audience: str | None = None
    algorithms: tuple[str, ...] = ALLOWED_ALGORITHMS
    leeway_s: float = 5.0
    jwks_max_age_s: float = 300.0
    # An unknown `kid` refetches the JWKS, but no more often than this.
    jwks_min_refresh_s: float = 10.0
    jwks_timeout_s: float = 5.0
    # Verified claims sent to subgraphs in these headers (claim -> header).
    claim_headers: dict[str, str] = field(
        default_factory=lambda: {"sub": "x-user-id", "roles": "x-user-roles"}
    )
    # Claims whose values are the caller's scopes for @requiresScopes.
    scope_claims: tuple[str, ...] = ("scope", "scp", "roles")
    # Claims whose values are the caller's policies for @policy.
    policy_claims: tuple[str, ...] = ("policies",)

    @property
    def enabled(self) -> bool:
        return bool(self.jwks_url or self.public_key_file)


@dataclass(frozen=True)
class LimitSettings:
    """Operation limits, checked after parsing and before validation and planning."""

    max_depth: int = 15
    max_aliases: int = 50
    max_root_fields: int = 20
    max_fields: int = 1000
    max_tokens: int = 10_000
    max_directives_per_field: int = 5
    max_introspection_depth: int = 20
    # High enough for realistic nested queries (the federation benchmark's query is
    # estimated at 24,420 with lists assumed 10 long), low enough to refuse a query
    # that multiplies lists into millions of objects.
    max_cost: int = 100_000
    default_list_size: int = 10  # assumed length of a list without @listSize
    introspection: bool = True


@dataclass(frozen=True)
class HttpSettings:
    """How the door itself behaves, for every route (GraphQL, GraphiQL, mounted apps)."""

    max_body_bytes: int = 1_000_000
    # A request still running after this many seconds is answered 504 REQUEST_TIMEOUT
    # (0 turns the timeout off).
    request_timeout_s: float = 30.0
    # How many proxies in front of the gateway append to X-Forwarded-For; the client is
    # the address that many entries from the right, and X-Forwarded-Proto is believed.
    # 0 ignores both headers (anyone could send them).
    trusted_proxies: int = 0
    # Security headers on every response; HSTS only over https (seen directly or
    # through a trusted proxy's X-Forwarded-Proto). 0 turns HSTS off.
    security_headers: bool = True
    hsts_max_age_s: int = 31_536_000
    # Added to the CSP's script-src and style-src next to 'self' (for example a CDN);
    # the GraphiQL page's own inline script is allowed by its hash.
    csp_extra_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorsSettings:
    """Cross-origin browser access; no origins means none is allowed (no CORS headers)."""

    allow_origins: tuple[str, ...] = ()  # exact origins ("https://shop.example"), or "*"
    allow_methods: tuple[str, ...] = ("GET", "POST", "OPTIONS")
    allow_headers: tuple[str, ...] = (
        "authorization",
        "content-type",
        "apollographql-client-name",
        "apollographql-client-version",
        "x-request-id",
        "traceparent",
    )
    allow_credentials: bool = False  # cookies; never together with "*"
    expose_headers: tuple[str, ...] = ("retry-after", "x-request-id", "traceresponse")
    max_age_s: int = 600  # how long a browser may cache a preflight answer

    @property
    def enabled(self) -> bool:
        return bool(self.allow_origins)


@dataclass(frozen=True)
class PersistedSettings:
    """Automatic persisted queries and trusted documents."""

    apq: bool = True
    manifest_file: str | None = None  # trusted documents (Apollo's manifest format)
    trusted_only: bool = False  # refuse every operation that is not in the manifest
    redis_url: str | None = None  # share registered queries between replicas
    redis_prefix: str = "shopgraph:apq:"
    cache_size: int = 1000  # in-memory registered queries
    ttl_s: int = 86_400  # in Redis


@dataclass(frozen=True)
class RateLimitSettings:
    """Rules in the `limits` notation ("100/minute", "5/10 seconds"); none set means off.

    `per_ip` and `routes` count HTTP requests at the door (REST calls included);
    `per_user` and `fields` count GraphQL operations (each operation of a batch).
    """

    per_ip: str | None = None  # every request, per client address
    per_user: str | None = None  # every GraphQL request of a signed-in caller, per subject
    routes: dict[str, str] = field(default_factory=dict)  # path prefix -> rule, per address
    fields: dict[str, str] = field(default_factory=dict)  # root field -> rule, per address
    redis_url: str | None = None  # share counters between replicas
    key_prefix: str = "shopgraph-rate"

    @property
    def enabled(self) -> bool:
        return bool(self.per_ip or self.per_user or self.routes or self.fields)


@dataclass(frozen=True)
class EdgeSettings:
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    cors: CorsSettings = field(default_factory=CorsSettings)
    persisted: PersistedSettings = field(default_factory=PersistedSettings)
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)

    @classmethod
    def load(
        cls, router: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> EdgeSettings:
        """Settings from the router section, overridden by the environment."""
        environ = os.environ if environ is None else environ
        router = dict(router or {})
        sections: dict[str, Any] = {}
        for section in dataclasses.fields(cls):
            raw = router.pop(section.name, None) or {}
            if not isinstance(raw, Mapping):
                raise EdgeConfigError(f"router.{section.name} must be a mapping")
            section_type = _section_types()[section.name]
            sections[section.name] = _section(section_type, section.name, raw, environ)
        if router:
            unknown = ", ".join(sorted(router))
            raise EdgeConfigError(f"unknown router settings: {unknown}")
        return cls(**sections)


def _section_types() -> dict[str, type[Any]]:
    return {
        "auth": AuthSettings,
        "limits": LimitSettings,
        "http": HttpSettings,
        "cors": CorsSettings,
        "persisted": PersistedSettings,
        "rate_limit": RateLimitSettings,
    }


_PLATFORM_FALLBACKS = {
    ("auth", "jwks_url"): "SHOPGRAPH_JWKS_URL",
    ("auth", "public_key_file"): "SHOPGRAPH_JWT_PUBLIC_KEY_FILE",
    ("auth", "issuer"): "SHOPGRAPH_JWT_ISSUER",
    ("auth", "audience"): "SHOPGRAPH_JWT_AUDIENCE",
}


def _section(
    section_type: type[Any], name: str, raw: Mapping[str, Any], environ: Mapping[str, str]
) -> Any:
    hints = typing.get_type_hints(section_type)
    known = {f.name for f in dataclasses.fields(section_type)}
    unknown = set(raw) - known
    if unknown:
        raise EdgeConfigError(f"unknown router.{name} settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key in sorted(known):
        where = f"router.{name}.{key}"
        env_name = f"{ENV_PREFIX}{name}_{key}".upper()
        text = environ.get(env_name)
        if text is None and key not in raw:
            fallback = _PLATFORM_FALLBACKS.get((name, key))
            text = environ.get(fallback) if fallback else None
        if text is not None:
            values[key] = _from_text(hints[key], text, env_name)
        elif key in raw:
            values[key] = _coerce(hints[key], raw[key], where)
    settings = section_type(**values)
    if name == "auth":
        bad = set(settings.algorithms) - set(ALLOWED_ALGORITHMS)
        if bad:
            raise EdgeConfigError(
                f"router.auth.algorithms: only {', '.join(ALLOWED_ALGORITHMS)} are accepted, "
                f"not {', '.join(sorted(bad))}"
            )
    elif name == "rate_limit":
        _check_rate_rules(settings)
    elif name == "cors" and settings.allow_credentials and "*" in settings.allow_origins:
        raise EdgeConfigError("router.cors: allow_credentials cannot go with the origin '*'")
    return settings


def _check_rate_rules(settings: RateLimitSettings) -> None:
    """Every rule must be in the `limits` notation, so a typo fails at start, not later."""
    from limits import parse_many

    rules = {"per_ip": settings.per_ip, "per_user": settings.per_user}
    rules.update({f"routes.{k}": v for k, v in settings.routes.items()})
    rules.update({f"fields.{k}": v for k, v in settings.fields.items()})
    for where, rule in rules.items():
        if rule is None:
            continue
        try:
            if len(parse_many(rule)) != 1:
                raise ValueError("one rule expected")
        except ValueError as error:
            raise EdgeConfigError(
                f"router.rate_limit.{where}: {rule!r} is not a rule like '10/minute' ({error})"
            ) from error


def _base(hint: Any) -> Any:
    """`int | None` -> int; other hints unchanged."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0]
    return hint


def _from_text(hint: Any, text: str, where: str) -> Any:
    base = _base(hint)
    origin = typing.get_origin(base)
    if origin is tuple:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if origin is dict:
        pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise EdgeConfigError(f"{where}: expected key=value pairs separated by commas")
        return {key.strip(): value.strip() for key, value in pairs}
    if base is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    return _coerce(hint, text, where)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    base = _base(hint)
    if value is None and base is not hint:
        return None
    origin = typing.get_origin(base)
    try:
        if origin is tuple:
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise TypeError("expected a list")
            return tuple(str(item) for item in value)
        if origin is dict:
            if not isinstance(value, Mapping):
                raise TypeError("expected a mapping")
            return {str(k): str(v) for k, v in value.items()}
        if base is bool:
            if not isinstance(value, bool):
                raise TypeError("expected true or false")
            return value
        if base is int:
            return int(value)
        if base is float:
            return float(value)
        return str(value)
    except (TypeError, ValueError) as error:
        raise EdgeConfigError(f"{where}: {error}") from error
