"""Search: prefix matching, relevance order, safety against query syntax, pagination."""

from __future__ import annotations

import pytest

from subgraphs.kit.pagination import encode_cursor
from subgraphs.products.models import Product
from tests.subgraphs.products.conftest import RunningApp, create_product

pytestmark = pytest.mark.asyncio(loop_scope="session")

SEARCH = """
query($query: String!, $filter: ProductFilter, $first: Int, $after: String) {
  searchProducts(query: $query, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { name category } }
  }
}
"""


async def seed_search_catalog(app: RunningApp) -> None:
    rows = [
        ("Ultralight Laptop 14", "Computers", "Aluminium body, 18 hour battery"),
        ("Gaming Laptop 17", "Computers", "RGB keyboard and a fast screen"),
        ("Laptop Sleeve", "Accessories", "Padded neoprene sleeve"),
        ("USB-C Dock", "Accessories", "Connects a laptop to two monitors"),
        ("Mechanical Keyboard", "Accessories", "Hot-swappable switches"),
        ("Espresso Machine", "Kitchen", "15 bar pump"),
    ]
    for name, category, description in rows:
        await create_product(
            app.sessionmaker, name=name, category=category, description=description
        )
    await create_product(
        app.sessionmaker, name="Retired Laptop", category="Computers", is_active=False
    )


async def names_for(app: RunningApp, query: str, **variables: object) -> list[str]:
    data = (await app.execute(SEARCH, {"query": query, **variables})).ok()
    return [edge["node"]["name"] for edge in data["searchProducts"]["edges"]]


async def test_a_word_prefix_finds_the_whole_word(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    found = await names_for(products_app, "lapt")
    assert set(found) == {
        "Ultralight Laptop 14",
        "Gaming Laptop 17",
        "Laptop Sleeve",
        "USB-C Dock",
    }


async def test_name_matches_rank_above_description_matches(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    found = await names_for(products_app, "laptop")
    assert found[-1] == "USB-C Dock"  # only its description mentions laptops
    assert "Retired Laptop" not in found


async def test_single_letters_match_whole_words_only(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    assert await names_for(products_app, "usb-c dock") == ["USB-C Dock"]
    assert await names_for(products_app, "g laptop") == []


async def test_name_matches_come_first_whatever_the_alphabet_says(
    products_app: RunningApp,
) -> None:
    await create_product(
        products_app.sessionmaker, name="Aardvark Tote", description="Fits a laptop"
    )
    await create_product(products_app.sessionmaker, name="Zebra Laptop", category="Computers")
    await create_product(
        products_app.sessionmaker,
        name="Laptop Sleeve",
        description="For gaming rigs",
        category="Accessories",
    )
    await create_product(products_app.sessionmaker, name="Zulu Gaming Laptop")
    assert await names_for(products_app, "laptop") == [
        "Laptop Sleeve",
        "Zebra Laptop",
        "Zulu Gaming Laptop",
        "Aardvark Tote",
    ]
    # Every word in the name beats some of them in the name.
    assert await names_for(products_app, "gaming laptop") == [
        "Zulu Gaming Laptop",
        "Laptop Sleeve",
    ]


async def test_every_word_must_match(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    assert await names_for(products_app, "gaming lapt") == ["Gaming Laptop 17"]
    assert await names_for(products_app, "gaming espresso") == []


async def test_search_combines_with_filters(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    found = await names_for(products_app, "laptop", filter={"category": "Accessories"})
    assert set(found) == {"Laptop Sleeve", "USB-C Dock"}


@pytest.mark.parametrize(
    "query",
    [
        '"laptop" & | !',
        "laptop:* | !espresso",
        "laptop'); DROP TABLE products; --",
        "laptop OR 1=1",
        "(laptop) <-> & ",
        'NEAR(laptop) "',
        "² ① ﬁ ٣ 〇 ⅷ café 😀 laptop",  # noqa: RUF001 - odd Unicode on purpose
        "the a of laptop",
        "usb-c",
    ],
)
async def test_query_syntax_and_sql_fragments_are_plain_words(
    products_app: RunningApp, query: str
) -> None:
    await seed_search_catalog(products_app)
    result = await products_app.execute(SEARCH, {"query": query})
    assert result.status == 200
    data = result.ok()["searchProducts"]
    # Whatever else the words match, nothing breaks and the table is still there.
    assert isinstance(data["totalCount"], int)
    assert (await products_app.execute("{ categories { name } }")).ok()["categories"]


async def test_operator_laden_query_still_finds_its_words(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    found = await names_for(products_app, '"laptop" & | ! sleeve')
    assert found == ["Laptop Sleeve"]


@pytest.mark.parametrize("query", ["", "   ", '"&|!()<>:*', "x" * 201])
async def test_search_without_words_or_too_long_is_refused(
    products_app: RunningApp, query: str
) -> None:
    result = await products_app.execute(SEARCH, {"query": query})
    assert result.error_codes == ["INVALID_SEARCH_QUERY"]


async def test_search_pages_follow_the_ranking(products_app: RunningApp) -> None:
    await seed_search_catalog(products_app)
    everything = await names_for(products_app, "laptop", first=100)
    walked: list[str] = []
    after = None
    while True:
        page = (
            await products_app.execute(SEARCH, {"query": "laptop", "first": 1, "after": after})
        ).ok()["searchProducts"]
        assert page["totalCount"] == len(everything)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        walked.extend(edge["node"]["name"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything


@pytest.mark.parametrize(
    "cursor", ["%%%", encode_cursor(["search", -3]), encode_cursor(["NAME", "a", "b"])]
)
async def test_search_refuses_malformed_cursors(products_app: RunningApp, cursor: str) -> None:
    result = await products_app.execute(SEARCH, {"query": "laptop", "after": cursor})
    assert result.error_codes == ["INVALID_CURSOR"]


async def test_search_refuses_oversized_pages(products_app: RunningApp) -> None:
    result = await products_app.execute(SEARCH, {"query": "laptop", "first": 500})
    assert result.error_codes == ["INVALID_PAGE_SIZE"]


async def test_search_sees_renamed_products(products_app: RunningApp) -> None:
    product = await create_product(products_app.sessionmaker, name="Plain Mug", category="Kitchen")
    async with products_app.sessionmaker.begin() as session:
        stored = await session.get(Product, product.id)
        assert stored is not None
        stored.name = "Thermal Travel Mug"
    assert await names_for(products_app, "therm") == ["Thermal Travel Mug"]
    assert await names_for(products_app, "plain") == []
