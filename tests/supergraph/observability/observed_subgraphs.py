"""The benchmark subgraphs behind a proxy that records what the router sends them.

The proxy is how the tests see the headers each subgraph gets (request ids, trace
context) without changing the subgraphs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx

from supergraph.edge.settings import EdgeSettings
from tests.support.http_threads import serving
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPH = (ROOT / "bench/federation/benchmark/supergraph.graphql").read_text()
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")
TOP_PRODUCTS = (
    "query TopProducts { topProducts(first: 2) { upc name reviews { body author { name } } } }"
)


@dataclass
class HeaderRecorder:
    """Forwards POST /<subgraph> to the benchmark subgraphs; keeps each request's headers."""

    upstream: str
    port: int = field(default_factory=free_port)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{self.port}/{name}" for name in SUBGRAPHS}

    def headers_for(self, subgraph: str) -> list[dict[str, str]]:
        return [headers for name, headers in self.seen if name == subgraph]

    @contextlib.contextmanager
    def running(self) -> Iterator[HeaderRecorder]:
        recorder = self
        upstream = httpx.Client(base_url=self.upstream, timeout=30)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                recorder.seen.append(
                    (self.path.strip("/"), {k.lower(): v for k, v in self.headers.items()})
                )
                answer = upstream.post(
                    self.path, content=body, headers={"content-type": "application/json"}
                )
                self.send_response(answer.status_code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: object) -> None:
                pass

        with upstream, serving(Handler, self.port):
            yield self


def edge_settings(**sections: object) -> EdgeSettings:
    return EdgeSettings(**sections)  # type: ignore[arg-type]
