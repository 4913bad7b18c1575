"""The gateway reloads its supergraph while serving: file changes, SIGHUP, several workers.

Every test runs `python -m supergraph serve` as a real process over the fixture
subgraphs. The first supergraph leaves out inventory's `extra` field, which the
subgraph already serves; a reload to the second one makes it queryable.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from gateway_processes import Gateway, ReloadSubgraphs
from reload_subgraphs import inventory_sdl, reviews_sdl

from supergraph.edge.gateway import create_edge_gateway
from supergraph.edge.settings import EdgeSettings, LimitSettings
from supergraph.server.reload import supergraph_hash
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client

EXTRA = "{ extra }"
FAST_POLL = ["--reload-interval", "0.2"]
SIGHUP_ONLY = ["--reload-interval", "0"]


def _answers_extra(gateway: Gateway) -> bool:
    response = gateway.query(EXTRA)
    if response.status_code == 200 and response.json() == {"data": {"extra": "published later"}}:
        return True
    # Before the reload the field does not exist in the served schema.
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    return False


def _write(path: Path, text: str) -> None:
    # Write then rename, as deployment tools publish files, so a poll never sees half a file.
    scratch = path.with_suffix(".tmp")
    scratch.write_text(text)
    scratch.replace(path)


def test_a_new_supergraph_file_is_picked_up_without_restart(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    old, new = (
        reload_subgraphs.supergraph(with_extra=False),
        reload_subgraphs.supergraph(with_extra=True),
    )
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(old)
    gateway = start_gateway(["--supergraph", str(supergraph), *FAST_POLL])
    assert not _answers_extra(gateway)
    assert gateway.ready().json()["schema"] == supergraph_hash(old)

    _write(supergraph, new)
    reloaded = gateway.wait_for_events("supergraph_reloaded")[0]

    assert reloaded["schema"] == supergraph_hash(new)
    assert reloaded["previous_schema"] == supergraph_hash(old)
    assert reloaded["trigger"] == "file changed"
    assert _answers_extra(gateway)
    assert gateway.ready().json()["schema"] == supergraph_hash(new)


def test_a_broken_supergraph_is_refused_and_the_old_one_keeps_serving(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    old = reload_subgraphs.supergraph(with_extra=False)
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(old)
    gateway = start_gateway(["--supergraph", str(supergraph), *FAST_POLL])

    _write(supergraph, "type Query {")  # cut off: not even GraphQL
    syntax = gateway.wait_for_events("supergraph_reload_refused")[-1]
    assert "Syntax Error" in syntax["reason"]
    assert syntax["schema"] == supergraph_hash(old)
    _write(supergraph, "type Query { hello: String }")  # GraphQL, but not a supergraph
    not_supergraph = gateway.wait_for_events("supergraph_reload_refused", 2)[-1]
    assert "not a supergraph" in not_supergraph["reason"]

    response = gateway.query("{ greeting reviewCount }")
    assert response.json() == {"data": {"greeting": "hello", "reviewCount": 3}}
    assert gateway.ready().json()["schema"] == supergraph_hash(old)
    assert not gateway.events("supergraph_reloaded")

    # The next good file is picked up.
    new = reload_subgraphs.supergraph(with_extra=True)
    _write(supergraph, new)
    assert gateway.wait_for_events("supergraph_reloaded")[0]["schema"] == supergraph_hash(new)
    assert _answers_extra(gateway)


def test_sighup_reloads_the_supergraph(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(reload_subgraphs.supergraph(with_extra=False))
    gateway = start_gateway(["--supergraph", str(supergraph), *SIGHUP_ONLY])
    assert gateway.wait_for_events("supergraph_serving")[0]["poll_interval_s"] == 0

    _write(supergraph, reload_subgraphs.supergraph(with_extra=True))
    assert not _answers_extra(gateway)  # nothing polls: only the signal reloads
    gateway.process.signal(signal.SIGHUP)

    assert gateway.wait_for_events("supergraph_reloaded")[0]["trigger"] == "SIGHUP"
    assert _answers_extra(gateway)


# The router reaches http:// subgraphs through its own HTTP/1 pool and https:// ones
# through aiohttp, whose session closes connections still in use when it is closed.
@pytest.mark.parametrize("subgraphs", ["reload_subgraphs", "tls_reload_subgraphs"])
def test_a_request_in_flight_during_a_reload_completes_on_the_old_supergraph(
    subgraphs: str, request: pytest.FixtureRequest, start_gateway: Any, tmp_path: Path
) -> None:
    reload_subgraphs: ReloadSubgraphs = request.getfixturevalue(subgraphs)
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(reload_subgraphs.supergraph(with_extra=False))
    ca = reload_subgraphs.ca_file
    gateway = start_gateway(
        ["--supergraph", str(supergraph), *SIGHUP_ONLY],
        env={"SSL_CERT_FILE": str(ca)} if ca else None,
    )
    gateway.wait_for_events("supergraph_serving")
    answers: list[httpx.Response] = []
    in_flight = threading.Thread(target=lambda: answers.append(gateway.query("{ held greeting }")))
    in_flight.start()
    try:
        _wait_until(lambda: reload_subgraphs.held_requests() == 1, "the held request to arrive")

        _write(supergraph, reload_subgraphs.supergraph(with_extra=True))
        gateway.process.signal(signal.SIGHUP)
        gateway.wait_for_events("supergraph_reloaded")
        assert _answers_extra(gateway)  # new requests see the new supergraph meanwhile
        assert in_flight.is_alive()
    finally:
        reload_subgraphs.release_held()
        in_flight.join(timeout=60)

    assert len(answers) == 1
    assert answers[0].status_code == 200
    assert answers[0].json() == {"data": {"held": "released", "greeting": "hello"}}


def test_each_worker_reloads_when_the_parent_gets_sighup(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(reload_subgraphs.supergraph(with_extra=False))
    gateway = start_gateway(["--supergraph", str(supergraph), "--workers", "2", *SIGHUP_ONLY])
    workers = {event["pid"] for event in gateway.wait_for_events("supergraph_serving", 2)}
    assert len(workers) == 2
    assert gateway.process.pid not in workers

    new = reload_subgraphs.supergraph(with_extra=True)
    _write(supergraph, new)
    gateway.process.signal(signal.SIGHUP)

    reloaded = gateway.wait_for_events("supergraph_reloaded", 2)
    assert {event["pid"] for event in reloaded} == workers
    assert {event["schema"] for event in reloaded} == {supergraph_hash(new)}
    assert all(_answers_extra(gateway) for _ in range(10))


def test_serving_from_supergraph_yaml_recomposes_when_a_schema_file_changes(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    (tmp_path / "inventory.graphql").write_text(inventory_sdl(with_extra=False))
    (tmp_path / "reviews.graphql").write_text(reviews_sdl())
    config = {
        "federation_version": "=2.7.0",
        "subgraphs": {
            name: {"routing_url": reload_subgraphs.url(name), "schema": {"file": f"{name}.graphql"}}
            for name in ("inventory", "reviews")
        },
    }
    (tmp_path / "supergraph.yaml").write_text(yaml.safe_dump(config))
    gateway = start_gateway(["--config", str(tmp_path / "supergraph.yaml"), *FAST_POLL])
    assert not _answers_extra(gateway)

    # A subgraph schema that does not compose (a field of an unknown type) is refused.
    _write(tmp_path / "inventory.graphql", "type Query { greeting: Mystery }")
    refused = gateway.wait_for_events("supergraph_reload_refused")[0]
    assert "Mystery" in refused["reason"]
    assert gateway.query("{ greeting }").json() == {"data": {"greeting": "hello"}}

    _write(tmp_path / "inventory.graphql", inventory_sdl(with_extra=True))
    gateway.wait_for_events("supergraph_reloaded")
    assert _answers_extra(gateway)


def _wait_until(condition: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_replaced_while_the_file_is_broken_starts_on_the_last_good_supergraph(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    old = reload_subgraphs.supergraph(with_extra=False)
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(old)
    gateway = start_gateway(["--supergraph", str(supergraph), "--workers", "2", *FAST_POLL])
    first, second = {event["pid"] for event in gateway.wait_for_events("supergraph_serving", 2)}
    _write(supergraph, "type Query {")
    gateway.wait_for_events("supergraph_reload_refused", 2)

    os.kill(first, signal.SIGKILL)  # uvicorn starts a replacement, which reads the broken file

    refused = gateway.wait_for_events("supergraph_refused_at_start")[0]
    assert "Syntax Error" in refused["reason"]
    replacement = gateway.wait_for_events("supergraph_serving", 3)[-1]
    assert replacement["pid"] not in (first, second)
    assert replacement["schema"] == supergraph_hash(old)
    assert gateway.process.popen.poll() is None
    assert gateway.query("{ greeting }").json() == {"data": {"greeting": "hello"}}

    new = reload_subgraphs.supergraph(with_extra=True)
    _write(supergraph, new)
    reloaded = gateway.wait_for_events("supergraph_reloaded", 2)
    assert {event["pid"] for event in reloaded} == {second, replacement["pid"]}
    assert all(_answers_extra(gateway) for _ in range(10))


async def test_a_reloaded_supergraph_keeps_the_edge_limits(
    reload_subgraphs: ReloadSubgraphs,
) -> None:
    edge = EdgeSettings(limits=LimitSettings(max_aliases=1))
    gateway = create_edge_gateway(
        reload_subgraphs.supergraph(with_extra=False), GatewaySettings(), edge
    )
    async with app_client(gateway.app) as client:  # type: ignore[arg-type]
        gateway.router.swap(gateway.router.build(reload_subgraphs.supergraph(with_extra=True)))

        served = await client.post("/graphql", json={"query": "{ extra }"})
        refused = await client.post("/graphql", json={"query": "{ a: extra b: extra }"})

    assert served.json() == {"data": {"extra": "published later"}}
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
