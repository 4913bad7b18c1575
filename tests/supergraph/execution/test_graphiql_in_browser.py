"""GraphiQL opens in headless Chromium with no internet access and runs a query.

The gateway serves GraphiQL's page and its assets itself (from the npm packages of
supergraph/server/graphiql, installed by the project's npm step). Chromium gets a
dead proxy for everything but loopback, so any asset from a CDN would fail to load.
The page is opened as `/graphql?editorQuery=...&autorun` (GraphiQL runs the query
once it is ready); the test reads the page over the DevTools protocol until (up to
a minute: the machine may be busy) the result pane shows the query's answer. The
gateway verifies bearer tokens, so the test also shows that the Authorization
header typed into GraphiQL's Headers pane reaches it, and that the pane's empty
default does not (an anonymous query works).

Run alone: `.venv/bin/pytest tests/supergraph/execution/test_graphiql_in_browser.py`.
It needs Debian's `chromium`, which `.ci/test` installs (`ensure_chromium` in
.ci/lib.sh); without it the test fails rather than skipping, since a skip would
hide whether GraphiQL works.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from benchmark_subgraphs import BENCHMARK, SUBGRAPHS, BenchmarkSubgraphs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.processes import PYTHON, free_port, running_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE_TEXT = "document.body ? document.body.innerText : ''"
QUERY = "{ me { username } }"
ANSWER = "urigo"  # the benchmark's `me { username }`
# Puts a header into GraphiQL's Headers pane (the editor holding the Authorization
# placeholder) and presses the run button, as a user would.
SET_HEADERS_AND_RUN = """
(() => {
  const editors = [...document.querySelectorAll('.CodeMirror')].map((e) => e.CodeMirror);
  const headers = editors.find((cm) => cm && cm.getValue().includes('Authorization'));
  headers.setValue(%s);
  document.querySelector('.graphiql-execute-button').click();
  return true;
})()
"""


class _Page:
    """One browser tab, driven over the DevTools protocol."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._last_id = 0

    async def evaluate(self, expression: str) -> Any:
        self._last_id += 1
        request_id = self._last_id
        await self._socket.send_json(
            {
                "id": request_id,
                "method": "Runtime.evaluate",
                "params": {"expression": expression, "returnByValue": True},
            }
        )
        while True:
            message = await self._socket.receive_json(timeout=60)
            if message.get("id") == request_id:
                return message.get("result", {}).get("result", {}).get("value")

    async def text_once_it_contains(self, wanted: str, timeout: float = 60.0) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        text = ""
        while loop.time() < deadline:
            text = str(await self.evaluate(PAGE_TEXT) or "")
            if wanted in text:
                return text
            await asyncio.sleep(0.25)
        return text


@asynccontextmanager
async def _open_page(devtools_port: int, url: str) -> AsyncIterator[_Page]:
    async with aiohttp.ClientSession() as http:
        # The whole page URL is one query component here: unescaped, its `&autorun`
        # would be cut off.
        new_target = f"http://127.0.0.1:{devtools_port}/json/new?{quote(url, safe='')}"
        async with http.put(new_target) as response:
            target: dict[str, Any] = await response.json(content_type=None)
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            yield _Page(socket)


def _token_verification_key(directory: Path) -> Path:
    """A public key for the gateway to verify bearer tokens with (none will verify)."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    path = directory / "token-key.pem"
    path.write_bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


async def test_graphiql_loads_offline_and_runs_a_query(
    benchmark_subgraphs: BenchmarkSubgraphs, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert CHROMIUM is not None, (
        "Debian's chromium is needed to open GraphiQL: .ci/test installs it"
        " (ensure_chromium in .ci/lib.sh); here: apt-get install chromium"
    )
    logs = tmp_path_factory.mktemp("graphiql")
    port = free_port()
    gateway = [
        PYTHON, "-m", "supergraph", "serve",
        "--supergraph", str(BENCHMARK / "supergraph.graphql"),
        "--port", str(port),
    ]  # fmt: skip
    for name in SUBGRAPHS:
        gateway += ["--subgraph-url", f"{name}={benchmark_subgraphs.base_url}/{name}"]
    gateway_env = {"SHOPGRAPH_GATEWAY_AUTH_PUBLIC_KEY_FILE": str(_token_verification_key(logs))}
    devtools_port = free_port()
    browser = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=127.0.0.1:9",  # nothing beyond loopback is reachable
        f"--remote-debugging-port={devtools_port}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "about:blank",
    ]
    url = f"http://127.0.0.1:{port}/graphql?editorQuery={quote(QUERY)}&autorun"
    with (
        running_process(
            "gateway",
            gateway,
            log_dir=logs,
            env=gateway_env,
            health_url=f"http://127.0.0.1:{port}/health",
        ),
        running_process(
            "chromium",
            browser,
            log_dir=logs,
            health_url=f"http://127.0.0.1:{devtools_port}/json/version",
        ),
    ):
        async with _open_page(devtools_port, url) as page:
            answered = await page.text_once_it_contains(ANSWER)
            headers = json.dumps(json.dumps({"Authorization": "Bearer not-a-token"}))
            assert await page.evaluate(SET_HEADERS_AND_RUN % headers) is True
            refused = await page.text_once_it_contains("UNAUTHENTICATED")

    assert "GraphiQL" in answered, answered[-2000:]  # the page itself
    assert QUERY in answered, answered[-2000:]  # the query, in the editor
    assert ANSWER in answered, answered[-2000:]  # its answer, in the result pane
    # The token typed into the Headers pane reached the gateway, which refused it.
    assert "UNAUTHENTICATED" in refused, refused[-2000:]
    assert ANSWER not in refused, refused[-2000:]
