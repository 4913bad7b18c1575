"""`/ready`: the supergraph is loaded and every subgraph answers; `/health` is liveness only."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from gateway_processes import ReloadSubgraphs

from supergraph.server.app import create_gateway_app
from supergraph.server.reload import supergraph_hash
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client
from tests.support.processes import free_port


def test_ready_when_every_subgraph_answers(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    sdl = reload_subgraphs.supergraph(with_extra=False)
    (tmp_path / "supergraph.graphql").write_text(sdl)
    gateway = start_gateway(["--supergraph", str(tmp_path / "supergraph.graphql")])

    response = gateway.ready()

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "schema": supergraph_hash(sdl),
        "subgraphs": {"inventory": "ok", "reviews": "ok"},
    }


def test_not_ready_names_the_unreachable_subgraph_and_stays_alive(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    sdl = reload_subgraphs.supergraph(with_extra=False)
    (tmp_path / "supergraph.graphql").write_text(sdl)
    nobody_listens = f"http://127.0.0.1:{free_port()}/graphql"
    gateway = start_gateway(
        [
            "--supergraph", str(tmp_path / "supergraph.graphql"),
            "--subgraph-url", f"reviews={nobody_listens}",
        ]
    )  # fmt: skip

    response = gateway.ready()

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "schema": supergraph_hash(sdl),
        "subgraphs": {"inventory": "ok", "reviews": "ConnectError"},
        "unreachable": ["reviews"],
    }
    assert nobody_listens not in response.text  # /ready is public: no internal addresses
    assert httpx.get(f"{gateway.base_url}/health", timeout=60).status_code == 200
    assert gateway.query("{ greeting }").json() == {"data": {"greeting": "hello"}}


async def test_ready_reuses_a_recent_check_instead_of_asking_the_subgraphs_again(
    reload_subgraphs: ReloadSubgraphs,
) -> None:
    sdl = reload_subgraphs.supergraph(with_extra=False)
    app = create_gateway_app(sdl, GatewaySettings(ready_cache_s=600))
    async with app_client(app) as client:  # type: ignore[arg-type]
        before = reload_subgraphs.request_counts()
        answers = [await client.get("/ready") for _ in range(3)]
        answers += await asyncio.gather(*(client.get("/ready") for _ in range(5)))
        after = reload_subgraphs.request_counts()

    assert {response.status_code for response in answers} == {200}
    assert _asked(before, after) == {"inventory": 1, "reviews": 1}


async def test_ready_asks_the_subgraphs_again_once_its_check_is_old(
    reload_subgraphs: ReloadSubgraphs,
) -> None:
    sdl = reload_subgraphs.supergraph(with_extra=False)
    app = create_gateway_app(sdl, GatewaySettings(ready_cache_s=0))
    async with app_client(app) as client:  # type: ignore[arg-type]
        before = reload_subgraphs.request_counts()
        for _ in range(3):
            assert (await client.get("/ready")).status_code == 200
        after = reload_subgraphs.request_counts()

    assert _asked(before, after) == {"inventory": 3, "reviews": 3}


def _asked(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after.get(name, 0) - before.get(name, 0) for name in ("inventory", "reviews")}
