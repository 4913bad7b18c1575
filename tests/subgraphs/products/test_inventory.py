"""Inventory for orders: reserve all or nothing, release, commit, retries, and who may."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from subgraphs.products.models import StockReservation
from tests.subgraphs.products.conftest import RunningApp, Tokens, create_product, stock_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

RESERVATION = "orderId state lines { productId quantity unitPrice }"
RESERVE = f"""
mutation($orderId: ID!, $items: [StockLineInput!]!) {{
  reserveStock(orderId: $orderId, items: $items) {{ {RESERVATION} }}
}}
"""
RELEASE = f"mutation($orderId: ID!) {{ releaseStock(orderId: $orderId) {{ {RESERVATION} }} }}"
COMMIT = f"mutation($orderId: ID!) {{ commitStock(orderId: $orderId) {{ {RESERVATION} }} }}"


def line(product_id: uuid.UUID, quantity: int) -> dict[str, object]:
    return {"productId": str(product_id), "quantity": quantity}


async def reservation_rows(app: RunningApp, order_id: str) -> list[tuple[uuid.UUID, int, str]]:
    async with app.sessionmaker() as session:
        rows = await session.scalars(
            select(StockReservation).where(StockReservation.order_id == uuid.UUID(order_id))
        )
        return sorted((row.product_id, row.quantity, row.state) for row in rows)


async def test_reserve_takes_stock_and_returns_current_prices(
    products_app: RunningApp, tokens: Tokens
) -> None:
    tent = await create_product(products_app.sessionmaker, price="349.00", stock_quantity=4)
    stove = await create_product(products_app.sessionmaker, price="59.50", stock_quantity=9)
    order_id = str(uuid.uuid4())
    data = (
        await products_app.execute(
            RESERVE,
            {"orderId": order_id, "items": [line(tent.id, 2), line(stove.id, 1)]},
            token=tokens.service,
        )
    ).ok()["reserveStock"]
    assert data["orderId"] == order_id
    assert data["state"] == "RESERVED"
    assert sorted(data["lines"], key=lambda item: item["quantity"]) == [
        {"productId": str(stove.id), "quantity": 1, "unitPrice": "59.50"},
        {"productId": str(tent.id), "quantity": 2, "unitPrice": "349.00"},
    ]
    assert await stock_of(products_app.sessionmaker, tent.id) == 2
    assert await stock_of(products_app.sessionmaker, stove.id) == 8


async def test_repeated_product_lines_are_added_up(
    products_app: RunningApp, tokens: Tokens
) -> None:
    mug = await create_product(products_app.sessionmaker, stock_quantity=5)
    order_id = str(uuid.uuid4())
    data = (
        await products_app.execute(
            RESERVE,
            {"orderId": order_id, "items": [line(mug.id, 1), line(mug.id, 2)]},
            token=tokens.service,
        )
    ).ok()["reserveStock"]
    assert data["lines"] == [{"productId": str(mug.id), "quantity": 3, "unitPrice": "89.90"}]
    assert await stock_of(products_app.sessionmaker, mug.id) == 2


async def test_multi_line_reservation_with_one_line_short_reserves_nothing(
    products_app: RunningApp, tokens: Tokens
) -> None:
    plenty = await create_product(products_app.sessionmaker, stock_quantity=50)
    scarce = await create_product(products_app.sessionmaker, stock_quantity=2)
    also_plenty = await create_product(products_app.sessionmaker, stock_quantity=50)
    order_id = str(uuid.uuid4())
    result = await products_app.execute(
        RESERVE,
        {
            "orderId": order_id,
            "items": [line(plenty.id, 5), line(scarce.id, 3), line(also_plenty.id, 5)],
        },
        token=tokens.service,
    )
    assert result.error_codes == ["INSUFFICIENT_STOCK"]
    assert result.errors[0]["extensions"]["details"] == {
        "productId": str(scarce.id),
        "requested": 3,
        "available": 2,
    }
    assert await stock_of(products_app.sessionmaker, plenty.id) == 50
    assert await stock_of(products_app.sessionmaker, scarce.id) == 2
    assert await stock_of(products_app.sessionmaker, also_plenty.id) == 50
    assert await reservation_rows(products_app, order_id) == []


async def test_reserving_an_unknown_product_is_product_not_found_and_reserves_nothing(
    products_app: RunningApp, tokens: Tokens
) -> None:
    real = await create_product(products_app.sessionmaker, stock_quantity=5)
    missing = uuid.uuid4()
    order_id = str(uuid.uuid4())
    result = await products_app.execute(
        RESERVE,
        {"orderId": order_id, "items": [line(real.id, 1), line(missing, 1)]},
        token=tokens.service,
    )
    assert result.error_codes == ["PRODUCT_NOT_FOUND"]
    assert result.errors[0]["extensions"]["details"] == {"productId": str(missing)}
    assert await stock_of(products_app.sessionmaker, real.id) == 5


async def test_reserving_an_archived_product_is_product_unavailable(
    products_app: RunningApp, tokens: Tokens
) -> None:
    archived = await create_product(products_app.sessionmaker, stock_quantity=5, is_active=False)
    result = await products_app.execute(
        RESERVE,
        {"orderId": str(uuid.uuid4()), "items": [line(archived.id, 1)]},
        token=tokens.service,
    )
    assert result.error_codes == ["PRODUCT_UNAVAILABLE"]
    assert await stock_of(products_app.sessionmaker, archived.id) == 5


BAD_LINES: dict[str, tuple[str, object]] = {
    "no lines": ("EMPTY_ITEMS", []),
    "malformed product id": ("INVALID_ID", [{"productId": "PRODUCT", "quantity": 1}]),
    "zero quantity": ("INVALID_QUANTITY", "zero"),
    "negative quantity": ("INVALID_QUANTITY", "negative"),
    "over 100 lines": ("TOO_MANY_ITEMS", [line(uuid.uuid4(), 1) for _ in range(101)]),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
async def test_bad_reservation_input_is_refused(
    products_app: RunningApp, tokens: Tokens, case: str
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=5)
    code, lines = BAD_LINES[case]
    if lines == "zero":
        lines = [line(product.id, 0)]
    elif lines == "negative":
        lines = [line(product.id, -2)]
    result = await products_app.execute(
        RESERVE, {"orderId": str(uuid.uuid4()), "items": lines}, token=tokens.service
    )
    assert result.error_codes == [code]
    assert await stock_of(products_app.sessionmaker, product.id) == 5


async def test_malformed_order_id_is_refused(products_app: RunningApp, tokens: Tokens) -> None:
    for mutation, variables in [
        (RESERVE, {"orderId": "order-1", "items": [line(uuid.uuid4(), 1)]}),
        (RELEASE, {"orderId": "order-1"}),
        (COMMIT, {"orderId": "order-1"}),
    ]:
        result = await products_app.execute(mutation, variables, token=tokens.service)
        assert result.error_codes == ["INVALID_ID"]


async def test_reserve_retry_returns_the_first_reservation_without_taking_more(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    variables = {"orderId": str(uuid.uuid4()), "items": [line(product.id, 4)]}
    first = (await products_app.execute(RESERVE, variables, token=tokens.service)).ok()
    second = (await products_app.execute(RESERVE, variables, token=tokens.service)).ok()
    assert first == second
    assert await stock_of(products_app.sessionmaker, product.id) == 6
    assert await reservation_rows(products_app, variables["orderId"]) == [
        (product.id, 4, "RESERVED")
    ]


async def test_reserve_retry_keeps_the_price_it_reserved_at(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, price="10.00", stock_quantity=10)
    variables = {"orderId": str(uuid.uuid4()), "items": [line(product.id, 1)]}
    (await products_app.execute(RESERVE, variables, token=tokens.service)).ok()
    (
        await products_app.execute(
            'mutation($id: ID!) { updateProduct(id: $id, input: {price: "12.00"}) { id } }',
            {"id": str(product.id)},
            token=tokens.admin,
        )
    ).ok()
    retry = (await products_app.execute(RESERVE, variables, token=tokens.service)).ok()
    assert retry["reserveStock"]["lines"][0]["unitPrice"] == "10.00"


async def test_same_order_with_other_lines_is_a_reservation_conflict(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    (
        await products_app.execute(
            RESERVE, {"orderId": order_id, "items": [line(product.id, 1)]}, token=tokens.service
        )
    ).ok()
    result = await products_app.execute(
        RESERVE, {"orderId": order_id, "items": [line(product.id, 2)]}, token=tokens.service
    )
    assert result.error_codes == ["RESERVATION_CONFLICT"]
    assert await stock_of(products_app.sessionmaker, product.id) == 9


async def test_release_returns_the_stock_once_however_often_it_is_retried(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    (
        await products_app.execute(
            RESERVE, {"orderId": order_id, "items": [line(product.id, 3)]}, token=tokens.service
        )
    ).ok()
    for _ in range(3):
        data = (
            await products_app.execute(RELEASE, {"orderId": order_id}, token=tokens.service)
        ).ok()["releaseStock"]
        assert data["state"] == "RELEASED"
        assert await stock_of(products_app.sessionmaker, product.id) == 10
    assert await reservation_rows(products_app, order_id) == [(product.id, 3, "RELEASED")]


async def test_release_of_an_order_never_reserved_is_null(
    products_app: RunningApp, tokens: Tokens
) -> None:
    data = (
        await products_app.execute(RELEASE, {"orderId": str(uuid.uuid4())}, token=tokens.service)
    ).ok()
    assert data == {"releaseStock": None}


async def test_commit_is_final_and_repeatable(products_app: RunningApp, tokens: Tokens) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    (
        await products_app.execute(
            RESERVE, {"orderId": order_id, "items": [line(product.id, 3)]}, token=tokens.service
        )
    ).ok()
    for _ in range(2):
        data = (
            await products_app.execute(COMMIT, {"orderId": order_id}, token=tokens.service)
        ).ok()["commitStock"]
        assert data["state"] == "COMMITTED"
    assert await stock_of(products_app.sessionmaker, product.id) == 7
    release = await products_app.execute(RELEASE, {"orderId": order_id}, token=tokens.service)
    assert release.error_codes == ["RESERVATION_CONFLICT"]
    assert await stock_of(products_app.sessionmaker, product.id) == 7
    assert await reservation_rows(products_app, order_id) == [(product.id, 3, "COMMITTED")]


async def test_commit_after_release_is_a_reservation_conflict(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    (
        await products_app.execute(
            RESERVE, {"orderId": order_id, "items": [line(product.id, 3)]}, token=tokens.service
        )
    ).ok()
    (await products_app.execute(RELEASE, {"orderId": order_id}, token=tokens.service)).ok()
    result = await products_app.execute(COMMIT, {"orderId": order_id}, token=tokens.service)
    assert result.error_codes == ["RESERVATION_CONFLICT"]
    assert await stock_of(products_app.sessionmaker, product.id) == 10


async def test_commit_without_a_reservation_is_reservation_not_found(
    products_app: RunningApp, tokens: Tokens
) -> None:
    result = await products_app.execute(
        COMMIT, {"orderId": str(uuid.uuid4())}, token=tokens.service
    )
    assert result.error_codes == ["RESERVATION_NOT_FOUND"]


@pytest.mark.parametrize("who", ["customer", "admin", "anonymous"])
async def test_only_a_service_credential_may_touch_inventory(
    products_app: RunningApp, tokens: Tokens, who: str
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    (
        await products_app.execute(
            RESERVE, {"orderId": order_id, "items": [line(product.id, 2)]}, token=tokens.service
        )
    ).ok()
    token = {"customer": tokens.customer, "admin": tokens.admin, "anonymous": None}[who]
    expected = "UNAUTHENTICATED" if token is None else "FORBIDDEN"
    attempts = [
        (RESERVE, {"orderId": str(uuid.uuid4()), "items": [line(product.id, 5)]}),
        (RELEASE, {"orderId": order_id}),
        (COMMIT, {"orderId": order_id}),
    ]
    for mutation, variables in attempts:
        result = await products_app.execute(mutation, variables, token=token)
        assert result.error_codes == [expected]
    assert await stock_of(products_app.sessionmaker, product.id) == 8
    assert await reservation_rows(products_app, order_id) == [(product.id, 2, "RESERVED")]


async def test_concurrent_retries_of_reserve_and_release_act_once(
    products_app: RunningApp, tokens: Tokens
) -> None:
    product = await create_product(products_app.sessionmaker, stock_quantity=10)
    order_id = str(uuid.uuid4())
    reserve = {"orderId": order_id, "items": [line(product.id, 4)]}
    reserved = await asyncio.gather(
        *(products_app.execute(RESERVE, reserve, token=tokens.service) for _ in range(8))
    )
    assert [result.errors for result in reserved] == [[]] * 8
    assert await stock_of(products_app.sessionmaker, product.id) == 6
    released = await asyncio.gather(
        *(
            products_app.execute(RELEASE, {"orderId": order_id}, token=tokens.service)
            for _ in range(8)
        )
    )
    assert [result.errors for result in released] == [[]] * 8
    assert await stock_of(products_app.sessionmaker, product.id) == 10
    assert await reservation_rows(products_app, order_id) == [(product.id, 4, "RELEASED")]
