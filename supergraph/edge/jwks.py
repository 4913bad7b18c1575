"""The signing keys of a JWKS URL, cached and refetched when an unknown `kid` appears."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import jwt

logger = logging.getLogger("supergraph.edge.jwks")


class KeysUnavailable(Exception):
    """The JWKS could not be fetched and no cached key fits."""


class JwksCache:
    """Keys by `kid`, refreshed after `max_age_s` or on an unknown `kid` (spaced out).

    The spacing stops a caller who sends random `kid`s from turning every request
    into a fetch of the identity provider.
    """

    def __init__(
        self, url: str, *, max_age_s: float, min_refresh_s: float, timeout_s: float
    ) -> None:
        self.url = url
        self.max_age_s = max_age_s
        self.min_refresh_s = min_refresh_s
        self.timeout_s = timeout_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        """The key for `kid` (the only key when the token names none), or None."""
        now = time.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at > self.max_age_s
        found = self._lookup(kid)
        if found is not None and not stale:
            return found
        async with self._lock:
            found = self._lookup(kid)
            stale = self._fetched_at is None or time.monotonic() - self._fetched_at > self.max_age_s
            if found is not None and not stale:
                return found
            recently = (
                self._attempted_at is not None
                and time.monotonic() - self._attempted_at < self.min_refresh_s
            )
            if not recently:
                await self._refresh()
            return self._lookup(kid)

    def _lookup(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        self.fetches += 1
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.get(self.url)
                response.raise_for_status()
                document: Any = response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("cannot fetch the JWKS at %s: %s", self.url, type(error).__name__)
            if not self._keys:
                raise KeysUnavailable(f"the signing keys at {self.url} are unavailable") from error
            return
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(entry)
            except (jwt.PyJWKError, jwt.InvalidKeyError):
                continue
            keys[str(entry.get("kid", ""))] = key
        self._keys = keys
        self._fetched_at = time.monotonic()
