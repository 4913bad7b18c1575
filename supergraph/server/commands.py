"""Command-line commands of this part of the router (registered in supergraph.cli).

python -m supergraph serve (--supergraph FILE | --config supergraph.yaml) --port N [--workers K]
python -m supergraph plan --supergraph FILE OPERATION_FILE [--operation-name NAME]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from supergraph.observability.worker_metrics import METRICS_DIR_VARIABLE
from supergraph.server.events import log_event, send_events_to_stderr
from supergraph.server.gc_tuning import settle_long_lived_objects
from supergraph.server.reload import (
    ComposedConfig,
    LastGoodCopy,
    Reloader,
    SupergraphFile,
    SupergraphSource,
    supergraph_hash,
)
from supergraph.server.settings import GatewaySettings

_SUPERGRAPH_FILE_VARIABLE = "SUPERGRAPH_FILE"
_SUPERGRAPH_CONFIG_VARIABLE = "SUPERGRAPH_CONFIG"
_LAST_GOOD_VARIABLE = "SUPERGRAPH_LAST_GOOD_FILE"  # set for workers; see LastGoodCopy
_SUBGRAPH_URLS_VARIABLE = "SUPERGRAPH_SUBGRAPH_URLS"
_WRAP_VARIABLE = "SUPERGRAPH_APP_WRAPPER"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add this part's commands to the router's command line."""
    serve = subparsers.add_parser("serve", help="run the router on a supergraph file")
    source = serve.add_mutually_exclusive_group(required=True)
    source.add_argument("--supergraph", type=Path, help="supergraph SDL file")
    source.add_argument(
        "--config",
        type=Path,
        help="supergraph.yaml to compose at start (and again when it or its schema files change)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument(
        "--subgraph-url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="route a subgraph elsewhere than its supergraph routing URL (repeatable)",
    )
    serve.add_argument(
        "--expose-query-plan",
        action="store_true",
        help="development: return each request's plan in `extensions`",
    )
    serve.add_argument(
        "--dedup-in-flight",
        action="store_true",
        help="join identical subgraph queries already in flight (off by default)",
    )
    serve.add_argument(
        "--reload-interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="check the supergraph's files for changes this often; 0: only on SIGHUP "
        "(default: $SUPERGRAPH_RELOAD_INTERVAL_S or 2)",
    )
    serve.add_argument(
        "--wrap",
        default=None,
        metavar="MODULE:CALLABLE",
        help="serve CALLABLE(gateway_app) instead of the gateway app (e.g. to mount extra routes)",
    )
    serve.set_defaults(handler=_serve)

    plan = subparsers.add_parser("plan", help="print the query plan of an operation")
    plan.add_argument("--supergraph", type=Path, required=True, help="supergraph SDL file")
    plan.add_argument("operation", type=Path, help="file holding the GraphQL operation")
    plan.add_argument("--operation-name", default=None)
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(handler=_plan)


def _parse_urls(pairs: list[str]) -> dict[str, str]:
    urls: dict[str, str] = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not name or not url:
            raise SystemExit(f"--subgraph-url expects NAME=URL, got {pair!r}")
        urls[name] = url
    return urls


def _source_from_environment() -> SupergraphSource:
    config = os.environ.get(_SUPERGRAPH_CONFIG_VARIABLE)
    if config:
        return ComposedConfig(Path(config))
    return SupergraphFile(Path(os.environ[_SUPERGRAPH_FILE_VARIABLE]))


def app_from_environment() -> Any:
    """ASGI app factory for uvicorn workers: the supergraph source comes from the environment.

    The edge (authentication, limits, authorization) reads the `router:` section of
    the supergraph.yaml named by SHOPGRAPH_GATEWAY_CONFIG, then SHOPGRAPH_GATEWAY_*.
    Each worker reloads the supergraph on its own (file changes, SIGHUP).
    """
    from supergraph.edge.gateway import create_edge_gateway, edge_settings_from_environment

    send_events_to_stderr()
    if hasattr(signal, "SIGHUP"):
        # Until the app's lifespan listens for it, a SIGHUP must not end the worker.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    settings = GatewaySettings.from_env()
    last_good_path = os.environ.get(_LAST_GOOD_VARIABLE)
    last_good = LastGoodCopy(Path(last_good_path)) if last_good_path else None
    reloader = Reloader(_source_from_environment(), settings.reload_interval_s, last_good)
    urls = _parse_urls([p for p in os.environ.get(_SUBGRAPH_URLS_VARIABLE, "").split(",") if p])
    if urls:
        settings = dataclasses.replace(settings, subgraph_urls=urls)
    edge = edge_settings_from_environment()
    try:
        sdl = reloader.read_initial()
        gateway = create_edge_gateway(sdl, settings, edge)
    except Exception as error:
        fallback = last_good.read() if last_good is not None else None
        if fallback is None:
            raise
        log_event(
            logging.ERROR,
            "supergraph_refused_at_start",
            source=reloader.source.description,
            schema=supergraph_hash(fallback),
            reason=f"{type(error).__name__}: {error}",
        )
        sdl = fallback
        gateway = create_edge_gateway(sdl, settings, edge)
    if last_good is not None:
        with contextlib.suppress(OSError):  # only a fallback: serving goes on without it
            last_good.save(sdl)
    gateway.router.watch(reloader)
    app = gateway.app
    wrapper = os.environ.get(_WRAP_VARIABLE)
    app = _load_callable(wrapper)(app) if wrapper else app
    settle_long_lived_objects()  # a worker process: what is built now lives as long
    return app


def _load_callable(reference: str) -> Any:
    """`package.module:name` imported; the router knows nothing of what it wraps itself in."""
    import importlib

    module_name, sep, name = reference.partition(":")
    if not sep or not module_name or not name:
        raise SystemExit(f"--wrap expects MODULE:CALLABLE, got {reference!r}")
    return getattr(importlib.import_module(module_name), name)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    send_events_to_stderr()
    if args.supergraph is not None:
        if not args.supergraph.is_file():
            print(f"no such supergraph file: {args.supergraph}", file=sys.stderr)
            return 2
        os.environ[_SUPERGRAPH_FILE_VARIABLE] = str(args.supergraph.resolve())
        os.environ.pop(_SUPERGRAPH_CONFIG_VARIABLE, None)
    else:
        from supergraph.edge.gateway import CONFIG_VARIABLE as EDGE_CONFIG_VARIABLE

        failure = _check_composes(args.config)
        if failure:
            print(failure, file=sys.stderr)
            return 2
        os.environ[_SUPERGRAPH_CONFIG_VARIABLE] = str(args.config.resolve())
        # Its `router:` section configures the edge unless another file is named.
        os.environ.setdefault(EDGE_CONFIG_VARIABLE, str(args.config.resolve()))
    if args.reload_interval is not None:
        if args.reload_interval < 0:
            print("--reload-interval must not be negative", file=sys.stderr)
            return 2
        os.environ["SUPERGRAPH_RELOAD_INTERVAL_S"] = str(args.reload_interval)
    _parse_urls(args.subgraph_url)  # fail early on a malformed pair
    os.environ[_SUBGRAPH_URLS_VARIABLE] = ",".join(args.subgraph_url)
    if args.expose_query_plan:
        os.environ["SUPERGRAPH_EXPOSE_QUERY_PLAN"] = "1"
    if args.dedup_in_flight:
        os.environ["SUPERGRAPH_DEDUP_IN_FLIGHT"] = "1"
    if args.wrap:
        _load_callable(args.wrap)  # fail early on a missing module or name
        os.environ[_WRAP_VARIABLE] = args.wrap
    config = uvicorn.Config(
        "supergraph.server.commands:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
    )
    if config.workers > 1:
        from supergraph.server.workers import serve_workers

        with tempfile.TemporaryDirectory(prefix="supergraph-") as scratch:
            os.environ[_LAST_GOOD_VARIABLE] = str(Path(scratch) / "last-good.graphql")
            # Any worker may answer a scrape: each shows the sum of all (worker_metrics.py).
            os.environ[METRICS_DIR_VARIABLE] = str(Path(scratch) / "metrics")
            serve_workers(config)
        return 0
    os.environ.pop(METRICS_DIR_VARIABLE, None)  # one process: nobody to share with
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3


def _check_composes(config: Path) -> str | None:
    """Why `config` cannot be served, or None (checked once before any worker starts)."""
    try:
        ComposedConfig(config).read()
    except Exception as error:  # config, schema file or composition: all are reported alike
        return f"cannot serve {config}: {error}"
    return None


def _plan(args: argparse.Namespace) -> int:
    import orjson

    from supergraph.model.loader import load_supergraph
    from supergraph.planning.planner import PlanningError
    from supergraph.server.pipeline import GraphQLPipeline

    pipeline = GraphQLPipeline(load_supergraph(args.supergraph.read_text()), GatewaySettings())
    try:
        plan = pipeline.plan_for(args.operation.read_text(), args.operation_name).prepared.plan
    except (PlanningError, ValueError) as error:
        print(f"cannot plan the operation: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(orjson.dumps(plan.to_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        print(plan.to_text())
    print(f"# {plan.fetch_count} fetches in {len(plan.waves)} waves", file=sys.stderr)
    return 0
