"""/metrics of a gateway with several workers counts what every worker served."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from gateway_processes import ReloadSubgraphs

from tests.supergraph.observability.gateway_scrape import Scrape

REQUESTS = 40
GREETING = "query Greeting { greeting }"


def _requests_counted(base_url: str) -> float:
    # A new connection each time: any worker may answer.
    scrape = Scrape(httpx.get(f"{base_url}/metrics", timeout=10).text)
    return scrape.value("gateway_requests_total", operation="Greeting", outcome="ok")


def test_any_worker_answers_a_scrape_with_every_workers_requests(
    reload_subgraphs: ReloadSubgraphs, start_gateway: Any, tmp_path: Path
) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(reload_subgraphs.supergraph(with_extra=False))
    gateway = start_gateway(["--supergraph", str(supergraph), "--workers", "2"])
    workers = {event["pid"] for event in gateway.wait_for_events("supergraph_serving", 2)}
    assert len(workers) == 2

    # At once, each on its own connection: both workers take some.
    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(
            pool.map(lambda _: gateway.query("query Greeting { greeting }"), range(REQUESTS))
        )
    assert all(answer.status_code == 200 for answer in answers)

    # Each worker shares its numbers within a second of counting them; from then on
    # every scrape, whichever worker answers it, shows all of them.
    deadline = time.monotonic() + 15
    in_a_row = 0
    while in_a_row < 20:
        assert time.monotonic() < deadline, "the scrapes never settled on every worker's requests"
        in_a_row = in_a_row + 1 if _requests_counted(gateway.base_url) == REQUESTS else 0
        time.sleep(0.05)
