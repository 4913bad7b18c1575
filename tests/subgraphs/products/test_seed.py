"""The demo seed and the large-catalog generator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from subgraphs.products import validation
from subgraphs.products.catalog_generator import generated_products, load_generated_catalog
from subgraphs.products.models import Product
from subgraphs.products.seed import demo_products, seed
from tests.subgraphs.products.conftest import RunningApp

ON_SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")


async def product_count(app: RunningApp) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


@ON_SESSION_LOOP
async def test_seed_loads_two_hundred_products_in_ten_categories(
    products_app: RunningApp,
) -> None:
    await seed(products_app.sessionmaker)
    categories = (await products_app.execute("{ categories { name productCount } }")).ok()[
        "categories"
    ]
    assert len(categories) == 10
    assert sum(category["productCount"] for category in categories) == 200
    found = (await products_app.execute('{ searchProducts(query: "lapt") { totalCount } }')).ok()[
        "searchProducts"
    ]
    assert found["totalCount"] >= 4


@ON_SESSION_LOOP
async def test_seed_is_idempotent_and_keeps_admin_changes(products_app: RunningApp) -> None:
    await seed(products_app.sessionmaker)
    first = next(iter(demo_products()))
    async with products_app.sessionmaker.begin() as session:
        stored = await session.get(Product, first.id)
        assert stored is not None
        stored.stock_quantity = 4242
    await seed(products_app.sessionmaker)
    assert await product_count(products_app) == 200
    async with products_app.sessionmaker() as session:
        again = await session.get(Product, first.id)
        assert again is not None
        assert again.stock_quantity == 4242


def test_demo_catalog_is_the_same_every_time_and_valid() -> None:
    first = [(p.id, p.name, p.price, p.stock_quantity) for p in demo_products()]
    second = [(p.id, p.name, p.price, p.stock_quantity) for p in demo_products()]
    assert first == second
    for product in demo_products():
        assert validation.name(product.name) == product.name
        assert validation.price(product.price) == product.price
        assert validation.category(product.category) == product.category
        assert validation.image_url(product.image_url) == product.image_url


def test_generated_catalog_is_deterministic_valid_and_spread_over_categories() -> None:
    rows = list(generated_products(2000, seed=7))
    assert rows == list(generated_products(2000, seed=7))
    assert rows != list(generated_products(2000, seed=8))
    assert len({row["id"] for row in rows}) == 2000
    assert len({row["category"] for row in rows}) == 10
    for row in rows:
        validation.name(row["name"])
        validation.price(row["price"])
        validation.description(row["description"])
        validation.stock_quantity(row["stock_quantity"])


@ON_SESSION_LOOP
async def test_generated_catalog_loads_into_an_empty_table_only(products_app: RunningApp) -> None:
    assert await load_generated_catalog(products_app.engine, 1200, batch_size=500) == 1200
    assert await load_generated_catalog(products_app.engine, 1200) == 0
    assert await product_count(products_app) == 1200
    result = (
        await products_app.execute(
            '{ searchProducts(query: "espresso", first: 5) '
            "{ totalCount edges { node { category } } } }"
        )
    ).ok()["searchProducts"]
    assert result["totalCount"] > 0
    assert {edge["node"]["category"] for edge in result["edges"]} == {"Home & Kitchen"}
