"""What the router sends subgraphs: propagated headers, pooled connections, timeouts.

The subgraph here is a small real HTTP server in the test's event loop that answers
from what it received, so the test sees exactly what crossed the wire.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from supergraph.server.app import create_gateway_app
from supergraph.server.settings import GatewaySettings
from tests.support.graphql import app_client

pytestmark = pytest.mark.asyncio(loop_scope="session")

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{ query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { ECHO @join__graph(name: "echo", url: "http://unused") }
type Query @join__type(graph: ECHO) {
  headers: String
  slow: String
  later: String
}
"""


@dataclass
class EchoSubgraph:
    """Answers `headers` with the request headers it got (as JSON text); `slow` after
    1 s, `later` after 0.2 s."""

    port: int = 0
    requests: list[dict[str, str]] = field(default_factory=list)
    connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")[1:]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines if line)
                }
                body = json.loads(await reader.readexactly(int(headers["content-length"])))
                self.requests.append(headers)
                if "slow" in body["query"]:
                    await asyncio.sleep(1.0)
                    data: dict[str, Any] = {"slow": "late"}
                elif "later" in body["query"]:
                    await asyncio.sleep(0.2)
                    data = {"later": "done"}
                else:
                    data = {"headers": json.dumps(headers, sort_keys=True)}
                payload = json.dumps({"data": data}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def echo() -> AsyncIterator[EchoSubgraph]:
    subgraph = EchoSubgraph()
    server = await asyncio.start_server(subgraph.handle, "127.0.0.1", 0)
    subgraph.port = server.sockets[0].getsockname()[1]
    async with server:
        yield subgraph


@pytest.fixture
async def router(echo: EchoSubgraph) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        subgraph_urls={"echo": f"http://127.0.0.1:{echo.port}/graphql"},
        subgraph_timeouts_s={"echo": 0.6},
    )
    async with app_client(create_gateway_app(SUPERGRAPH, settings)) as client:  # type: ignore[arg-type]
        yield client


async def test_authorization_request_id_and_traceparent_reach_the_subgraph(
    router: httpx.AsyncClient,
) -> None:
    sent = {
        "authorization": "Bearer abc.def",
        "x-request-id": "req-42",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "cookie": "session=secret",
    }
    response = await router.post("/graphql", json={"query": "{ headers }"}, headers=sent)
    seen = json.loads(response.json()["data"]["headers"])
    assert seen["authorization"] == "Bearer abc.def"
    assert seen["x-request-id"] == "req-42"
    assert seen["traceparent"] == sent["traceparent"]
    assert "cookie" not in seen  # only the configured headers are propagated


async def test_requests_reuse_one_pooled_connection(
    router: httpx.AsyncClient, echo: EchoSubgraph
) -> None:
    for _ in range(5):
        response = await router.post("/graphql", json={"query": "{ headers }"})
        assert response.status_code == 200
    assert len(echo.requests) == 5
    assert echo.connections == 1


async def test_slow_subgraph_times_out_into_a_null_and_an_error(router: httpx.AsyncClient) -> None:
    response = await router.post("/graphql", json={"query": "{ slow }"})
    body = response.json()
    assert body["data"] == {"slow": None}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "echo"}
    assert "timed out" in error["message"]


async def _ask_twice_at_once(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    responses = await asyncio.gather(
        client.post("/graphql", json={"query": "{ later }"}),
        client.post("/graphql", json={"query": "{ later }"}),
    )
    return [r.json() for r in responses]


async def test_identical_in_flight_queries_are_sent_once_when_deduplication_is_on(
    echo: EchoSubgraph,
) -> None:
    settings = GatewaySettings(
        subgraph_urls={"echo": f"http://127.0.0.1:{echo.port}/graphql"}, dedupe_in_flight=True
    )
    async with app_client(create_gateway_app(SUPERGRAPH, settings)) as client:  # type: ignore[arg-type]
        bodies = await _ask_twice_at_once(client)
    assert bodies == [{"data": {"later": "done"}}] * 2
    assert len(echo.requests) == 1


async def test_identical_in_flight_queries_are_each_sent_by_default(
    router: httpx.AsyncClient, echo: EchoSubgraph
) -> None:
    bodies = await _ask_twice_at_once(router)
    assert bodies == [{"data": {"later": "done"}}] * 2
    assert len(echo.requests) == 2
