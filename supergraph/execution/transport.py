"""Pooled keep-alive HTTP to subgraphs.

Plain-HTTP subgraphs use the minimal HTTP/1.1 client in http1.py (about 7 times
cheaper per request than aiohttp, measured on the benchmark subgraphs); HTTPS
subgraphs use aiohttp, the faster of the general clients measured (httpx costs
more CPU per request).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import aiohttp
from opentelemetry.trace import SpanKind, StatusCode

from supergraph.execution.http1 import Http1Error, Http1Pool
from supergraph.observability.recording import current_request
from supergraph.observability.tracing import traceparent_of

_JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


class SubgraphHttpError(Exception):
    """The subgraph could not be reached or answered with something that is not JSON."""


class SubgraphClient:
    """One subgraph's connection pool; created lazily inside the running event loop."""

    def __init__(
        self,
        name: str,
        url: str,
        timeout_s: float,
        max_connections: int = 100,
        *,
        dedupe_in_flight: bool = False,
    ) -> None:
        self.name = name
        self.url = url
        self._dedupe = dedupe_in_flight
        self._in_flight: dict[tuple[bytes, tuple[tuple[str, str], ...]], asyncio.Future[bytes]] = {}
        self._http1 = (
            Http1Pool(url, timeout_s, max_connections) if url.startswith("http://") else None
        )
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections, keepalive_timeout=60, ttl_dns_cache=300
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            skip_auto_headers=("User-Agent",),
            json_serialize=None,  # type: ignore[arg-type]
        )
        return self._session

    async def post(
        self, body: bytes, headers: Mapping[str, str] | None = None, *, shareable: bool = False
    ) -> bytes:
        """POST one request; identical shareable (query) requests already in flight are
        joined instead of sent again when in-flight deduplication is on.

        Within an observed request (see supergraph.observability) the fetch is timed
        and counted, and, while tracing, runs in a client span that the subgraph
        gets as its parent in `traceparent`.
        """
        record = current_request.get()
        if record is None:
            return await self._send(body, headers, shareable)
        started = time.perf_counter()
        try:
            if record.tracer is None:
                return await self._send(body, headers, shareable)
            with record.tracer.start_as_current_span(
                f"fetch {self.name}", kind=SpanKind.CLIENT, record_exception=False
            ) as span:
                span.set_attribute("supergraph.subgraph", self.name)
                traced = {**headers} if headers else {}
                traced["traceparent"] = traceparent_of(span)
                try:
                    return await self._send(body, traced, shareable)
                except SubgraphHttpError as error:
                    span.set_status(StatusCode.ERROR, str(error))
                    raise
        except SubgraphHttpError:
            record.metrics.fetch_failed(self.name, "http")
            raise
        finally:
            record.metrics.fetch_done(self.name, time.perf_counter() - started)

    async def _send(self, body: bytes, headers: Mapping[str, str] | None, shareable: bool) -> bytes:
        if not (self._dedupe and shareable):
            return await self._post(body, headers)
        # The trace context differs per request; a joined fetch keeps the first one's.
        key = (
            body,
            tuple(sorted(kv for kv in headers.items() if kv[0] != "traceparent"))
            if headers
            else (),
        )
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self._post(body, headers))
            self._in_flight[key] = shared
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
        return await asyncio.shield(shared)

    async def _post(self, body: bytes, headers: Mapping[str, str] | None) -> bytes:
        if self._http1 is not None:
            try:
                status, payload = await self._http1.post(body, headers)
            except TimeoutError as error:
                raise SubgraphHttpError("the request timed out") from error
            except (Http1Error, OSError) as error:
                raise SubgraphHttpError(str(error) or type(error).__name__) from error
            if status >= 400 and not payload.startswith(b"{"):
                raise SubgraphHttpError(f"HTTP status {status}")
            return payload
        session = self._session or self._open()
        request_headers = {**_JSON_HEADERS, **headers} if headers else _JSON_HEADERS
        try:
            async with session.post(self.url, data=body, headers=request_headers) as response:
                payload = await response.read()
                if response.status >= 400 and not payload.startswith(b"{"):
                    raise SubgraphHttpError(f"{response.status}: {response.reason}")
                return payload
        except TimeoutError as error:
            raise SubgraphHttpError("the request timed out") from error
        except aiohttp.ClientError as error:
            raise SubgraphHttpError(str(error) or type(error).__name__) from error

    async def close(self) -> None:
        if self._http1 is not None:
            await self._http1.close()
        if self._session is not None:
            await self._session.close()
            self._session = None
