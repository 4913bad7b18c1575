"""How fast the gateway refuses abusive requests, and that it keeps serving meanwhile.

Issue 8's abuse acceptance ("refused quickly") is measured here, not asserted in a
test: a query nested 200 deep, one with 10,000 aliases, a fragment cycle and a
5 MB body, each sent N times to a real `python -m supergraph serve` with its
default settings on the benchmark supergraph. The refusals never reach a
subgraph, so none is started; `{ __typename }` (answered by the router itself)
is timed between them to show the gateway keeps serving.

    .venv/bin/python -m bench.edge.refusals [--repeat 20]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "bench" / "federation" / "benchmark" / "supergraph.graphql"


def abusive_bodies() -> dict[str, bytes]:
    deep = "{ me { " + "reviews { product { " * 100 + "upc" + " } }" * 100 + " } }"
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(10_000)) + " }"
    cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    big = b'{"query": "{ __typename }", "padding": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    return {
        "200 deep": orjson.dumps({"query": deep}),
        "10,000 aliases": orjson.dumps({"query": aliases}),
        "fragment cycle": orjson.dumps({"query": cycle}),
        "5 MB body": big,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(client: httpx.Client, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the gateway did not become healthy")


def timed(client: httpx.Client, body: bytes) -> tuple[float, int, str]:
    started = time.perf_counter()
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    elapsed_ms = (time.perf_counter() - started) * 1000
    errors = response.json().get("errors") or [{}]
    code = str(errors[0].get("extensions", {}).get("code", "-"))
    return elapsed_ms, response.status_code, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    port = free_port()
    argv = [sys.executable, "-m", "supergraph", "serve", "--supergraph", str(SUPERGRAPH)]
    gateway = subprocess.Popen(
        [*argv, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            wait_healthy(client)
            served = orjson.dumps({"query": "{ __typename }"})
            print(f"{'request':<16} {'status':>6} {'code':<28} {'median ms':>9} {'max ms':>8}")
            for name, body in abusive_bodies().items():
                runs = [timed(client, body) for _ in range(args.repeat)]
                times = [elapsed for elapsed, _, _ in runs]
                _, status, code = runs[-1]
                print(
                    f"{name:<16} {status:>6} {code:<28} "
                    f"{statistics.median(times):>9.2f} {max(times):>8.2f}"
                )
                between = timed(client, served)
                if between[1] != 200:
                    raise SystemExit(f"the gateway stopped serving after {name}: {between}")
            normal = [timed(client, served)[0] for _ in range(args.repeat)]
            print(
                f"{'{ __typename }':<16} {200:>6} {'(served)':<28} "
                f"{statistics.median(normal):>9.2f} {max(normal):>8.2f}"
            )
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
