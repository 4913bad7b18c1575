"""Pooled keep-alive HTTP to subgraphs (aiohttp: the fastest client measured here)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp

_JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


class SubgraphHttpError(Exception):
    """The subgraph could not be reached or answered with something that is not JSON."""


class SubgraphClient:
    """One subgraph's connection pool; created lazily inside the running event loop."""

    def __init__(self, name: str, url: str, timeout_s: float, max_connections: int = 100) -> None:
        self.name = name
        self.url = url
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

    async def post(self, body: bytes, headers: Mapping[str, str] | None = None) -> bytes:
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
        if self._session is not None:
            await self._session.close()
            self._session = None
