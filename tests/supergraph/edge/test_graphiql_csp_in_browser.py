"""GraphiQL still works under the gateway's Content-Security-Policy, in a real browser.

A real `python -m supergraph serve` (the whole edge, security headers on by
default) over the fixture subgraph; headless Chromium opens GraphiQL, which runs
a query by itself (`?autorun`). The page must show the answer, and the browser
must report no CSP violation: a blocked script, style, font or fetch would show
up in its console log.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from tests.support.processes import PYTHON, free_port, running_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


async def _run_page(devtools_port: int, page: str, wanted: str, timeout: float = 90.0) -> Any:
    """Open `page`; collect console and log messages until its text holds `wanted`."""
    messages: list[str] = []
    text = ""
    async with aiohttp.ClientSession() as http:
        async with http.put(f"http://127.0.0.1:{devtools_port}/json/new?about:blank") as response:
            target: dict[str, Any] = await response.json(content_type=None)
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            ids = iter(range(1, 1_000_000))

            async def command(method: str, **params: Any) -> int:
                command_id = next(ids)
                await socket.send_json({"id": command_id, "method": method, "params": params})
                return command_id

            await command("Runtime.enable")
            await command("Log.enable")
            await command("Page.navigate", url=page)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            pending: int | None = None
            while loop.time() < deadline and wanted not in text:
                if pending is None:
                    pending = await command(
                        "Runtime.evaluate",
                        expression="document.body ? document.body.innerText : ''",
                        returnByValue=True,
                    )
                try:
                    message = await socket.receive_json(timeout=1.0)
                except TimeoutError:
                    continue
                method = message.get("method")
                if method == "Log.entryAdded":
                    messages.append(message["params"]["entry"].get("text", ""))
                elif method == "Runtime.consoleAPICalled":
                    args = message["params"].get("args", [])
                    messages.append(" ".join(str(a.get("value", "")) for a in args))
                elif method == "Runtime.exceptionThrown":
                    messages.append(str(message["params"]["exceptionDetails"]))
                elif message.get("id") == pending:
                    text = str(message.get("result", {}).get("result", {}).get("value", ""))
                    pending = None
                    await asyncio.sleep(0.25)
    return text, messages


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed here")
async def test_graphiql_runs_a_query_under_the_content_security_policy(
    supergraph_sdl: str, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    supergraph_file = tmp_path / "supergraph.graphql"
    supergraph_file.write_text(supergraph_sdl)
    port, devtools_port = free_port(), free_port()
    gateway = [PYTHON, "-m", "supergraph", "serve", "--supergraph", str(supergraph_file)]
    browser = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--proxy-server=127.0.0.1:9",  # nothing beyond loopback is reachable
        f"--remote-debugging-port={devtools_port}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "about:blank",
    ]
    page = f"http://127.0.0.1:{port}/graphql?editorQuery={quote('{ public }')}&autorun"
    with (
        running_process(
            "gateway",
            [*gateway, "--port", str(port)],
            log_dir=tmp_path,
            env={"SHOPGRAPH_GATEWAY_CONFIG": ""},
            health_url=f"http://127.0.0.1:{port}/health",
            startup_timeout=120,
        ),
        running_process(
            "chromium",
            browser,
            log_dir=tmp_path,
            health_url=f"http://127.0.0.1:{devtools_port}/json/version",
            startup_timeout=120,
        ),
    ):
        async with (
            aiohttp.ClientSession() as http,
            http.get(page, headers={"accept": "text/html"}) as response,
        ):
            policy = response.headers["content-security-policy"]
        text, messages = await _run_page(devtools_port, page, '"hello"')
    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == [], violations
    assert '"public": "hello"' in text, text[-2000:]
    assert "script-src 'self' 'sha256-" in policy  # no 'unsafe-inline' needed for it
