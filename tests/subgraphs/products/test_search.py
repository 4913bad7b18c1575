"""Search: prefix matching, relevance order, safety against query syntax, pagination."""

from __future__ import annotations

import uuid

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
    found = await names_for(products_app, "laptop")
    assert set(found[:3]) == {"Laptop Sleeve", "Zebra Laptop", "Zulu Gaming Laptop"}
    assert found[3:] == ["Aardvark Tote"]
    # Every word in the name beats some of them in the name.
    assert await names_for(products_app, "gaming laptop") == [
        "Zulu Gaming Laptop",
        "Laptop Sleeve",
    ]


async def seed_tiers(app: RunningApp) -> dict[str, int]:
    """Products matching "trail shoe" with both, one or neither word in the name,
    several of each; returns how many words each name holds."""
    tiers: dict[str, int] = {}
    for index in range(3):
        for name, description, tier in (
            (f"Trail Shoe {index}", "", 2),
            (f"Trail Jacket {index}", "Pairs with a shoe", 1),
            (f"Running Shoe {index}", "Grips on a trail", 1),
            (f"Summit Pack {index}", "Carries a trail shoe", 0),
        ):
            await create_product(app.sessionmaker, name=name, description=description)
            tiers[name] = tier
    await create_product(app.sessionmaker, name="Trail Map", description="Folded")
    return tiers


async def search_edges(app: RunningApp, query: str, **variables: object) -> list[dict]:
    data = (await app.execute(SEARCH_WITH_IDS, {"query": query, **variables})).ok()
    return list(data["searchProducts"]["edges"])


SEARCH_WITH_IDS = """
query($query: String!, $first: Int, $after: String) {
  searchProducts(query: $query, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name } }
  }
}
"""


async def test_results_rank_by_words_in_the_name_then_follow_the_id(
    products_app: RunningApp,
) -> None:
    tiers = await seed_tiers(products_app)
    edges = await search_edges(products_app, "trail shoe", first=100)
    ranked = [(tiers[edge["node"]["name"]], edge["node"]["id"]) for edge in edges]
    assert len(ranked) == len(tiers)  # every match, the map (no shoe) excluded
    # Most words in the name first; within a tier, the fixed order of ids.
    assert ranked == sorted(ranked, key=lambda hit: (-hit[0], uuid.UUID(hit[1])))


async def test_pages_of_one_walk_every_tier_without_gaps_or_repeats(
    products_app: RunningApp,
) -> None:
    tiers = await seed_tiers(products_app)
    everything = [edge["node"]["name"] for edge in await search_edges(products_app, "trail shoe")]
    walked: list[str] = []
    after = None
    for _page in range(len(everything) + 1):  # a cursor that never advances fails, not hangs
        page = (
            await products_app.execute(
                SEARCH_WITH_IDS, {"query": "trail shoe", "first": 1, "after": after}
            )
        ).ok()["searchProducts"]
        walked.extend(edge["node"]["name"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything
    assert sorted(walked) == sorted(tiers)


async def test_a_product_added_between_pages_shifts_nothing_already_seen(
    products_app: RunningApp,
) -> None:
    await seed_tiers(products_app)
    first_page = await search_edges(products_app, "trail shoe", first=4)
    before = [edge["node"]["name"] for edge in await search_edges(products_app, "trail shoe")]
    # A new best match lands somewhere in the first tier, maybe before the cursor.
    await create_product(products_app.sessionmaker, name="Trail Shoe New")
    rest = await search_edges(products_app, "trail shoe", first=100, after=first_page[-1]["cursor"])
    seen = [edge["node"]["name"] for edge in first_page + rest]
    assert len(seen) == len(set(seen))  # nothing repeated
    assert set(before) <= set(seen)  # nothing skipped


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
    for _page in range(len(everything) + 1):  # a cursor that never advances fails, not hangs
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
    "cursor",
    [
        "%%%",
        encode_cursor(["search", -3]),  # the page offsets of earlier versions
        encode_cursor(["search", 20]),
        encode_cursor(["NAME", "a", "b"]),
        encode_cursor(["search", 2, str(uuid.uuid4())]),  # "laptop" has one word, not two
        encode_cursor(["search", -1, str(uuid.uuid4())]),
        encode_cursor(["search", True, str(uuid.uuid4())]),
        encode_cursor(["search", 1, "not-an-id"]),
    ],
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
