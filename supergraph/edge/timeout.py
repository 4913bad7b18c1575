"""ASGI middleware that bounds how long a request may take.

A request still running after the timeout is cancelled (with it the subgraph
fetches it waits on) and answered HTTP 504 with one GraphQL error,
`REQUEST_TIMEOUT`: the GraphQL-over-HTTP spec leaves gateway failures to HTTP,
and 504 is what a proxy in front of us would say for the same thing. A response
that has started streaming is not cut short.
"""

from __future__ import annotations

import asyncio

from supergraph.edge.asgi import ASGIApp, Message, Receive, Scope, Send, send_graphql_error


class RequestTimeout:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        started = False
        window: asyncio.Timeout | None = None

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if window is not None:
                    window.reschedule(None)  # the answer is under way: let it finish
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as window:
                await self.app(scope, receive, tracked_send)
        except TimeoutError:
            if started or window is None or not window.expired():
                raise  # not ours to answer (a TimeoutError from inside is a plain error)
            await send_graphql_error(
                send,
                504,
                f"The request took longer than {self.seconds:g} s and was stopped.",
                "REQUEST_TIMEOUT",
            )
