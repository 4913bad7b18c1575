"""The gateway's own settings: subgraph HTTP, headers, caches, reload, readiness, dev aids."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_PROPAGATED_HEADERS = ("authorization", "x-request-id", "traceparent")


@dataclass(frozen=True)
class GatewaySettings:
    """How the router talks to subgraphs and what its endpoint offers."""

    subgraph_timeout_s: float = 30.0
    subgraph_timeouts_s: dict[str, float] = field(default_factory=dict)  # per subgraph name
    subgraph_urls: dict[str, str] = field(default_factory=dict)  # overrides routing URLs
    max_connections_per_subgraph: int = 100
    propagate_headers: tuple[str, ...] = DEFAULT_PROPAGATED_HEADERS
    expose_query_plan: bool = False  # development only: the plan goes into `extensions`
    plan_cache_size: int = 1024
    document_cache_size: int = 1024
    graphiql: bool = True
    dedupe_in_flight: bool = False  # join identical subgraph queries already in flight
    reload_interval_s: float = 2.0  # how often the supergraph's files are checked; 0: never
    ready_cache_s: float = 5.0  # /ready reuses a subgraph check this long (probes poll often)
    ready_timeout_s: float = 2.0  # a subgraph that does not answer a check within this is down

    @classmethod
    def from_env(cls, prefix: str = "SUPERGRAPH_") -> GatewaySettings:
        """Settings from `SUPERGRAPH_*` environment variables (unset ones keep defaults)."""

        def env(name: str) -> str | None:
            return os.environ.get(prefix + name)

        values: dict[str, object] = {}
        if (timeout := env("SUBGRAPH_TIMEOUT_S")) is not None:
            values["subgraph_timeout_s"] = float(timeout)
        if (headers := env("PROPAGATE_HEADERS")) is not None:
            values["propagate_headers"] = tuple(
                h.strip().lower() for h in headers.split(",") if h.strip()
            )
        if (plan := env("EXPOSE_QUERY_PLAN")) is not None:
            values["expose_query_plan"] = plan.lower() in ("1", "true", "yes")
        if (dedupe := env("DEDUP_IN_FLIGHT")) is not None:
            values["dedupe_in_flight"] = dedupe.lower() in ("1", "true", "yes")
        for name in ("RELOAD_INTERVAL_S", "READY_CACHE_S", "READY_TIMEOUT_S"):
            if (seconds := env(name)) is not None:
                values[name.lower()] = _seconds(prefix + name, seconds)
        if (graphiql := env("GRAPHIQL")) is not None:
            values["graphiql"] = graphiql.lower() in ("1", "true", "yes")
        return cls(**values)  # type: ignore[arg-type]

    def timeout_for(self, subgraph: str) -> float:
        return self.subgraph_timeouts_s.get(subgraph, self.subgraph_timeout_s)


def _seconds(variable: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{variable} must be a number of seconds, got {text!r}") from None
    if value < 0:
        raise ValueError(f"{variable} must not be negative, got {text!r}")
    return value
