"""`supergraph.yaml` in rover's format, plus the router's own section.

```yaml
federation_version: =2.7.0
subgraphs:
  users:
    routing_url: http://127.0.0.1:4001/graphql
    schema:
      file: schema/users.graphql          # or: subgraph_url: http://.../graphql
router: {...}                             # the router's settings; composition ignores it
```
Relative schema files are read relative to the configuration file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

SDL_QUERY = "{ _service { sdl } }"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class SubgraphConfig:
    name: str
    routing_url: str
    schema_file: Path | None = None
    subgraph_url: str | None = None


@dataclass(frozen=True)
class SupergraphConfig:
    path: Path
    federation_version: str | None
    subgraphs: tuple[SubgraphConfig, ...]
    router: dict[str, Any] = field(default_factory=dict)


def load_config(path: str | Path) -> SupergraphConfig:
    """Read and check a supergraph.yaml."""
    config_path = Path(path)
    try:
        raw = yaml.safe_load(config_path.read_text())
    except OSError as error:
        raise ConfigError(f"cannot read {config_path}: {error}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{config_path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("subgraphs"), dict):
        raise ConfigError(f"{config_path}: expected a mapping with a `subgraphs` mapping")
    subgraphs = tuple(
        _subgraph(config_path, str(name), entry) for name, entry in raw["subgraphs"].items()
    )
    router = raw.get("router") or {}
    if not isinstance(router, dict):
        raise ConfigError(f"{config_path}: `router` must be a mapping")
    version = raw.get("federation_version")
    return SupergraphConfig(
        path=config_path,
        federation_version=str(version) if version is not None else None,
        subgraphs=subgraphs,
        router=router,
    )


def _subgraph(config_path: Path, name: str, entry: Any) -> SubgraphConfig:
    where = f"{config_path}: subgraph {name!r}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping")
    schema = entry.get("schema")
    if not isinstance(schema, dict):
        raise ConfigError(f"{where} needs `schema: {{file: ...}}` or `{{subgraph_url: ...}}`")
    schema_file = schema.get("file")
    subgraph_url = schema.get("subgraph_url")
    if (schema_file is None) == (subgraph_url is None):
        raise ConfigError(f"{where}: give exactly one of schema.file and schema.subgraph_url")
    routing_url = entry.get("routing_url") or subgraph_url
    if not routing_url:
        raise ConfigError(f"{where} needs a routing_url")
    return SubgraphConfig(
        name=name,
        routing_url=str(routing_url),
        schema_file=(config_path.parent / str(schema_file)) if schema_file else None,
        subgraph_url=str(subgraph_url) if subgraph_url else None,
    )


def fetch_sdl(url: str, *, timeout: float = 10.0) -> str:
    """Ask a running subgraph for its SDL through `{ _service { sdl } }`."""
    try:
        response = httpx.post(url, json={"query": SDL_QUERY}, timeout=timeout)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ConfigError(f"cannot read the SDL of {url}: {error}") from error
    sdl = ((body.get("data") or {}).get("_service") or {}).get("sdl")
    if not isinstance(sdl, str):
        raise ConfigError(f"{url} answered without _service.sdl: {body.get('errors')}")
    return sdl


def read_sdl(subgraph: SubgraphConfig) -> str:
    """The subgraph's SDL, from its file or from the running service."""
    if subgraph.schema_file is not None:
        try:
            return subgraph.schema_file.read_text()
        except OSError as error:
            raise ConfigError(f"subgraph {subgraph.name!r}: {error}") from error
    assert subgraph.subgraph_url is not None
    return fetch_sdl(subgraph.subgraph_url)
