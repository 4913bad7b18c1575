"""PostgreSQL plans every products read for its own values (the search relies on it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text

from subgraphs.kit.auth import TokenSigner
from subgraphs.products.context import READER_KEY
from tests.subgraphs.products.conftest import RunningApp, own_postgres_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

SEARCH = 'query { searchProducts(query: "laptop") { edges { node { id } } } }'


@pytest_asyncio.fixture(scope="module")
async def postgres_app(keys_dir: Path, user_signer: TokenSigner) -> AsyncIterator[RunningApp]:
    async with own_postgres_app("productsplans", keys_dir) as app:
        yield app


async def test_search_connections_never_fall_back_to_a_generic_plan(
    postgres_app: RunningApp,
) -> None:
    # More than the five runs after which PostgreSQL may switch a prepared
    # statement to one plan for every value.
    for _ in range(8):
        (await postgres_app.execute(SEARCH)).ok()
    reader = postgres_app.runtime.state[READER_KEY]
    async with reader() as session:
        assert (await session.scalar(text("SHOW plan_cache_mode"))) == "force_custom_plan"
