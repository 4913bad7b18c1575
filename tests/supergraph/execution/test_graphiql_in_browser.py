"""GraphiQL opens in headless Chromium with no internet access and runs a query.

The gateway serves GraphiQL's page and its assets itself (from the npm packages of
supergraph/server/graphiql, installed by the project's npm step). Chromium gets a
dead proxy for everything but loopback, so any asset from a CDN would fail to load.
The page is opened as `/graphql?editorQuery=...&autorun` (GraphiQL runs the query
once it is ready); the test reads the page over the DevTools protocol until (up to
a minute: the machine may be busy) the result pane shows the query's answer.

Run alone: `.venv/bin/pytest tests/supergraph/execution/test_graphiql_in_browser.py`.
It needs Debian's `chromium`, which `.ci/test` installs (`ensure_chromium` in
.ci/lib.sh); without it the test fails rather than skipping, since a skip would
hide whether GraphiQL works.
"""

from __future__ import annotations

import asyncio
import shutil
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from benchmark_subgraphs import BENCHMARK, SUBGRAPHS, BenchmarkSubgraphs

from tests.support.processes import PYTHON, free_port, running_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE_TEXT = "document.body ? document.body.innerText : ''"
QUERY = "{ me { username } }"
ANSWER = "urigo"  # the benchmark's `me { username }`


async def _page_text_once_it_contains(
    devtools_port: int, page: str, wanted: str, timeout: float = 60.0
) -> str:
    async with aiohttp.ClientSession() as http:
        # The whole page URL is one query component here: unescaped, its `&autorun`
        # would be cut off.
        new_target = f"http://127.0.0.1:{devtools_port}/json/new?{quote(page, safe='')}"
        async with http.put(new_target) as response:
            target: dict[str, Any] = await response.json(content_type=None)
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            text = ""
            deadline = asyncio.get_running_loop().time() + timeout
            request_id = 0
            while asyncio.get_running_loop().time() < deadline:
                request_id += 1
                await socket.send_json(
                    {
                        "id": request_id,
                        "method": "Runtime.evaluate",
                        "params": {"expression": PAGE_TEXT, "returnByValue": True},
                    }
                )
                while True:
                    message = await socket.receive_json(timeout=timeout)
                    if message.get("id") == request_id:
                        break
                text = str(message.get("result", {}).get("result", {}).get("value", ""))
                if wanted in text:
                    return text
                await asyncio.sleep(0.25)
            return text


async def test_graphiql_loads_offline_and_runs_a_query(
    benchmark_subgraphs: BenchmarkSubgraphs, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert CHROMIUM is not None, (
        "Debian's chromium is needed to open GraphiQL: .ci/test installs it"
        " (ensure_chromium in .ci/lib.sh); here: apt-get install chromium"
    )
    port = free_port()
    gateway = [
        PYTHON, "-m", "supergraph", "serve",
        "--supergraph", str(BENCHMARK / "supergraph.graphql"),
        "--port", str(port),
    ]  # fmt: skip
    for name in SUBGRAPHS:
        gateway += ["--subgraph-url", f"{name}={benchmark_subgraphs.base_url}/{name}"]
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
    page = f"http://127.0.0.1:{port}/graphql?editorQuery={quote(QUERY)}&autorun"
    logs = tmp_path_factory.mktemp("graphiql")
    with (
        running_process(
            "gateway", gateway, log_dir=logs, health_url=f"http://127.0.0.1:{port}/health"
        ),
        running_process(
            "chromium",
            browser,
            log_dir=logs,
            health_url=f"http://127.0.0.1:{devtools_port}/json/version",
        ),
    ):
        text = await _page_text_once_it_contains(devtools_port, page, ANSWER)
    assert "GraphiQL" in text, text[-2000:]  # the page itself
    assert QUERY in text, text[-2000:]  # the query, in the editor
    assert ANSWER in text, text[-2000:]  # the query's answer, shown in the result pane
