"""Talking to the reload fixture subgraphs and to gateway processes, for the server tests."""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from reload_subgraphs import inventory_sdl, reviews_sdl

from supergraph.composition.compose import SubgraphSource, compose
from tests.support.processes import ManagedProcess


@dataclass(frozen=True)
class ReloadSubgraphs:
    base_url: str

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
        waiting: int = httpx.get(f"{self.base_url}/_held", timeout=10).json()["waiting"]
        return waiting

    def release_held(self) -> None:
        httpx.post(f"{self.base_url}/_release", timeout=10).raise_for_status()

    def request_counts(self) -> dict[str, int]:
        counts: dict[str, int] = httpx.get(f"{self.base_url}/_requests", timeout=10).json()
        return counts


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
