"""Print Apollo's answers for conformance cases (a tool for case authors).

    .venv/bin/python tests/supergraph/conformance/show_case.py CASE [CASE...]

Starts the Node side for the named cases only and prints, per operation, the
gateway's response and how many subgraph fetches it made.
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx
from conformance_cases import load_cases
from conformance_harness import APOLLO_TAG, Fixtures, ask, conformance_server


async def show(names: list[str]) -> None:
    cases = [case for case in load_cases() if case.name in names or not names]
    async with conformance_server(cases) as server, httpx.AsyncClient(timeout=30) as client:
        fixtures = Fixtures(client, server.subgraphs_url)
        for case in cases:
            errors = server.composition_errors(case.name)
            if errors:
                print(f"== {case.name}: does not compose\n  " + "\n  ".join(errors))
                continue
            for op in case.operations:
                url = f"{server.gateway_url}/{case.name}/graphql"
                answer = await ask(client, url, fixtures, APOLLO_TAG, op)
                print(f"== {op.id} ({answer.fetches} fetches, HTTP {answer.status})")
                print("  " + json.dumps(answer.body))


if __name__ == "__main__":
    asyncio.run(show(sys.argv[1:]))
