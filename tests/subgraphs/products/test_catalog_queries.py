"""Reading the catalog: one product, filtered and sorted listings, categories."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from subgraphs.kit.pagination import encode_cursor
from tests.subgraphs.products.conftest import RunningApp, create_product

pytestmark = pytest.mark.asyncio(loop_scope="session")

PRODUCT_FIELDS = """
    id name description price stockQuantity inStock category imageUrl isActive
    createdAt updatedAt
"""
PRODUCT = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"
LIST = """
query($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name price stockQuantity inStock category } }
  }
}
"""


async def test_product_by_id_returns_every_field_with_an_exact_price(
    products_app: RunningApp,
) -> None:
    product = await create_product(
        products_app.sessionmaker,
        name="Espresso Machine",
        price="249.99",
        stock_quantity=3,
        category="Kitchen",
        description="15 bar pump",
        image_url="https://img.example/espresso.jpg",
    )
    data = (await products_app.execute(PRODUCT, {"id": str(product.id)})).ok()
    found = data["product"]
    assert found["id"] == str(product.id)
    assert found["name"] == "Espresso Machine"
    assert found["price"] == "249.99"
    assert found["stockQuantity"] == 3
    assert found["inStock"] is True
    assert found["category"] == "Kitchen"
    assert found["description"] == "15 bar pump"
    assert found["imageUrl"] == "https://img.example/espresso.jpg"
    assert found["isActive"] is True
    assert found["createdAt"]
    assert found["updatedAt"]


async def test_product_without_stock_is_not_in_stock(products_app: RunningApp) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=0)
    data = (await products_app.execute(PRODUCT, {"id": str(product.id)})).ok()
    assert data["product"]["inStock"] is False


async def test_unknown_product_id_is_null(products_app: RunningApp) -> None:
    data = (await products_app.execute(PRODUCT, {"id": str(uuid.uuid4())})).ok()
    assert data["product"] is None


async def test_malformed_product_id_is_invalid_id(products_app: RunningApp) -> None:
    result = await products_app.execute(PRODUCT, {"id": "1; DROP TABLE products"})
    assert result.error_codes == ["INVALID_ID"]


async def test_archived_product_stays_readable_by_id(products_app: RunningApp) -> None:
    product = await create_product(products_app.sessionmaker, is_active=False)
    data = (await products_app.execute(PRODUCT, {"id": str(product.id)})).ok()
    assert data["product"]["isActive"] is False


async def seed_catalog(app: RunningApp) -> dict[str, uuid.UUID]:
    rows = [
        ("Alpine Tent", "349.00", 4, "Outdoors"),
        ("Camp Stove", "59.50", 0, "Outdoors"),
        ("Headlamp", "24.99", 30, "Outdoors"),
        ("Chef Knife", "89.00", 12, "Kitchen"),
        ("Cast Iron Pan", "45.00", 7, "Kitchen"),
        ("Kettle", "45.00", 0, "Kitchen"),
        ("Laptop Stand", "39.90", 15, "Electronics"),
    ]
    ids = {}
    for name, price, stock, category in rows:
        product = await create_product(
            app.sessionmaker, name=name, price=price, stock_quantity=stock, category=category
        )
        ids[name] = product.id
    await create_product(app.sessionmaker, name="Old Lantern", category="Outdoors", is_active=False)
    return ids


async def test_listing_defaults_to_active_products_by_name(products_app: RunningApp) -> None:
    await seed_catalog(products_app)
    data = (await products_app.execute(LIST)).ok()["products"]
    names = [edge["node"]["name"] for edge in data["edges"]]
    assert names == sorted(names)
    assert "Old Lantern" not in names
    assert data["totalCount"] == 7
    assert data["pageInfo"]["hasNextPage"] is False
    assert data["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize(
    ("product_filter", "expected"),
    [
        ({"category": "Kitchen"}, {"Chef Knife", "Cast Iron Pan", "Kettle"}),
        (
            {"minPrice": "45.00", "maxPrice": "89.00"},
            {"Chef Knife", "Cast Iron Pan", "Kettle", "Camp Stove"},
        ),
        ({"inStock": False}, {"Camp Stove", "Kettle"}),
        ({"inStock": True, "category": "Outdoors"}, {"Alpine Tent", "Headlamp"}),
        ({"category": "Kitchen", "maxPrice": "45.00", "inStock": True}, {"Cast Iron Pan"}),
    ],
)
async def test_listing_filters_combine(
    products_app: RunningApp, product_filter: dict[str, object], expected: set[str]
) -> None:
    await seed_catalog(products_app)
    data = (await products_app.execute(LIST, {"filter": product_filter})).ok()["products"]
    assert {edge["node"]["name"] for edge in data["edges"]} == expected
    assert data["totalCount"] == len(expected)


async def test_listing_filter_by_ids_returns_only_those_archived_included(
    products_app: RunningApp,
) -> None:
    ids = await seed_catalog(products_app)
    archived = await create_product(products_app.sessionmaker, name="Gone", is_active=False)
    wanted = [str(ids["Kettle"]), str(ids["Headlamp"]), str(archived.id), str(uuid.uuid4())]
    data = (await products_app.execute(LIST, {"filter": {"ids": wanted}})).ok()["products"]
    assert {edge["node"]["name"] for edge in data["edges"]} == {"Kettle", "Headlamp", "Gone"}
    assert data["totalCount"] == 3


async def collect_pages(app: RunningApp, sort: dict[str, str], first: int) -> list[dict]:
    nodes: list[dict] = []
    after = None
    for _ in range(20):
        page = (await app.execute(LIST, {"sort": sort, "first": first, "after": after})).ok()[
            "products"
        ]
        nodes.extend(edge["node"] for edge in page["edges"])
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    raise AssertionError("pagination never ended")


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("field", ["NAME", "PRICE", "CREATED_AT"])
async def test_cursor_pages_walk_the_whole_sorted_listing_once(
    products_app: RunningApp, field: str, direction: str
) -> None:
    await seed_catalog(products_app)
    sort = {"field": field, "direction": direction}
    everything = (await products_app.execute(LIST, {"sort": sort, "first": 100})).ok()
    expected = [edge["node"] for edge in everything["products"]["edges"]]
    walked = await collect_pages(products_app, sort, first=2)
    assert walked == expected
    assert len({node["id"] for node in walked}) == 7
    if field == "PRICE":
        prices = [Decimal(node["price"]) for node in walked]
        assert prices == sorted(prices, reverse=direction == "DESC")
    if field == "NAME":
        names = [node["name"] for node in walked]
        assert names == sorted(names, reverse=direction == "DESC")


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_outside_1_to_100_is_refused(products_app: RunningApp, first: int) -> None:
    result = await products_app.execute(LIST, {"first": first})
    assert result.error_codes == ["INVALID_PAGE_SIZE"]


@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor!!", "", encode_cursor(["NAME"]), encode_cursor(["NAME", "x", "not-a-uuid"])],
)
async def test_malformed_cursor_is_refused(products_app: RunningApp, cursor: str) -> None:
    result = await products_app.execute(LIST, {"after": cursor})
    assert result.error_codes == ["INVALID_CURSOR"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "12,50"])
async def test_price_cursor_with_a_non_number_is_refused(
    products_app: RunningApp, value: str
) -> None:
    cursor = encode_cursor(["PRICE", value, str(uuid.uuid4())])
    result = await products_app.execute(LIST, {"after": cursor, "sort": {"field": "PRICE"}})
    assert result.error_codes == ["INVALID_CURSOR"]


async def test_cursor_of_another_sort_is_refused(products_app: RunningApp) -> None:
    await seed_catalog(products_app)
    page = (await products_app.execute(LIST, {"first": 1})).ok()["products"]
    result = await products_app.execute(
        LIST, {"after": page["pageInfo"]["endCursor"], "sort": {"field": "PRICE"}}
    )
    assert result.error_codes == ["INVALID_CURSOR"]


async def test_unknown_category_filter_is_refused(products_app: RunningApp) -> None:
    await seed_catalog(products_app)
    result = await products_app.execute(LIST, {"filter": {"category": "Spaceships"}})
    assert result.error_codes == ["UNKNOWN_CATEGORY"]


@pytest.mark.parametrize(
    ("product_filter", "code"),
    [
        ({"minPrice": "50.00", "maxPrice": "10.00"}, "INVALID_PRICE_RANGE"),
        ({"minPrice": "-1.00"}, "INVALID_PRICE"),
        ({"category": "   "}, "INVALID_CATEGORY"),
        ({"ids": ["nope"]}, "INVALID_ID"),
        ({"ids": [str(uuid.uuid4()) for _ in range(101)]}, "TOO_MANY_IDS"),
    ],
)
async def test_bad_filters_are_refused_with_their_code(
    products_app: RunningApp, product_filter: dict[str, object], code: str
) -> None:
    result = await products_app.execute(LIST, {"filter": product_filter})
    assert result.error_codes == [code]


async def test_categories_count_active_products_by_name(products_app: RunningApp) -> None:
    await seed_catalog(products_app)
    data = (await products_app.execute("{ categories { name productCount } }")).ok()["categories"]
    assert data == [
        {"name": "Electronics", "productCount": 1},
        {"name": "Kitchen", "productCount": 3},
        {"name": "Outdoors", "productCount": 3},
    ]
