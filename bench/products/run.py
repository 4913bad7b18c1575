"""Benchmark the products subgraph on a large catalog (PostgreSQL, one process).

    .venv/bin/python -m bench.products.run            # 100,000 products, defaults
    .venv/bin/python -m bench.products.run --help

Builds (once) a `shopgraph_bench_products` database with the generated catalog,
starts the subgraph as one uvicorn process, drives each scenario with a fixed
number of concurrent clients for a fixed time, and prints p50/p95/p99 latency and
requests per second as seen by the client at the subgraph's HTTP port.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.products.cpu import CpuMeter
from bench.products.workload import Scenario, scenarios
from subgraphs.kit.database import create_engine
from subgraphs.kit.migrations import upgrade
from subgraphs.products.catalog_generator import generated_products, load_generated_catalog

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "shopgraph_bench_products"
APP_NAME = "shopgraph-products"  # the subgraph's PostgreSQL application_name


@dataclass
class Figures:
    scenario: str
    description: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    # CPU per request: what the work costs, independent of how busy the machine is.
    app_cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def prepare_database(server: str, database: str, count: int) -> str:
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    url = make_url(server).set(drivername="postgresql+asyncpg", database=database)
    rendered = url.render_as_string(hide_password=False)
    await upgrade("subgraphs.products", rendered)
    engine = create_engine(rendered, application_name="shopgraph-bench-load")
    try:
        started = time.perf_counter()
        inserted = await load_generated_catalog(engine, count)
        if inserted:
            print(f"loaded {inserted} products in {time.perf_counter() - started:.1f}s", flush=True)
        # As autovacuum would on a live catalog: statistics, the visibility map, and the
        # GIN index's pending list merged (a bulk load leaves every entry in it).
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as connection:
            await connection.execute(text("VACUUM ANALYZE products"))
            total = await connection.scalar(text("SELECT count(*) FROM products"))
        print(f"catalog: {total} products in {database}", flush=True)
    finally:
        await engine.dispose()
    return rendered


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def subgraph_process(database_url: str, port: int, nice: int) -> Iterator[subprocess.Popen[bytes]]:
    data_dir = tempfile.mkdtemp(prefix="shopgraph-bench-products-")
    env = {
        **os.environ,
        "SHOPGRAPH_PRODUCTS_DATABASE_URL": database_url,
        "SHOPGRAPH_DATA_DIR": data_dir,
        "SHOPGRAPH_PRODUCTS_LOG_LEVEL": "WARNING",
    }
    prefix = ["nice", "-n", str(nice)] if nice else []
    command = [
        *prefix, sys.executable, "-m", "uvicorn", "--factory", "subgraphs.products.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


async def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not become ready in {timeout}s")


async def drive(
    url: str,
    scenario: Scenario,
    *,
    concurrency: int,
    seconds: float,
    warmup: float,
    on_measure: Callable[[], Awaitable[None]],
) -> Figures:
    latencies: list[float] = []
    errors = 0
    bodies = scenario.cycle()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> tuple[float, bool]:
            body = next(bodies)
            started = time.perf_counter()
            async with session.post(url, json=body) as response:
                payload: dict[str, Any] = await response.json()
            elapsed = time.perf_counter() - started
            return elapsed, response.status == 200 and not payload.get("errors")

        async def client(until: float, record: bool) -> None:
            nonlocal errors
            while time.perf_counter() < until:
                elapsed, ok = await one()
                if record:
                    latencies.append(elapsed)
                    errors += not ok

        warm_until = time.perf_counter() + warmup
        await asyncio.gather(*(client(warm_until, False) for _ in range(concurrency)))
        await on_measure()
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(client(until, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Figures(
        scenario=scenario.name,
        description=scenario.description,
        requests=len(ordered),
        errors=errors,
        seconds=round(elapsed, 2),
        rps=round(len(ordered) / elapsed, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 2),
        p95_ms=round(percentile(ordered, 0.95) * 1000, 2),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 2),
        max_ms=round(ordered[-1] * 1000, 2),
    )


def print_table(results: list[Figures]) -> None:
    print(
        f"\n{'scenario':<20} {'requests':>8} {'errors':>6} {'RPS':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'app CPU':>8} {'db CPU':>8}"
    )
    for r in results:
        print(
            f"{r.scenario:<20} {r.requests:>8} {r.errors:>6} {r.rps:>8} "
            f"{r.p50_ms:>8} {r.p95_ms:>8} {r.p99_ms:>8} {r.max_ms:>8} "
            f"{r.app_cpu_ms:>8} {r.db_cpu_ms:>8}"
        )


async def main_async(args: argparse.Namespace) -> int:
    database_url = await prepare_database(args.server, args.database, args.count)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if args.nice:
        os.nice(args.nice)  # the client too, so it is not the bottleneck
    with subgraph_process(database_url, port, args.nice) as process:
        await wait_ready(f"{base}/ready")
        server_dsn = f"{args.server}/postgres"
        results = []
        known_ids = tuple(
            str(row["id"]) for row in islice(generated_products(args.count), 0, 5000, 97)
        )
        for scenario in scenarios(first=args.first, known_ids=known_ids):
            if args.only and scenario.name not in args.only:
                continue
            meter = CpuMeter(process.pid, server_dsn, args.database, APP_NAME)
            figures = await drive(
                f"{base}/graphql",
                scenario,
                concurrency=args.concurrency,
                seconds=args.seconds,
                warmup=args.warmup,
                on_measure=meter.start,
            )
            app_cpu, db_cpu = await meter.stop()
            figures.app_cpu_ms = round(app_cpu * 1000 / max(figures.requests, 1), 2)
            figures.db_cpu_ms = round(db_cpu * 1000 / max(figures.requests, 1), 2)
            print(f"{figures.scenario}: {figures.rps} RPS, p95 {figures.p95_ms} ms", flush=True)
            results.append(figures)
    print_table(results)
    print(f"load average at end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if args.output:
        args.output.write_text(
            json.dumps(
                {
                    "command": "python -m bench.products.run " + shlex.join(sys.argv[1:]),
                    "catalog_products": args.count,
                    "concurrency": args.concurrency,
                    "seconds_per_scenario": args.seconds,
                    "cpu_count": os.cpu_count(),
                    "nice": args.nice,
                    # The machine is shared: the load says how much the figures can be trusted.
                    "load_average_at_end": os.getloadavg(),
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
            + "\n"
        )
    return 1 if any(r.errors for r in results) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--count", type=int, default=100_000, help="catalog size")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured warm-up time")
    parser.add_argument("--first", type=int, default=20, help="page size")
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    parser.add_argument("--output", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the subgraph and the client (negative needs root): on a busy "
        "shared machine, -5 keeps other work from dominating the figures",
    )
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
