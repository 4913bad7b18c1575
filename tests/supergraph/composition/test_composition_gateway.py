"""@apollo/gateway runs on a supergraph composed by us and answers across subgraphs.

Three fixture subgraphs (users, products, orders) are served by @apollo/subgraph;
the same running subgraphs also feed `subgraph_url` sources through `_service`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from composition_fixtures import FIXTURES_DIR, ORACLES_DIR

from supergraph.composition import SubgraphSource, compose
from supergraph.config import load_config, read_sdl
from tests.support.processes import ManagedProcess, free_port, start_process

pytestmark = [pytest.mark.oracle, pytest.mark.e2e]

GATEWAY_FIXTURES = FIXTURES_DIR / "gateway"
NAMES = ("users", "products", "orders")

SPANNING_QUERY = """
{
  users {
    name
    orders { id items { name price } }
  }
}
"""


def _sdl(name: str) -> str:
    return (GATEWAY_FIXTURES / f"{name}.graphql").read_text()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    work = tmp_path_factory.mktemp("gateway")
    ports = {name: free_port() for name in NAMES}
    urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
    supergraph = compose([SubgraphSource(n, urls[n], _sdl(n)) for n in NAMES])
    gateway_port = free_port()
    config = work / "gateway.json"
    config.write_text(
        json.dumps(
            {
                "supergraph": supergraph,
                "gatewayPort": gateway_port,
                "subgraphs": {n: {"port": ports[n], "sdl": _sdl(n)} for n in NAMES},
            }
        )
    )
    process: ManagedProcess = start_process(
        "apollo-gateway",
        ["node", str(ORACLES_DIR / "compose-gateway.js"), str(config)],
        log_dir=work,
        cwd=ORACLES_DIR,
    )
    try:
        process.wait_for_log("READY", timeout=60)
        yield {
            "gateway": f"http://127.0.0.1:{gateway_port}/",
            "urls": urls,
            "supergraph": supergraph,
            "work": work,
        }
    finally:
        process.stop()


def test_apollo_gateway_answers_a_query_spanning_all_subgraphs_on_our_supergraph(
    deployment: dict[str, object],
) -> None:
    response = httpx.post(str(deployment["gateway"]), json={"query": SPANNING_QUERY}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == {
        "users": [
            {
                "name": "Ada",
                "orders": [
                    {
                        "id": "o1",
                        "items": [
                            {"name": "Laptop", "price": 1200},
                            {"name": "Mouse", "price": 25},
                        ],
                    }
                ],
            },
            {"name": "Linus", "orders": [{"id": "o2", "items": [{"name": "Mouse", "price": 25}]}]},
        ]
    }


def test_subgraph_url_sources_are_read_through_service_sdl(
    deployment: dict[str, object],
) -> None:
    urls = deployment["urls"]
    assert isinstance(urls, dict)
    work = deployment["work"]
    assert isinstance(work, Path)
    lines = ["federation_version: =2.7.0", "subgraphs:"]
    for name in NAMES:
        lines += [
            f"  {name}:",
            f"    routing_url: {urls[name]}",
            f"    schema: {{subgraph_url: '{urls[name]}'}}",
        ]
    path = work / "supergraph.yaml"
    path.write_text("\n".join(lines) + "\n")
    config = load_config(path)
    sources = [SubgraphSource(s.name, s.routing_url, read_sdl(s)) for s in config.subgraphs]
    assert "type Order" in sources[2].sdl
    assert compose(sources) == deployment["supergraph"]
