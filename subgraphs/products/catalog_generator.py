"""Large synthetic catalogs (100,000 products and more) for benchmarks.

Rows are plain dicts for a Core `INSERT ... VALUES` executemany, produced lazily and
deterministically from `seed`, so two runs build the same catalog.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.products.catalog_data import CATEGORIES
from subgraphs.products.models import Product
from subgraphs.products.seed import describe, price_between

GENERATED_NAMESPACE = uuid.UUID("9f1c2a57-1d3e-4b8f-a0c4-2e5d7b9c1f33")
GENERATED_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
SERIES = ("Air", "Max", "Lite", "Pro", "Ultra", "Mini", "Plus", "Neo", "Prime", "Flex")


def generated_products(count: int, *, seed: int = 0) -> Iterator[dict[str, Any]]:
    """`count` product rows spread evenly over the ten demo categories."""
    rng = random.Random(seed)
    for index in range(count):
        vocabulary = CATEGORIES[index % len(CATEGORIES)]
        kind = rng.choice(vocabulary.kinds)
        brand = rng.choice(vocabulary.brands)
        name = f"{brand} {kind.noun} {rng.choice(SERIES)} {rng.randint(1, 999)}"
        created = GENERATED_EPOCH + timedelta(seconds=index * 37)
        yield {
            "id": uuid.uuid5(GENERATED_NAMESPACE, f"{seed}:{index}"),
            "name": name,
            "description": describe(rng, kind, vocabulary),
            "price": price_between(rng, kind.low_price, kind.high_price),
            "stock_quantity": 0 if rng.random() < 0.1 else rng.randint(1, 500),
            "category": vocabulary.name,
            "image_url": None,
            "is_active": True,
            "created_at": created,
            "updated_at": created,
        }


async def load_generated_catalog(
    engine: AsyncEngine, count: int, *, seed: int = 0, batch_size: int = 5000
) -> int:
    """Fill an empty products table with `count` generated products; returns how many
    were inserted (0 when the table already holds products: it is never mixed)."""
    async with engine.connect() as connection:
        existing = await connection.scalar(select(func.count()).select_from(Product))
    if existing:
        return 0
    rows = generated_products(count, seed=seed)
    inserted = 0
    while batch := list(islice(rows, batch_size)):
        async with engine.begin() as connection:
            await connection.execute(insert(Product), batch)
        inserted += len(batch)
    return inserted
