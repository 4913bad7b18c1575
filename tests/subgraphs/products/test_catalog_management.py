"""Admin catalog management: create, update, archive, adjust stock, and who may."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from subgraphs.products.models import StockAdjustment
from tests.subgraphs.products.conftest import RunningApp, Tokens, create_product, stock_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

CREATE = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    id name description price stockQuantity inStock category imageUrl isActive
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateProductInput!) {
  updateProduct(id: $id, input: $input) { id name description price category imageUrl }
}
"""
DELETE = "mutation($id: ID!) { deleteProduct(id: $id) { id isActive } }"
ADJUST = """
mutation($id: ID!, $delta: Int!, $reason: String!) {
  adjustStock(productId: $id, delta: $delta, reason: $reason) { id stockQuantity inStock }
}
"""
LIST_NAMES = "{ products(first: 100) { totalCount edges { node { name } } } }"

VALID_INPUT = {
    "name": "  Walnut Cutting Board ",
    "price": "34.50",
    "category": "Kitchen",
    "description": "End grain",
    "stockQuantity": 12,
    "imageUrl": "https://img.example/board.jpg",
}


async def test_admin_creates_a_product(products_app: RunningApp, tokens: Tokens) -> None:
    data = (await products_app.execute(CREATE, {"input": VALID_INPUT}, token=tokens.admin)).ok()[
        "createProduct"
    ]
    assert data["name"] == "Walnut Cutting Board"
    assert data["price"] == "34.50"
    assert data["stockQuantity"] == 12
    assert data["inStock"] is True
    assert data["isActive"] is True
    found = (
        await products_app.execute(
            "query($id: ID!) { product(id: $id) { name } }", {"id": data["id"]}
        )
    ).ok()
    assert found["product"]["name"] == "Walnut Cutting Board"


async def test_created_product_price_keeps_every_cent(
    products_app: RunningApp, tokens: Tokens
) -> None:
    payload = {**VALID_INPUT, "price": "0.10"}
    first = (await products_app.execute(CREATE, {"input": payload}, token=tokens.admin)).ok()
    payload = {**VALID_INPUT, "price": "0.20"}
    second = (await products_app.execute(CREATE, {"input": payload}, token=tokens.admin)).ok()
    assert first["createProduct"]["price"] == "0.10"
    assert second["createProduct"]["price"] == "0.20"
    listed = (
        await products_app.execute(
            '{ products(filter: {minPrice: "0.30", maxPrice: "0.30"}) { totalCount } }'
        )
    ).ok()
    assert listed["products"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"price": "-0.01"}, "INVALID_PRICE"),
        ({"price": "100000000000.00"}, "INVALID_PRICE"),
        ({"price": "1.999"}, "INVALID_MONEY"),
        ({"price": "ten"}, "INVALID_MONEY"),
        ({"price": 19.99}, "INVALID_MONEY"),
        ({"name": ""}, "INVALID_NAME"),
        ({"name": "   "}, "INVALID_NAME"),
        ({"name": "x" * 201}, "INVALID_NAME"),
        ({"category": ""}, "INVALID_CATEGORY"),
        ({"category": "c" * 61}, "INVALID_CATEGORY"),
        ({"description": "d" * 5001}, "INVALID_DESCRIPTION"),
        ({"stockQuantity": -1}, "INVALID_STOCK_QUANTITY"),
        ({"imageUrl": "javascript:alert(1)"}, "INVALID_IMAGE_URL"),
    ],
)
async def test_bad_product_input_is_refused_with_its_code(
    products_app: RunningApp, tokens: Tokens, change: dict[str, object], code: str
) -> None:
    result = await products_app.execute(
        CREATE, {"input": {**VALID_INPUT, **change}}, token=tokens.admin
    )
    assert code in result.error_codes
    assert (await products_app.execute(LIST_NAMES)).ok()["products"]["totalCount"] == 0


async def test_admin_updates_only_the_fields_sent(products_app: RunningApp, tokens: Tokens) -> None:
    product = await create_product(
        products_app.sessionmaker,
        name="Desk Lamp",
        price="30.00",
        image_url="https://a.example/x.png",
    )
    data = (
        await products_app.execute(
            UPDATE, {"id": str(product.id), "input": {"price": "27.50"}}, token=tokens.admin
        )
    ).ok()["updateProduct"]
    assert data["price"] == "27.50"
    assert data["name"] == "Desk Lamp"
    assert data["imageUrl"] == "https://a.example/x.png"
    cleared = (
        await products_app.execute(
            UPDATE,
            {"id": str(product.id), "input": {"imageUrl": None, "name": "Desk Lamp II"}},
            token=tokens.admin,
        )
    ).ok()["updateProduct"]
    assert cleared["imageUrl"] is None
    assert cleared["name"] == "Desk Lamp II"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": None}, "INVALID_NAME"),
        ({"price": None}, "INVALID_PRICE"),
        ({"price": "-5.00"}, "INVALID_PRICE"),
        ({"category": None}, "INVALID_CATEGORY"),
        ({"name": "n" * 201}, "INVALID_NAME"),
    ],
)
async def test_bad_updates_are_refused(
    products_app: RunningApp, tokens: Tokens, change: dict[str, object], code: str
) -> None:
    product = await create_product(products_app.sessionmaker, name="Desk Lamp")
    result = await products_app.execute(
        UPDATE, {"id": str(product.id), "input": change}, token=tokens.admin
    )
    assert result.error_codes == [code]


async def test_updating_a_missing_product_is_product_not_found(
    products_app: RunningApp, tokens: Tokens
) -> None:
    result = await products_app.execute(
        UPDATE, {"id": str(uuid.uuid4()), "input": {"name": "x"}}, token=tokens.admin
    )
    assert result.error_codes == ["PRODUCT_NOT_FOUND"]


async def test_delete_archives_the_product_and_is_repeatable(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, name="Old Radio")
    for _ in range(2):
        data = (
            await products_app.execute(DELETE, {"id": str(product.id)}, token=tokens.admin)
        ).ok()["deleteProduct"]
        assert data == {"id": str(product.id), "isActive": False}
    assert (await products_app.execute(LIST_NAMES)).ok()["products"]["totalCount"] == 0
    entity = (
        await products_app.execute(
            "query($r: [_Any!]!) "
            "{ _entities(representations: $r) { ... on Product { name isActive } } }",
            {"r": [{"__typename": "Product", "id": str(product.id)}]},
        )
    ).ok()
    assert entity["_entities"] == [{"name": "Old Radio", "isActive": False}]
    update = await products_app.execute(
        UPDATE, {"id": str(product.id), "input": {"name": "New"}}, token=tokens.admin
    )
    assert update.error_codes == ["PRODUCT_UNAVAILABLE"]


async def test_deleting_a_missing_product_is_product_not_found(
    products_app: RunningApp, tokens: Tokens
) -> None:
    result = await products_app.execute(DELETE, {"id": str(uuid.uuid4())}, token=tokens.admin)
    assert result.error_codes == ["PRODUCT_NOT_FOUND"]


async def test_adjust_stock_moves_stock_and_records_why(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=5)
    added = (
        await products_app.execute(
            ADJUST, {"id": str(product.id), "delta": 7, "reason": "delivery"}, token=tokens.admin
        )
    ).ok()["adjustStock"]
    assert added["stockQuantity"] == 12
    removed = (
        await products_app.execute(
            ADJUST, {"id": str(product.id), "delta": -12, "reason": "damaged"}, token=tokens.admin
        )
    ).ok()["adjustStock"]
    assert removed == {"id": str(product.id), "stockQuantity": 0, "inStock": False}
    async with products_app.sessionmaker() as session:
        audit = list(
            await session.scalars(
                select(StockAdjustment)
                .where(StockAdjustment.product_id == product.id)
                .order_by(StockAdjustment.stock_after.desc())
            )
        )
    assert [(row.delta, row.reason, row.stock_after) for row in audit] == [
        (7, "delivery", 12),
        (-12, "damaged", 0),
    ]


async def test_adjust_stock_never_goes_below_zero(products_app: RunningApp, tokens: Tokens) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=3)
    result = await products_app.execute(
        ADJUST, {"id": str(product.id), "delta": -4, "reason": "count"}, token=tokens.admin
    )
    assert result.error_codes == ["INSUFFICIENT_STOCK"]
    assert result.errors[0]["extensions"]["details"] == {
        "productId": str(product.id),
        "requested": 4,
        "available": 3,
    }
    assert await stock_of(products_app.sessionmaker, product.id) == 3


@pytest.mark.parametrize(
    ("delta", "reason", "code"),
    [
        (0, "nothing", "INVALID_DELTA"),
        (5, "", "INVALID_REASON"),
        (5, "r" * 201, "INVALID_REASON"),
        (2_000_000_000, "too many", "INVALID_DELTA"),
    ],
)
async def test_bad_stock_adjustments_are_refused(
    products_app: RunningApp, tokens: Tokens, delta: int, reason: str, code: str
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=3)
    result = await products_app.execute(
        ADJUST, {"id": str(product.id), "delta": delta, "reason": reason}, token=tokens.admin
    )
    assert result.error_codes == [code]
    assert await stock_of(products_app.sessionmaker, product.id) == 3


async def test_stock_cannot_grow_past_its_limit(products_app: RunningApp, tokens: Tokens) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=999_999_999)
    result = await products_app.execute(
        ADJUST, {"id": str(product.id), "delta": 2, "reason": "delivery"}, token=tokens.admin
    )
    assert result.error_codes == ["STOCK_LIMIT_EXCEEDED"]


@pytest.mark.parametrize("who", ["customer", "service", "anonymous", "garbage"])
async def test_only_admins_manage_the_catalog(
    products_app: RunningApp, tokens: Tokens, who: str
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=3, name="Kept")
    token = {
        "customer": tokens.customer,
        "service": tokens.service,
        "anonymous": None,
        "garbage": "not.a.token",
    }[who]
    expected = "FORBIDDEN" if who in ("customer", "service") else "UNAUTHENTICATED"
    attempts = [
        (CREATE, {"input": VALID_INPUT}),
        (UPDATE, {"id": str(product.id), "input": {"name": "Hacked"}}),
        (DELETE, {"id": str(product.id)}),
        (ADJUST, {"id": str(product.id), "delta": 100, "reason": "free stuff"}),
    ]
    for mutation, variables in attempts:
        result = await products_app.execute(mutation, variables, token=token)
        assert result.error_codes == [expected], mutation
    listed = (await products_app.execute(LIST_NAMES)).ok()["products"]
    assert [edge["node"]["name"] for edge in listed["edges"]] == ["Kept"]
    assert await stock_of(products_app.sessionmaker, product.id) == 3


async def test_text_with_a_nul_character_is_bad_input_not_an_internal_error(
    products_app: RunningApp, tokens: Tokens
) -> None:
    # PostgreSQL cannot store U+0000; the service refuses it before any resolver runs.
    named = await products_app.execute(
        CREATE, {"input": {**VALID_INPUT, "name": "Cutting\x00Board"}}, token=tokens.admin
    )
    assert named.error_codes == ["BAD_USER_INPUT"]
    assert named.errors[0]["extensions"]["details"]["field"] == "variables.input.name"
    filtered = await products_app.execute(
        '{ products(filter: {category: "Kit\\u0000chen"}) { totalCount } }'
    )
    assert filtered.error_codes == ["BAD_USER_INPUT"]
    assert (await products_app.execute(LIST_NAMES)).ok()["products"]["totalCount"] == 0
