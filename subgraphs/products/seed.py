"""The demo catalog: 200 products in 10 categories, the same on every run.

`seed(sessionmaker)` (run by `shopgraph seed`) inserts whatever demo products are
missing and never touches ones already there, so it is safe to repeat and keeps
changes an admin made. Ids derive from the product names, so other services'
demo data can refer to them.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from subgraphs.kit.database import Sessionmaker
from subgraphs.products.catalog_data import CATEGORIES, CategoryVocabulary, ItemKind
from subgraphs.products.models import Product

DEMO_NAMESPACE = uuid.UUID("5b0f3c1e-8a4e-4d0b-9b7e-6b7f3f0d2a10")
DEMO_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MODELS_PER_KIND = 2


def demo_product_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"demo-product:{name}")


def price_between(rng: random.Random, low: int, high: int) -> Decimal:
    """A shop-like price (ending in .99, .49 or .00) within [low, high]."""
    whole = rng.randint(low, high)
    cents = rng.choice(("0.99", "0.49", "0.00"))
    return max(Decimal(low), Decimal(whole) - 1 + Decimal(cents)).quantize(Decimal("0.01"))


def describe(rng: random.Random, kind: ItemKind, vocabulary: CategoryVocabulary) -> str:
    first, second = rng.sample(vocabulary.features, 2)
    return f"{kind.noun} with {first} and {second}."


def demo_products() -> Iterator[Product]:
    """The demo catalog, in a fixed order with fixed values."""
    index = 0
    for vocabulary in CATEGORIES:
        for kind_number, kind in enumerate(vocabulary.kinds):
            for model in range(MODELS_PER_KIND):
                brand = vocabulary.brands[(kind_number + model * 3) % len(vocabulary.brands)]
                name = f"{brand} {kind.noun}" + (" Pro" if model else "")
                rng = random.Random(name)
                yield Product(
                    id=demo_product_id(name),
                    name=name,
                    description=describe(rng, kind, vocabulary),
                    price=price_between(rng, kind.low_price, kind.high_price),
                    # Roughly one in ten is sold out, so inStock filters show something.
                    stock_quantity=0 if rng.random() < 0.1 else rng.randint(1, 120),
                    category=vocabulary.name,
                    image_url=f"https://images.shopgraph.example/products/{demo_product_id(name)}.jpg",
                    is_active=True,
                    created_at=DEMO_EPOCH + timedelta(hours=index),
                    updated_at=DEMO_EPOCH + timedelta(hours=index),
                )
                index += 1


async def seed(sessionmaker: Sessionmaker) -> None:
    """Insert the demo products that are not there yet."""
    products = list(demo_products())
    async with sessionmaker.begin() as session:
        present = set(
            await session.scalars(
                select(Product.id).where(Product.id.in_([product.id for product in products]))
            )
        )
        session.add_all(product for product in products if product.id not in present)
