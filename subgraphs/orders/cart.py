"""Carts: what a customer means to buy, always shown at the products' current prices."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import Conflict, NotFound
from subgraphs.orders import limits, repository
from subgraphs.orders.errors import CartFull, CartItemNotFound, InvalidQuantity
from subgraphs.orders.models import CartItem
from subgraphs.orders.pricing import line_total, total
from subgraphs.orders.remote import ProductQuote, ProductsCatalog


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    # None when the product no longer exists in the catalog.
    quote: ProductQuote | None

    @property
    def available(self) -> bool:
        return self.quote is not None and self.quote.is_active

    @property
    def unit_price(self) -> Decimal | None:
        return None if self.quote is None else self.quote.price

    @property
    def subtotal(self) -> Decimal:
        if not self.available or self.quote is None:
            return Decimal("0.00")
        return line_total(self.quote.price, self.item.quantity)


@dataclass(frozen=True)
class CartView:
    user_id: uuid.UUID
    lines: list[CartLine]

    @property
    def total(self) -> Decimal:
        """Exact sum of the lines that can be bought now (archived products count nothing)."""
        return total(line.subtotal for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.item.quantity for line in self.lines)


class CartService:
    async def view(
        self, sessionmaker: Sessionmaker, products: ProductsCatalog, user_id: uuid.UUID
    ) -> CartView:
        """The cart with current prices: one read here, one batched call to products."""
        async with sessionmaker() as session:
            items = await repository.cart_items(session, user_id)
        return await self.priced(products, user_id, items)

    async def priced(
        self, products: ProductsCatalog, user_id: uuid.UUID, items: list[CartItem]
    ) -> CartView:
        quotes = await products.quotes([item.product_id for item in items])
        return CartView(user_id, [CartLine(item, quotes.get(item.product_id)) for item in items])

    async def add(
        self,
        session: AsyncSession,
        products: ProductsCatalog,
        user_id: uuid.UUID,
        product_id: uuid.UUID,
        quantity: int,
    ) -> None:
        """Put `quantity` more of a product in the cart; it must exist and be on sale."""
        limits.quantity(quantity)
        quote = await products.quote(product_id)
        if quote is None:
            raise NotFound("no such product", code="PRODUCT_NOT_FOUND", productId=str(product_id))
        if not quote.is_active:
            raise Conflict(
                "product is no longer sold", code="PRODUCT_UNAVAILABLE", productId=str(product_id)
            )
        existing = await repository.cart_item(session, user_id, product_id)
        if existing is not None:
            wanted = existing.quantity + quantity
            if wanted > limits.MAX_LINE_QUANTITY:
                raise InvalidQuantity(
                    f"a cart line holds at most {limits.MAX_LINE_QUANTITY}",
                    field="quantity",
                    max=limits.MAX_LINE_QUANTITY,
                    inCart=existing.quantity,
                )
            existing.quantity = wanted
            await session.flush()
            return
        if await repository.count_cart_items(session, user_id) >= limits.MAX_LINES:
            raise CartFull(f"a cart holds at most {limits.MAX_LINES} products", field="productId")
        await repository.add_cart_item(
            session, CartItem(user_id=user_id, product_id=product_id, quantity=quantity)
        )

    async def update(
        self, session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID, quantity: int
    ) -> None:
        limits.quantity(quantity)
        item = await repository.cart_item(session, user_id, product_id)
        if item is None:
            raise CartItemNotFound()
        item.quantity = quantity
        await session.flush()

    async def remove(
        self, session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID
    ) -> None:
        item = await repository.cart_item(session, user_id, product_id)
        if item is None:
            raise CartItemNotFound()
        await repository.delete_cart_item(session, item)

    async def clear(self, session: AsyncSession, user_id: uuid.UUID) -> None:
        await repository.clear_cart(session, user_id)


carts = CartService()
