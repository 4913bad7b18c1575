"""Runs conformance operations through Apollo's gateway and through our router.

One Node process (tests/oracles/conformance-server.js) serves every fixture
subgraph and one @apollo/gateway per case. Our router runs in-process over the
same supergraph, its subgraph URLs switched from the `apollo` tag to the `ours`
tag, so the fixture server counts each router's subgraph fetches apart.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from conformance_cases import Case, Operation

ORACLES_DIR = Path(__file__).resolve().parents[3] / "tests" / "oracles"
APOLLO_TAG = "apollo"
OURS_TAG = "ours"


@dataclass(frozen=True)
class Answer:
    """A router's response to one operation, normalised for comparison."""

    status: int
    body: dict[str, Any]
    fetches: int

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def has_data_key(self) -> bool:
        return "data" in self.body

    @property
    def error_paths(self) -> list[str]:
        """Where errors point (messages differ between routers; places must not)."""
        errors = self.body.get("errors") or []
        return sorted(json.dumps(error.get("path")) for error in errors)


def ordered(value: Any, *, unordered_lists: bool = False) -> Any:
    """JSON value with object key order made significant (the spec fixes it).

    With `unordered_lists`, list order is not (lists are sorted by their JSON text).
    """
    if isinstance(value, dict):
        return [
            (key, ordered(item, unordered_lists=unordered_lists)) for key, item in value.items()
        ]
    if isinstance(value, list):
        items = [ordered(item, unordered_lists=unordered_lists) for item in value]
        return sorted(items, key=json.dumps) if unordered_lists else items
    return value


def null_paths(value: Any, path: str = "") -> list[str]:
    if value is None:
        return [path or "<root>"]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in null_paths(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in null_paths(item, f"{path}[{i}]")]
    return []


class ConformanceServer:
    """The running Node side: fixture subgraphs + Apollo gateways."""

    def __init__(self, process: subprocess.Popen[str], info: dict[str, Any]) -> None:
        self.process = process
        self.subgraphs_url: str = info["subgraphsUrl"]
        self.gateway_url: str = info["gatewayUrl"]
        self.composition: dict[str, dict[str, Any]] = info["composition"]

    def supergraph(self, case: str, tag: str) -> str:
        """The case's supergraph (composed by Apollo) routing to `tag`'s subgraphs."""
        sdl: str = self.composition[case]["supergraph"]
        return sdl.replace(
            f'url: "{self.subgraphs_url}/{APOLLO_TAG}/', f'url: "{self.subgraphs_url}/{tag}/'
        )

    def composition_errors(self, case: str) -> list[str]:
        entry = self.composition.get(case)
        if entry is None:
            return ["case was not composed"]
        return [] if entry["ok"] else list(entry["errors"])

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_conformance_server(cases: list[Case], workdir: Path) -> ConformanceServer:
    cases_path = workdir / "cases.json"
    out_path = workdir / "conformance-server.json"
    cases_path.write_text(json.dumps({case.name: case.for_node() for case in cases}))
    process = subprocess.Popen(
        ["node", str(ORACLES_DIR / "conformance-server.js"), str(cases_path), str(out_path)],
        cwd=ORACLES_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        process.wait()
        raise RuntimeError(f"conformance server did not start (said {line!r})")
    return ConformanceServer(process, json.loads(out_path.read_text()))


@asynccontextmanager
async def conformance_server(cases: list[Case]) -> AsyncIterator[ConformanceServer]:
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        server = await asyncio.to_thread(start_conformance_server, cases, Path(tmp))
        try:
            yield server
        finally:
            await asyncio.to_thread(server.stop)


class SubgraphBook:
    """The fixture subgraphs' bookkeeping: per-router fetch counts, request log, reset."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    async def reset(self, tag: str) -> None:
        response = await self.client.post(f"{self.base_url}/__reset/{tag}")
        response.raise_for_status()

    async def fetches(self, tag: str, case: str) -> int:
        response = await self.client.get(f"{self.base_url}/__counts/{tag}")
        response.raise_for_status()
        return sum(response.json().get(case, {}).values())

    async def log(self, tag: str) -> list[dict[str, Any]]:
        response = await self.client.get(f"{self.base_url}/__log/{tag}")
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result


async def ask(
    client: httpx.AsyncClient, url: str, subgraph_book: SubgraphBook, tag: str, op: Operation
) -> Answer:
    """Run `op` through the router at `url`, counting the subgraph fetches it makes."""
    await subgraph_book.reset(tag)
    response = await client.post(url, json=op.request_body())
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(
            f"{url} answered {response.status_code} with non-JSON {response.text[:300]!r}"
        ) from exc
    return Answer(response.status_code, body, await subgraph_book.fetches(tag, op.case))


def differences(
    expected: Answer | dict[str, Any],
    actual: Answer,
    *,
    unordered_lists: bool = False,
    ignore_error_paths: bool = False,
) -> list[str]:
    """What makes `actual` a different answer from `expected` (empty when equal)."""
    if isinstance(expected, dict):
        expected = Answer(200, expected, 0)
    problems = []
    if expected.has_data_key != actual.has_data_key:
        problems.append(
            f"'data' present: expected {expected.has_data_key}, got {actual.has_data_key}"
        )
    if ordered(expected.data, unordered_lists=unordered_lists) != ordered(
        actual.data, unordered_lists=unordered_lists
    ):
        problems.append(
            "data differs:\n  expected "
            + json.dumps(expected.data, sort_keys=False)
            + "\n  actual   "
            + json.dumps(actual.data, sort_keys=False)
        )
    if ignore_error_paths:
        if bool(expected.error_paths) != bool(actual.error_paths):
            problems.append(
                f"errors present: expected {bool(expected.error_paths)}, "
                f"got {bool(actual.error_paths)}"
            )
    elif expected.error_paths != actual.error_paths:
        problems.append(
            f"error paths differ: expected {expected.error_paths}, got {actual.error_paths}"
        )
    return problems
