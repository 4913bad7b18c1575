"""python -m rest_compat --router-url http://127.0.0.1:3000/graphql --port 3080

The REST layer on its own, in front of a router reached over HTTP (the gateway
normally serves it in process at /api instead).
"""

from __future__ import annotations

import argparse
import os

DEFAULT_ROUTER_URL = "http://127.0.0.1:3000/graphql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rest_compat", description=__doc__)
    parser.add_argument(
        "--router-url",
        default=os.environ.get("SHOPGRAPH_REST_ROUTER_URL", DEFAULT_ROUTER_URL),
        help="the router's GraphQL URL (env SHOPGRAPH_REST_ROUTER_URL)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3080)
    args = parser.parse_args(argv)

    import uvicorn

    from rest_compat.app import create_rest_app
    from rest_compat.transport import RemoteRouter

    uvicorn.run(
        create_rest_app(RemoteRouter(args.router_url)),
        host=args.host,
        port=args.port,
        access_log=False,
        log_level="warning",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
