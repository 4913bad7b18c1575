"""Print the conformance answers for some cases (a tool for case and router authors).

    .venv/bin/python tests/supergraph/conformance/show_case.py [--ours] [--log] CASE[/OP]...

Starts the Node side for the named cases only and prints, per operation,
Apollo's response and its subgraph fetch count. With --ours, also runs our
router (in-process, from this checkout) and says whether the answers agree the
way test_conformance_router.py judges them. With --log, prints the subgraph
requests each router made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from conformance_cases import Operation, load_cases
from conformance_harness import (
    APOLLO_TAG,
    OURS_TAG,
    Answer,
    ConformanceServer,
    SubgraphBook,
    ask,
    conformance_server,
    differences,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.support.graphql import app_client


def _print_answer(who: str, answer: Answer) -> None:
    print(f"  {who}: {answer.fetches} fetches, HTTP {answer.status}")
    print("    " + json.dumps(answer.body))


async def _print_log(subgraph_book: SubgraphBook, tag: str) -> None:
    for entry in await subgraph_book.log(tag):
        body = entry["body"]
        variables = json.dumps(body.get("variables"))
        print(f"    -> {entry['subgraph']}: {body['query']}  {variables[:300]}")


async def _compare(
    op: Operation, server: ConformanceServer, client: httpx.AsyncClient, ours: Any, log: bool
) -> None:
    subgraph_book = SubgraphBook(client, server.subgraphs_url)
    apollo = await ask(
        client, f"{server.gateway_url}/{op.case}/graphql", subgraph_book, APOLLO_TAG, op
    )
    print(f"== {op.id}")
    _print_answer("apollo", apollo)
    if log:
        await _print_log(subgraph_book, APOLLO_TAG)
    if ours is None:
        return
    try:
        answer = await ask(ours, "/graphql", subgraph_book, OURS_TAG, op)
    except Exception as exc:
        print(f"  ours raised {type(exc).__name__}: {exc}")
        print("  verdict: DIFFERS")
        return
    _print_answer("ours", answer)
    if log:
        await _print_log(subgraph_book, OURS_TAG)
    expected: Answer | dict[str, Any] = op.spec_answer if op.spec_answer is not None else apollo
    problems = differences(
        expected,
        answer,
        unordered_lists=op.unordered_lists,
        ignore_error_paths=op.ignore_error_paths,
    )
    bound = op.spec_fetches if op.spec_answer is not None else apollo.fetches
    if bound is not None and answer.fetches > bound:
        problems.append(f"{answer.fetches} fetches, at most {bound} allowed")
    print("  verdict: " + ("agrees" if not problems else "DIFFERS\n    " + "\n    ".join(problems)))


async def show(targets: list[str], with_ours: bool, log: bool) -> None:
    wanted_cases = {target.split("/")[0] for target in targets}
    cases = [case for case in load_cases() if case.name in wanted_cases or not targets]
    async with conformance_server(cases) as server, httpx.AsyncClient(timeout=30) as client:
        for case in cases:
            errors = server.composition_errors(case.name)
            if errors:
                print(f"== {case.name}: does not compose\n  " + "\n  ".join(errors))
                continue
            ops = [
                op
                for op in case.operations
                if not targets or case.name in targets or op.id in targets
            ]
            if not with_ours:
                for op in ops:
                    await _compare(op, server, client, None, log)
                continue
            from supergraph.server import app, settings

            router = app.create_gateway_app(
                server.supergraph(case.name, OURS_TAG), settings.GatewaySettings()
            )
            async with app_client(router) as ours:
                for op in ops:
                    await _compare(op, server, client, ours, log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="CASE or CASE/OPERATION (default: all)")
    parser.add_argument("--ours", action="store_true", help="also run our router and compare")
    parser.add_argument("--log", action="store_true", help="print the subgraph requests")
    args = parser.parse_args()
    asyncio.run(show(args.targets, args.ours, args.log))


if __name__ == "__main__":
    main()
