"""`shopgraph`: run, migrate, seed and export the platform's services.

Commands the platform does not own (`compose`, `check`, `plan`, ...) go to the
router's own command line unchanged; `shopgraph schema check` is `check` there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from subgraphs.kit.logs import configure_logging
from subgraphs.platform import provisioning
from subgraphs.platform.schema_export import export_sdl
from subgraphs.platform.services import (
    GATEWAY_DEFAULT_PORT,
    GATEWAY_NAME,
    PROCESS_NAMES,
    SUBGRAPHS,
    ServiceSpec,
    is_present,
    load_settings,
    present_subgraphs,
    subgraph,
)

REST_API_WRAPPER = "rest_compat.mount:with_rest_api"
OWN_COMMANDS = ("dev", "serve", "migrate", "seed", "schema")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopgraph",
        description=__doc__,
        epilog="Any other command is the router's: see `python -m supergraph --help`.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="migrate, seed and run every service that exists")
    dev.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where SQLite files and dev keys live (default $SHOPGRAPH_DATA_DIR or ./data)",
    )
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument(
        "--port",
        action="append",
        default=[],
        metavar="NAME=PORT",
        help=f"listen port of one process ({', '.join(PROCESS_NAMES)}); repeatable",
    )
    dev.add_argument("--no-seed", action="store_true", help="skip the demo data")
    dev.add_argument("--no-gateway", action="store_true", help="run the subgraphs only")
    dev.set_defaults(handler=_dev)

    serve = commands.add_parser("serve", help="run one process in the foreground")
    serve.add_argument("service", choices=PROCESS_NAMES)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument(
        "--supergraph",
        type=Path,
        default=Path("schema/supergraph.graphql"),
        help="gateway only: the supergraph SDL to serve",
    )
    serve.set_defaults(handler=_serve)

    for name, handler, text in (
        ("migrate", _migrate, "apply migrations (creating PostgreSQL databases if missing)"),
        ("seed", _seed, "load the idempotent demo data"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("services", nargs="*", help="default: every service that exists")
        command.set_defaults(handler=handler)

    schema = commands.add_parser("schema", help="`export` SDL; `check` goes to the router")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    export = schema_commands.add_parser("export", help="write <out>/<service>.graphql")
    export.add_argument("services", nargs="*", help="default: every service that exists")
    export.add_argument("--out", type=Path, default=Path("schema"))
    export.set_defaults(handler=_schema_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and not args_list[0].startswith("-") and args_list[0] not in OWN_COMMANDS:
        return _router(args_list)
    if args_list[:2] == ["schema", "check"]:
        return _router(["check", *args_list[2:]])
    args = build_parser().parse_args(args_list)
    result: int = args.handler(args)
    return result


def _router(argv: list[str]) -> int:
    from supergraph.cli import main as router_main

    result: int = router_main(argv)
    return result


def _selected(names: Sequence[str]) -> list[ServiceSpec]:
    """The named services (each must exist), or every service that exists."""
    if not names:
        present, missing = present_subgraphs()
        for spec in missing:
            print(f"shopgraph: {spec.name}: skipped ({spec.app_factory} does not exist yet)")
        return present
    specs = [subgraph(name) for name in names]
    for spec in specs:
        if not is_present(spec):
            raise SystemExit(f"shopgraph: {spec.name}: {spec.app_factory} does not exist yet")
    return specs


def _migrate(args: argparse.Namespace) -> int:
    configure_logging("platform")
    for spec in _selected(args.services):
        asyncio.run(provisioning.migrate(spec))
        print(f"shopgraph: {spec.name}: migrated", flush=True)
    return 0


def _seed(args: argparse.Namespace) -> int:
    configure_logging("platform")
    for spec in _selected(args.services):
        if load_settings(spec).is_production:
            raise SystemExit("shopgraph: demo data is never seeded in production")
        seeded = asyncio.run(provisioning.seed(spec))
        print(f"shopgraph: {spec.name}: {'seeded' if seeded else 'has no seed'}", flush=True)
    return 0


def _schema_export(args: argparse.Namespace) -> int:
    for spec in _selected(args.services):
        path, changed = export_sdl(spec, args.out)
        print(f"shopgraph: {spec.name}: {path} {'written' if changed else 'unchanged'}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.service == GATEWAY_NAME:
        configure_logging(GATEWAY_NAME)
        port = args.port or int(os.environ.get("SHOPGRAPH_GATEWAY_PORT", GATEWAY_DEFAULT_PORT))
        host = args.host or os.environ.get("SHOPGRAPH_GATEWAY_HOST", "127.0.0.1")
        # The REST layer is mounted at /api and runs its operations through this gateway.
        serve = ["serve", "--supergraph", str(args.supergraph), "--host", host, "--port", str(port)]
        return _router([*serve, "--wrap", REST_API_WRAPPER])
    import uvicorn

    spec = subgraph(args.service)
    settings = load_settings(spec)
    configure_logging(spec.name, settings.log_level)
    uvicorn.run(
        spec.app_factory,
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


def _dev(args: argparse.Namespace) -> int:
    from subgraphs.platform.dev import DevOptions, run_dev

    configure_logging("platform")
    # The parent polls health endpoints; a log line per poll would drown the output.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data_dir = args.data_dir or Path(os.environ.get("SHOPGRAPH_DATA_DIR", "data"))
    options = DevOptions(
        data_dir=data_dir, host=args.host, seed=not args.no_seed, gateway=not args.no_gateway
    )
    ports = _dev_ports(args.port)
    return run_dev(options, ports)


def _dev_ports(overrides: Sequence[str]) -> dict[str, int]:
    """Ports by process: `--port NAME=PORT`, else `SHOPGRAPH_<NAME>_PORT`, else the default."""
    ports = {spec.name: spec.default_port for spec in SUBGRAPHS}
    ports[GATEWAY_NAME] = GATEWAY_DEFAULT_PORT
    for name in ports:
        if value := os.environ.get(f"SHOPGRAPH_{name.upper()}_PORT"):
            ports[name] = int(value)
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in ports or not value.isdigit():
            raise SystemExit(f"shopgraph: --port wants NAME=PORT with NAME one of {list(ports)}")
        ports[name] = int(value)
    return ports
