"""What CI promises: `.ci/run` is README command 2, and the suite's PostgreSQL hygiene.

The suite runs on a real PostgreSQL: it names its databases uniquely per run,
drops them, sweeps what a crashed run left, and stops with the reason (it never
skips) when no server answers.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from tests.support import databases
from tests.support.processes import PYTHON, ROOT, free_port

CI = ROOT / ".ci"


def commands_of(script: str) -> list[str]:
    """The script's lines that run something (comments and blank lines dropped)."""
    lines = (CI / script).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_ci_run_is_exactly_readme_command_2() -> None:
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"^bash (\.ci/\w+)", readme, re.M) == [".ci/dev", ".ci/test"]
    assert commands_of("run") == ['exec bash "$(dirname "$0")/test" "$@"']


def test_ci_test_runs_lint_types_and_the_whole_suite() -> None:
    script = "\n".join(commands_of("test"))
    for step in (
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy supergraph subgraphs rest_compat",
        '.venv/bin/python -m pytest "$@"',
    ):
        assert step in script
    # A run that collected nothing is not a pass.
    assert '"$status" -eq 5' in script


def test_ci_dev_starts_the_platform_with_shopgraph_dev() -> None:
    assert 'exec .venv/bin/shopgraph dev "$@"' in commands_of("dev")


def test_the_suite_stops_with_the_reason_when_postgresql_is_unreachable() -> None:
    nobody = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    env = {**os.environ, databases.PG_URL_VARIABLE: nobody}

    finished = subprocess.run(
        [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_architecture.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = finished.stdout + finished.stderr
    assert finished.returncode == 3, output
    assert f"PostgreSQL is not reachable at {nobody}" in output
    assert databases.PG_URL_VARIABLE in output
    assert " passed" not in output
    assert " skipped" not in output


async def database_names() -> set[str]:
    connection = await asyncpg.connect(
        make_url(databases.admin_url()).set(drivername="postgresql").render_as_string(False)
    )
    try:
        rows = await connection.fetch("SELECT datname FROM pg_database")
        return {row["datname"] for row in rows}
    finally:
        await connection.close()


async def test_each_test_database_gets_a_unique_name_of_this_run_and_is_dropped() -> None:
    first = await databases.create_database("hygiene")
    second = await databases.create_database("hygiene")
    names = {make_url(url).database for url in (first, second)}
    try:
        assert len(names) == 2
        for name in names:
            assert name is not None
            assert re.fullmatch(rf"sg_test_hygiene_{os.getpid()}_[0-9a-f]{{8}}", name)
        assert names <= await database_names()
    finally:
        for url in (first, second):
            await databases.drop_database(url)

    assert not names & await database_names()


async def test_databases_a_crashed_run_left_are_swept_and_live_ones_kept() -> None:
    exited = subprocess.Popen(["true"])
    exited.wait()
    dead_pid = exited.pid  # a run that is gone
    abandoned = f"sg_test_crashed_{dead_pid}_{uuid.uuid4().hex[:8]}"
    admin = make_url(databases.admin_url()).set(drivername="postgresql")
    connection = await asyncpg.connect(admin.render_as_string(False))
    try:
        await connection.execute(f'CREATE DATABASE "{abandoned}"')
    finally:
        await connection.close()
    live = await databases.create_database("alive")
    try:
        await databases.drop_abandoned_databases()

        remaining = await database_names()
        assert abandoned not in remaining
        assert make_url(live).database in remaining
    finally:
        await databases.drop_database(live)
        await databases.drop_database(admin.set(database=abandoned).render_as_string(False))
