"""Serve the benchmark's four subgraphs on one port: `/accounts`, `/products`,
`/inventory`, `/reviews`.

    .venv/bin/python -m bench.federation.subgraphs --port 4200

Prints `ready http://HOST:PORT` on stdout once it accepts connections (with the
port actually bound, so `--port 0` lets the caller take any free port).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from bench.federation.dataset import BENCHMARK_DIR, SUBGRAPH_NAMES
from bench.federation.graphql_endpoint import GraphQLEndpoint
from bench.federation.http_server import Handler, serve
from bench.federation.subgraph_schemas import build_subgraph


def build_routes(
    benchmark_dir: Path = BENCHMARK_DIR, *, cache_responses: bool = True
) -> dict[str, Handler]:
    """Path -> request handler for every benchmark subgraph."""
    return {
        f"/{name}": GraphQLEndpoint(
            build_subgraph(name, benchmark_dir).schema, cache_responses=cache_responses
        ).handle
        for name in SUBGRAPH_NAMES
    }


async def _run(args: argparse.Namespace) -> None:
    routes = build_routes(args.benchmark_dir, cache_responses=not args.no_response_cache)
    server = await serve(routes, args.host, args.port)
    port = server.sockets[0].getsockname()[1]  # the real one when asked for port 0
    print(f"ready http://{args.host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.federation.subgraphs", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200, help="0 picks a free port")
    parser.add_argument("--benchmark-dir", type=Path, default=BENCHMARK_DIR)
    parser.add_argument(
        "--no-response-cache",
        action="store_true",
        help="execute every request (default: memoise responses by request body)",
    )
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:  # uvloop is optional off Linux
        asyncio.run(_run(args))
    else:
        uvloop.run(_run(args))


if __name__ == "__main__":
    main()
