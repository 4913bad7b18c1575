"""Suite-wide setup: the suite needs PostgreSQL and says so loudly when it is missing."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import databases


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = asyncio.run(databases.check_server())
    if problem is not None:
        pytest.exit(
            f"PostgreSQL is not reachable at {databases.admin_url()} ({problem}). "
            f"The suite runs against a real server: start one, or point "
            f"{databases.PG_URL_VARIABLE} at one.",
            returncode=3,
        )
    if not hasattr(session.config, "workerinput"):  # only the controller sweeps
        asyncio.run(databases.drop_abandoned_databases())
