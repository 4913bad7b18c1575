"""ASGI middleware that refuses request bodies over a size, before reading them whole.

A declared `content-length` over the limit is refused at once; a body sent in
chunks is counted as it arrives and refused as soon as it passes the limit, so a
5 MB upload costs the gateway at most the limit in memory.
"""

from __future__ import annotations

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send, header, send_graphql_error


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        await send_graphql_error(
            send,
            413,
            f"The request body is larger than {self.max_bytes} bytes.",
            "PAYLOAD_TOO_LARGE",
            headers=[(b"connection", b"close")],
        )
