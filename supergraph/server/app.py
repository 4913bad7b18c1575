"""The gateway's ASGI application: `/graphql` (POST, GET, GraphiQL) and `/health`.

Raw ASGI rather than a framework: the endpoint is on every request's path and a
framework's routing and request objects cost more than the rest of the edge.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson

from supergraph.edge.hooks import EdgeHooks
from supergraph.model.loader import load_supergraph
from supergraph.server.graphiql import GraphiQL
from supergraph.server.pipeline import (
    GraphQLPipeline,
    GraphQLRequest,
    GraphQLResponse,
    request_error,
)
from supergraph.server.settings import GatewaySettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_JSON = [(b"content-type", b"application/json; charset=utf-8")]


class GatewayApp:
    """The router behind one ASGI callable."""

    def __init__(
        self, supergraph_sdl: str, settings: GatewaySettings, hooks: EdgeHooks | None = None
    ) -> None:
        self.settings = settings
        self.pipeline = GraphQLPipeline(load_supergraph(supergraph_sdl), settings, hooks)
        self.graphiql = GraphiQL()

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
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.pipeline.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/graphql" or path == "/graphql/":
            if method == "POST":
                response = await self._post(scope, receive)
            elif method == "GET":
                html = self._wants_graphiql(scope)
                if html:
                    await _send(send, 200, self.graphiql.page(), [(b"content-type", b"text/html")])
                    return
                response = await self._get(scope)
            else:
                response = request_error(
                    405, "GraphQL only supports GET and POST requests.", "BAD_REQUEST"
                )
            await _send(send, response.status, orjson.dumps(response.body), _JSON)
        elif path == "/health" and method in ("GET", "HEAD"):
            await _send(send, 200, b'{"status":"ok"}', _JSON)
        elif path.startswith(GraphiQL.ASSET_PREFIX) and method == "GET" and self.settings.graphiql:
            asset = self.graphiql.asset(path)
            if asset is None:
                await _send(send, 404, b"not found", [(b"content-type", b"text/plain")])
            else:
                body, content_type = asset
                await _send(send, 200, body, [(b"content-type", content_type.encode())])
        else:
            await _send(send, 404, b'{"error":"not found"}', _JSON)

    def _wants_graphiql(self, scope: Scope) -> bool:
        if not self.settings.graphiql:
            return False
        accept = _header(scope, b"accept")
        return b"text/html" in accept and b"query=" not in scope.get("query_string", b"")

    async def _post(self, scope: Scope, receive: Receive) -> GraphQLResponse:
        body = await _read_body(receive)
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
        return await self.pipeline.run(request, self._forwarded_headers(scope))

    async def _get(self, scope: Scope) -> GraphQLResponse:
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
        return await self.pipeline.run(
            request, self._forwarded_headers(scope), allow_mutations=False
        )

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


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            result: bytes = value
            return result
    return b""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


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
