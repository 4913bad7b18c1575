"""A TCP proxy in front of a service that can cut one exchange at the worst moment.

It forwards HTTP/1.1 requests as they are. When armed with a trigger, the first
request containing it is forwarded and answered by the service, then the proxy
runs `on_cut` (e.g. stop the service) and closes the caller's connection without
an answer: the caller cannot know that the service did the work. When the
service is down, callers see connections closed, as they would without a proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message with a Content-Length body; None when the peer closed."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise ValueError("chunked messages are not proxied")
    body = await reader.readexactly(length) if length else b""
    return head + body


class CuttingProxy:
    def __init__(self, *, port: int, upstream_port: int) -> None:
        self.port = port
        self.upstream_port = upstream_port
        self.trigger: bytes | None = None
        self.on_cut: Callable[[], Awaitable[None]] | None = None
        self.cut = asyncio.Event()
        self._server: asyncio.Server | None = None

    def arm(self, trigger: bytes, on_cut: Callable[[], Awaitable[None]]) -> None:
        self.trigger, self.on_cut = trigger, on_cut
        self.cut.clear()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_writer: asyncio.StreamWriter | None = None
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port
            )
            while (request := await read_message(reader)) is not None:
                upstream_writer.write(request)
                await upstream_writer.drain()
                response = await read_message(upstream_reader)
                if response is None:
                    break
                if self.trigger is not None and self.trigger in request:
                    self.trigger = None
                    if self.on_cut is not None:
                        await self.on_cut()
                    self.cut.set()
                    break  # the answer is lost on the way back
                writer.write(response)
                await writer.drain()
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for stream in (writer, upstream_writer):
                if stream is not None:
                    stream.close()
