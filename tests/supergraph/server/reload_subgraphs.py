"""Two fixture subgraphs for the reload and readiness tests, served over real HTTP.

    python tests/supergraph/server/reload_subgraphs.py --port N [--certfile C --keyfile K]

`inventory` (at /inventory/graphql) already serves `extra`, a field that the
first supergraph of a test leaves out and a later one adds, as when a subgraph
is deployed before the supergraph that publishes its new field. Its `held`
field waits until the test releases it (POST /_release), so that a test can
keep a request in flight across a reload; GET /_held says how many wait.
`reviews` (at /reviews/graphql) is a second subgraph, for readiness.
GET /_requests counts the GraphQL requests each subgraph received.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

import strawberry
import uvicorn
from fastapi import FastAPI, Request, Response
from strawberry.fastapi import GraphQLRouter

NextHandler = Callable[[Request], Awaitable[Response]]


class _Gate:
    """Requests for `held` wait here until the test opens the gate."""

    def __init__(self) -> None:
        self.waiting = 0
        self.opened = asyncio.Event()


_gate = _Gate()


@strawberry.type(name="Query")
class InventoryQuery:
    @strawberry.field
    def greeting(self) -> str:
        return "hello"

    @strawberry.field
    def extra(self) -> str:
        return "published later"

    @strawberry.field
    async def held(self) -> str:
        _gate.waiting += 1
        try:
            await _gate.opened.wait()
        finally:
            _gate.waiting -= 1
        return "released"


@strawberry.type(name="Query")
class InventoryQueryWithoutExtra:
    """The same subgraph as its first supergraph knew it: no `extra` yet."""

    @strawberry.field
    def greeting(self) -> str:
        return "hello"

    @strawberry.field
    def held(self) -> str:
        return "released"


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def review_count(self) -> int:
        return 3


def _schema(query: type) -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=query)


def inventory_sdl(*, with_extra: bool) -> str:
    """The inventory subgraph's SDL, with or without the field published later."""
    return _schema(InventoryQuery if with_extra else InventoryQueryWithoutExtra).as_str()


def reviews_sdl() -> str:
    return _schema(ReviewsQuery).as_str()


def create_app() -> FastAPI:
    app = FastAPI()
    requests: Counter[str] = Counter()

    @app.middleware("http")
    async def count(request: Request, call_next: NextHandler) -> Response:
        if request.method == "POST" and request.url.path.endswith("/graphql"):
            requests[request.url.path.split("/")[1]] += 1
        return await call_next(request)

    app.include_router(GraphQLRouter(_schema(InventoryQuery)), prefix="/inventory/graphql")
    app.include_router(GraphQLRouter(_schema(ReviewsQuery)), prefix="/reviews/graphql")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/_requests")
    def request_counts() -> dict[str, int]:
        return dict(requests)

    @app.get("/_held")
    def held() -> dict[str, int]:
        return {"waiting": _gate.waiting}

    @app.post("/_release")
    def release() -> dict[str, int]:
        released = _gate.waiting
        _gate.opened.set()  # the waiting requests hold this event; later ones wait on a new one
        _gate.opened = asyncio.Event()
        return {"released": released}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--certfile", default=None, help="serve HTTPS with this certificate")
    parser.add_argument("--keyfile", default=None)
    args = parser.parse_args()
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
    )
