"""Federation: `Product` entities resolve in one batch, and the SDL declares the key."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.products.conftest import RunningApp, create_product
from tests.support.sql import recorded_statements, selects

pytestmark = pytest.mark.asyncio(loop_scope="session")

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id name price inStock isActive }
  }
}
"""


def representation(product_id: uuid.UUID | str) -> dict[str, str]:
    return {"__typename": "Product", "id": str(product_id)}


async def test_one_hundred_representations_cost_one_select(products_app: RunningApp) -> None:
    products = [
        await create_product(products_app.sessionmaker, name=f"Widget {index:03d}")
        for index in range(100)
    ]
    with recorded_statements(products_app.engine) as statements:
        data = (
            await products_app.execute(
                ENTITIES, {"representations": [representation(p.id) for p in products]}
            )
        ).ok()
    assert [entity["name"] for entity in data["_entities"]] == [p.name for p in products]
    assert len(selects(statements)) == 1


async def test_entities_keep_request_order_and_null_unknown_ids(products_app: RunningApp) -> None:
    first = await create_product(products_app.sessionmaker, name="First")
    archived = await create_product(products_app.sessionmaker, name="Archived", is_active=False)
    unknown = uuid.uuid4()
    data = (
        await products_app.execute(
            ENTITIES,
            {
                "representations": [
                    representation(archived.id),
                    representation(unknown),
                    representation(first.id),
                ]
            },
        )
    ).ok()
    assert data["_entities"] == [
        {
            "id": str(archived.id),
            "name": "Archived",
            "price": "89.90",
            "inStock": True,
            "isActive": False,
        },
        None,
        {"id": str(first.id), "name": "First", "price": "89.90", "inStock": True, "isActive": True},
    ]


async def test_malformed_representation_id_is_invalid_id(products_app: RunningApp) -> None:
    product = await create_product(products_app.sessionmaker, name="Fine")
    result = await products_app.execute(
        ENTITIES, {"representations": [representation(product.id), representation("garbage")]}
    )
    assert result.error_codes == ["INVALID_ID"]
    assert result.data["_entities"][0]["name"] == "Fine"
    assert result.data["_entities"][1] is None


async def test_sdl_declares_the_product_key_and_federation_2(products_app: RunningApp) -> None:
    sdl = (await products_app.execute("{ _service { sdl } }")).ok()["_service"]["sdl"]
    assert 'type Product @key(fields: "id")' in sdl
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert "scalar Money" in sdl
    # Inventory operations need a scope no user token holds; catalog changes need admin.
    inventory = ' @requiresScopes(scopes: [["inventory"]])\n'
    reserve = "reserveStock(orderId: ID!, items: [StockLineInput!]!): StockReservation!"
    assert reserve + inventory in sdl
    assert "releaseStock(orderId: ID!): StockReservation" + inventory in sdl
    assert "commitStock(orderId: ID!): StockReservation!" + inventory in sdl
    admin = ' @requiresScopes(scopes: [["admin"]])\n'
    assert "createProduct(input: CreateProductInput!): Product!" + admin in sdl
