"""A minimal pooled keep-alive HTTP/1.1 client for plain-HTTP subgraphs.

Measured on the benchmark subgraphs, aiohttp spends about 0.08 CPU-ms per
request, this client about 0.012 (an asyncio protocol with httptools parsing the
response): with seven subgraph requests per client request the difference is a
quarter of the router's whole budget. It only speaks what subgraph calls need:
POST with a JSON body, keep-alive, Content-Length or chunked responses. HTTPS
subgraphs go through aiohttp (see transport.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

import httptools


class Http1Error(Exception):
    """The connection failed or closed before a whole response arrived."""


class _Connection(asyncio.Protocol):
    def __init__(self, pool: Http1Pool) -> None:
        self._pool = pool
        self._parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._chunks: list[bytes] = []
        self.closed = False
        self.received = False  # any byte of the current response arrived

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(Http1Error(f"invalid HTTP response: {error}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(Http1Error("the subgraph closed the connection"))

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._chunks = []

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        status = self._parser.get_status_code()
        keep_alive = self._parser.should_keep_alive()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((status, b"".join(self._chunks)))
        self._chunks = []
        if keep_alive and not self.closed:
            self._pool.release(self)
        else:
            self.close()

    def _fail(self, error: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Http1Pool:
    """Keep-alive connections to one `http://` URL, reused most-recent first."""

    def __init__(self, url: str, timeout_s: float, max_idle: int = 100) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise ValueError(f"Http1Pool speaks plain http only, not {url}")
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = parts.netloc
        self._head = (
            f"POST {target} HTTP/1.1\r\nHost: {host_header}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
        ).encode("latin-1")
        self._timeout = timeout_s
        self._max_idle = max_idle
        self._idle: list[_Connection] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def release(self, connection: _Connection) -> None:
        if len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            connection.close()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(
            lambda: _Connection(self), self._host, self._port
        )
        return protocol

    async def post(
        self, body: bytes, headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = self._request(body, headers)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Connections belong to the loop that opened them (tests may run several).
            self._idle, self._loop = [], loop
        deadline = loop.time() + self._timeout
        while True:
            reused = bool(self._idle)
            connection = self._idle.pop() if reused else await self._connect()
            if connection.closed:
                continue
            try:
                return await self._exchange(connection, request, deadline)
            except Http1Error:
                # A kept-alive connection the subgraph closed meanwhile fails before
                # any response byte: try again on another connection.
                if not reused or connection.received:
                    raise

    async def _exchange(
        self, connection: _Connection, request: bytes, deadline: float
    ) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        connection.waiter = waiter
        connection.received = False
        assert connection.transport is not None
        connection.transport.write(request)
        timer = loop.call_at(deadline, _expire, waiter, connection)
        try:
            result = await waiter
        finally:
            timer.cancel()
        return result

    def _request(self, body: bytes, headers: Mapping[str, str] | None) -> bytes:
        extra = b""
        if headers:
            extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("latin-1")
        return b"%s%sContent-Length: %d\r\n\r\n%s" % (self._head, extra, len(body), body)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        if self._loop is None or self._loop.is_closed():
            return
        for connection in idle:
            connection.close()


def _expire(waiter: asyncio.Future[tuple[int, bytes]], connection: _Connection) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())
        connection.close()
