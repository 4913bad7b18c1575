"""The gateway's ASGI application: `/graphql` (POST, GET, GraphiQL), `/health` and `/ready`.

Raw ASGI rather than a framework: the endpoint is on every request's path and a
framework's routing and request objects cost more than the rest of the edge.

The supergraph being served (its schema, plan cache and subgraph connections)
is one object behind one reference, so that a reload can build the next one
completely and swap it in; each request keeps the one it started with, and a
replaced one closes its connections when its last request is done.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson

from supergraph.edge.asgi import Receive, Scope, Send, header, read_body
from supergraph.edge.hooks import EdgeHooks
from supergraph.model.loader import load_supergraph
from supergraph.server.graphiql import GraphiQL
from supergraph.server.pipeline import (
    GraphQLPipeline,
    GraphQLRequest,
    GraphQLResponse,
    request_error,
)
from supergraph.server.readiness import SubgraphCheck
from supergraph.server.reload import Reloader, supergraph_hash
from supergraph.server.settings import GatewaySettings

_JSON = [(b"content-type", b"application/json; charset=utf-8")]


@dataclass
class LoadedSupergraph:
    """Everything a request needs for one supergraph, and how many requests use it."""

    pipeline: GraphQLPipeline
    schema_hash: str
    subgraph_urls: dict[str, str]
    in_flight: int = 0
    retired: bool = False


class GatewayApp:
    """The router behind one ASGI callable."""

    def __init__(
        self, supergraph_sdl: str, settings: GatewaySettings, hooks: EdgeHooks | None = None
    ) -> None:
        self.settings = settings
        self._hooks = hooks
        self._loaded = self._assemble(supergraph_sdl, hooks)
        self.graphiql = GraphiQL()
        self._subgraph_check = SubgraphCheck(settings.ready_timeout_s, settings.ready_cache_s)
        self._reloader: Reloader | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def pipeline(self) -> GraphQLPipeline:
        """The pipeline new requests run on."""
        return self._loaded.pipeline

    @property
    def schema_hash(self) -> str:
        """Short hash of the supergraph SDL being served (logs and /ready name it)."""
        return self._loaded.schema_hash

    def build(self, supergraph_sdl: str) -> LoadedSupergraph:
        """Load a supergraph and build its pipeline; raises if it cannot be served.

        Pure construction (no I/O, no event loop), so a reload runs it in a thread.
        """
        hooks = None
        if self._hooks is not None:
            # The edge's directives and costs come from the supergraph; its limits do not.
            hooks = EdgeHooks.for_supergraph(supergraph_sdl, self._hooks.limits)
        return self._assemble(supergraph_sdl, hooks)

    def _assemble(self, supergraph_sdl: str, hooks: EdgeHooks | None) -> LoadedSupergraph:
        model = load_supergraph(supergraph_sdl)
        pipeline = GraphQLPipeline(model, self.settings, hooks)
        urls = {
            name: self.settings.subgraph_urls.get(name, graph.url)
            for name, graph in model.graphs.items()
        }
        return LoadedSupergraph(pipeline, supergraph_hash(supergraph_sdl), urls)

    def swap(self, built: LoadedSupergraph) -> None:
        """Serve `built` to new requests; the old one closes once its requests finish."""
        old, self._loaded = self._loaded, built
        old.retired = True
        if old.in_flight == 0:
            self._close_later(old)

    def watch(self, reloader: Reloader) -> None:
        """Reload through `reloader` while serving (started and stopped with the lifespan)."""
        self._reloader = reloader

    def _close_later(self, loaded: LoadedSupergraph) -> None:
        task = asyncio.get_running_loop().create_task(loaded.pipeline.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._reloader is not None:
                    self._reloader.start(self)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._reloader is not None:
                    await self._reloader.stop()
                await self.pipeline.close()
                if self._closing:
                    await asyncio.gather(*self._closing, return_exceptions=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/graphql" or path == "/graphql/":
            if method == "GET" and self._wants_graphiql(scope):
                await _send(send, 200, self.graphiql.page(), [(b"content-type", b"text/html")])
                return
            # The request keeps this supergraph to its end, whatever a reload does meanwhile.
            loaded = self._loaded
            loaded.in_flight += 1
            try:
                if method == "POST":
                    response = await self._post(loaded.pipeline, scope, receive)
                elif method == "GET":
                    response = await self._get(loaded.pipeline, scope)
                else:
                    response = request_error(
                        405, "GraphQL only supports GET and POST requests.", "BAD_REQUEST"
                    )
            finally:
                loaded.in_flight -= 1
                if loaded.retired and loaded.in_flight == 0:
                    self._close_later(loaded)
            await _send(send, response.status, orjson.dumps(response.body), _JSON)
        elif path == "/health" and method in ("GET", "HEAD"):
            await _send(send, 200, b'{"status":"ok"}', _JSON)
        elif path == "/ready" and method in ("GET", "HEAD"):
            status, readiness = await self._readiness()
            await _send(send, status, orjson.dumps(readiness), _JSON)
        elif path.startswith(GraphiQL.ASSET_PREFIX) and method == "GET" and self.settings.graphiql:
            asset = self.graphiql.asset(path)
            if asset is None:
                await _send(send, 404, b"not found", [(b"content-type", b"text/plain")])
            else:
                body, content_type = asset
                await _send(send, 200, body, [(b"content-type", content_type.encode())])
        else:
            await _send(send, 404, b'{"error":"not found"}', _JSON)

    async def _readiness(self) -> tuple[int, dict[str, Any]]:
        """200 when a supergraph is loaded and every subgraph answers, else 503 naming them."""
        loaded = self._loaded
        problems = await self._subgraph_check.problems(loaded.subgraph_urls)
        body: dict[str, Any] = {
            "status": "unavailable" if problems else "ready",
            "schema": loaded.schema_hash,
            "subgraphs": {name: problems.get(name, "ok") for name in loaded.subgraph_urls},
        }
        if problems:
            body["unreachable"] = sorted(problems)
            return 503, body
        return 200, body

    def _wants_graphiql(self, scope: Scope) -> bool:
        if not self.settings.graphiql:
            return False
        accept = header(scope, b"accept") or b""
        return b"text/html" in accept and b"query=" not in scope.get("query_string", b"")

    async def _post(
        self, pipeline: GraphQLPipeline, scope: Scope, receive: Receive
    ) -> GraphQLResponse:
        body = await read_body(receive)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return request_error(400, "POST body sent invalid JSON.", "BAD_REQUEST")
        if not isinstance(payload, dict):
            return request_error(
                400, "POST body must be a JSON object (batching is not supported).", "BAD_REQUEST"
            )
        request = _request(
            payload.get("query"), payload.get("operationName"), payload.get("variables")
        )
        if isinstance(request, GraphQLResponse):
            return request
        return await pipeline.run(request, self._forwarded_headers(scope))

    async def _get(self, pipeline: GraphQLPipeline, scope: Scope) -> GraphQLResponse:
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))

        def one(name: str) -> str | None:
            values = params.get(name)
            return values[0] if values else None

        variables: Any = one("variables")
        if variables is not None:
            try:
                variables = orjson.loads(variables)
            except orjson.JSONDecodeError:
                return request_error(400, "`variables` is not valid JSON.", "BAD_REQUEST")
        request = _request(one("query"), one("operationName"), variables)
        if isinstance(request, GraphQLResponse):
            return request
        return await pipeline.run(request, self._forwarded_headers(scope), allow_mutations=False)

    def _forwarded_headers(self, scope: Scope) -> dict[str, str]:
        wanted = self.settings.propagate_headers
        forwarded: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            text = name.decode("latin-1")
            if text in wanted:
                forwarded[text] = value.decode("latin-1")
        return forwarded


def _request(query: Any, operation_name: Any, variables: Any) -> GraphQLRequest | GraphQLResponse:
    if operation_name is not None and not isinstance(operation_name, str):
        return request_error(400, "`operationName` must be a string.", "BAD_REQUEST")
    if variables is not None and not isinstance(variables, dict):
        return request_error(400, "`variables` must be an object.", "BAD_REQUEST")
    if query is not None and not isinstance(query, str):
        return request_error(400, "`query` must be a string.", "BAD_REQUEST")
    return GraphQLRequest(query=query, operation_name=operation_name, variables=variables)


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_gateway_app(
    supergraph_sdl: str, settings: GatewaySettings | None = None, hooks: EdgeHooks | None = None
) -> GatewayApp:
    """The router as an ASGI app, for `serve`, the shop's launcher and the REST layer.

    `hooks` are the edge's checks (see `supergraph.edge.gateway` for the whole edge).
    """
    return GatewayApp(supergraph_sdl, settings or GatewaySettings(), hooks)
