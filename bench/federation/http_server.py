"""A minimal HTTP/1.1 server (asyncio protocol + httptools) that routes POSTs by path.

The benchmark's subgraphs share two cores with the gateway being measured, so
they avoid a web framework's per-request cost: a request is parsed by
httptools and answered synchronously from the handler, with keep-alive and
pipelining supported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import cast

import httptools
import orjson

Handler = Callable[[bytes], tuple[int, bytes]]

STATS_PATH = "/_stats"

_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 405: b"Method Not Allowed"}


def _response(status: int, body: bytes, *, keep_alive: bool) -> bytes:
    head = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % (
        status,
        _REASONS.get(status, b"Error"),
        len(body),
    )
    connection = b"Connection: keep-alive\r\n\r\n" if keep_alive else b"Connection: close\r\n\r\n"
    return head + connection + body


class _Connection(asyncio.Protocol):
    def __init__(self, routes: Mapping[bytes, Handler], counts: dict[str, int]) -> None:
        self._routes = routes
        self._counts = counts
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self._send(_response(400, b'{"errors":[{"message":"bad HTTP"}]}', keep_alive=False))
            self._close()
        except httptools.HttpParserUpgrade:
            self._close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._url = b""
        self._body = []

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        keep_alive = self._parser.should_keep_alive()
        path = self._url.split(b"?", 1)[0].rstrip(b"/")
        handler = self._routes.get(path)
        method = self._parser.get_method()
        if path == STATS_PATH.encode() and method == b"GET":
            status, body = 200, orjson.dumps(self._counts)
        elif handler is None:
            status, body = 404, b'{"errors":[{"message":"no such subgraph"}]}'
        elif method != b"POST":
            status, body = 405, b'{"errors":[{"message":"POST only"}]}'
        else:
            self._counts[path.decode()] += 1
            status, body = handler(b"".join(self._body))
        self._send(_response(status, body, keep_alive=keep_alive))
        if not keep_alive:
            self._close()

    def _send(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()


async def serve(routes: Mapping[str, Handler], host: str, port: int) -> asyncio.Server:
    """Start serving `routes` (path -> handler) on host:port.

    `GET /_stats` answers the number of POSTs served per path since start, so
    a harness can tell how many subgraph requests a gateway made.
    """
    encoded = {path.rstrip("/").encode(): handler for path, handler in routes.items()}
    counts = {path.decode(): 0 for path in encoded}
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Connection(encoded, counts), host, port, backlog=1024)
