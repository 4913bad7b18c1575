"""The gateway in development: compose the running subgraphs, serve the result.

Nothing here knows how the router works inside: it asks the router's own
command line whether it can compose and serve, and drives those commands.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from subgraphs.platform.services import ServiceSpec, import_optional

ROOT_CONFIG = Path("supergraph.yaml")
DEFAULT_FEDERATION_VERSION = "=2.9.0"


def router_commands() -> set[str]:
    """The commands the router's CLI offers (empty when it has none yet)."""
    cli = import_optional("supergraph.cli")
    if cli is None:
        return set()
    parser: argparse.ArgumentParser = cli.build_parser()
    for action in parser._actions:  # argparse keeps its subcommands here, nowhere public
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def router_can_serve() -> bool:
    return {"compose", "serve"} <= router_commands()


# The platform-wide token settings development runs with, and the router's auth
# setting each one replaces in the written config.
_DEV_AUTH = {
    "SHOPGRAPH_JWKS_URL": "jwks_url",
    "SHOPGRAPH_JWT_ISSUER": "issuer",
    "SHOPGRAPH_JWT_AUDIENCE": "audience",
}


def dev_supergraph_config(
    subgraphs: dict[ServiceSpec, tuple[str, Path]],
    template: Path = ROOT_CONFIG,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A rover-format config for `subgraphs` ({spec: (routing_url, sdl_file)}).

    The project's own `supergraph.yaml` is the template (its federation version
    and router section carry over); the subgraph list is replaced, since
    development runs on other ports and only the services that exist, and so are
    the router's token settings the platform's `env` gives (the JWKS of the users
    service on its development port), since a file setting would hide them.
    """
    config: dict[str, Any] = {}
    if template.exists():
        config = yaml.safe_load(template.read_text()) or {}
    config.setdefault("federation_version", DEFAULT_FEDERATION_VERSION)
    config["subgraphs"] = {
        spec.name: {"routing_url": url, "schema": {"file": str(sdl_file)}}
        for spec, (url, sdl_file) in subgraphs.items()
    }
    auth = (config.get("router") or {}).get("auth")
    if isinstance(auth, dict):
        for variable, setting in _DEV_AUTH.items():
            if env and env.get(variable):
                auth[setting] = env[variable]
    return config


def write_config(config: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
