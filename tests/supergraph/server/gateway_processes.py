"""Talking to the reload fixture subgraphs and to gateway processes, for the server tests."""

from __future__ import annotations

import contextlib
import json
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from reload_subgraphs import inventory_sdl, reviews_sdl

from supergraph.composition.compose import SubgraphSource, compose
from tests.support.processes import ManagedProcess


@dataclass(frozen=True)
class ReloadSubgraphs:
    base_url: str
    ca_file: Path | None = None  # the self-signed certificate when served over HTTPS

    def _verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else True

    def _get(self, path: str) -> Any:
        response = httpx.get(f"{self.base_url}{path}", timeout=10, verify=self._verify())
        response.raise_for_status()
        return response.json()

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}/graphql"

    def supergraph(self, *, with_extra: bool) -> str:
        """The two subgraphs composed; `with_extra` publishes inventory's later field."""
        return compose(
            [
                SubgraphSource(
                    "inventory", self.url("inventory"), inventory_sdl(with_extra=with_extra)
                ),
                SubgraphSource("reviews", self.url("reviews"), reviews_sdl()),
            ]
        )

    def held_requests(self) -> int:
        waiting: int = self._get("/_held")["waiting"]
        return waiting

    def release_held(self) -> None:
        response = httpx.post(f"{self.base_url}/_release", timeout=10, verify=self._verify())
        response.raise_for_status()

    def request_counts(self) -> dict[str, int]:
        counts: dict[str, int] = self._get("/_requests")
        return counts

    def wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._get("/health")
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@dataclass
class Gateway:
    """A `python -m supergraph serve` process and how to talk to it."""

    process: ManagedProcess
    base_url: str

    def query(self, query: str) -> httpx.Response:
        # A new connection each time: with several workers, any of them may answer.
        return httpx.post(f"{self.base_url}/graphql", json={"query": query}, timeout=60)

    def ready(self) -> httpx.Response:
        return httpx.get(f"{self.base_url}/ready", timeout=60)

    def events(self, name: str) -> list[dict[str, Any]]:
        """The JSON event lines named `name` the gateway has logged so far."""
        found = []
        for line in self.process.log().splitlines():
            if not line.startswith("{"):
                continue
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                if isinstance(event, dict) and event.get("event") == name:
                    found.append(event)
        return found

    def wait_for_events(
        self, name: str, count: int = 1, *, timeout: float = 90.0
    ) -> list[dict[str, Any]]:
        """Wait until `count` events named `name` were logged; returns all of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events(name)
            if len(events) >= count:
                return events
            if self.process.popen.poll() is not None:
                raise self.process.failure(f"exited before logging {count} {name!r} event(s)")
            time.sleep(0.1)
        raise self.process.failure(f"did not log {count} {name!r} event(s) in {timeout:.0f}s")
