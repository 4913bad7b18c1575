"""Whether every subgraph answers: the subgraph half of the gateway's `/ready`.

Each subgraph gets `{ __typename }`, the cheapest operation a GraphQL server
answers. Any HTTP answer below 500 counts as reachable (a 401 from a subgraph
that wants a token still shows it is up); no answer within the timeout, or a
5xx, does not. Orchestrators poll readiness every few seconds from every
replica, so a result is reused for `cache_s` and concurrent probes share one
check in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import httpx

_CHECK_BODY = b'{"query":"{ __typename }"}'
_CHECK_HEADERS = {"content-type": "application/json", "accept": "application/json"}

Problems = dict[str, str]  # subgraph name -> why it counts as unreachable
_Key = tuple[tuple[str, str], ...]


class SubgraphCheck:
    """Checks subgraph URLs, remembering the answer for a few seconds."""

    def __init__(self, timeout_s: float, cache_s: float) -> None:
        self.timeout_s = timeout_s
        self.cache_s = cache_s
        self._cached: tuple[_Key, float, Problems] | None = None
        self._pending: dict[_Key, asyncio.Future[Problems]] = {}

    async def problems(self, urls: Mapping[str, str]) -> Problems:
        """The unreachable subgraphs among `urls` ({name: url}); empty when all answer."""
        key = tuple(sorted(urls.items()))
        cached = self._cached
        if cached is not None and cached[0] == key and time.monotonic() - cached[1] < self.cache_s:
            return cached[2]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._check(dict(urls)))
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        # shield: one probe giving up (client gone) must not cancel the others' check
        problems = await asyncio.shield(pending)
        self._cached = (key, time.monotonic(), problems)
        return problems

    async def _check(self, urls: dict[str, str]) -> Problems:
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            answers = await asyncio.gather(*(_problem(client, url) for url in urls.values()))
        return {name: problem for name, problem in zip(urls, answers, strict=True) if problem}


async def _problem(client: httpx.AsyncClient, url: str) -> str | None:
    try:
        response = await client.post(url, content=_CHECK_BODY, headers=_CHECK_HEADERS)
    except httpx.TimeoutException:
        return "no answer in time"
    except httpx.HTTPError as error:
        # The error's class only: its text carries internal addresses, and /ready is public.
        return type(error).__name__
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    return None
