"""Demo data for development: the demo customer's cart, the same on every run.

Orders cannot be seeded on their own: a real order holds a stock reservation in
products, made by `placeOrder`. A cart needs only product ids, so the demo
customer (fixed id in the users seed) starts with two demo products in the cart
(ids derived from product names as the products seed documents). Idempotent:
lines already there are left as they are.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from subgraphs.kit.database import Sessionmaker
from subgraphs.orders.models import CartItem

DEMO_CUSTOMER_ID = uuid.UUID("c0000000-0000-4000-8000-000000000002")
# The products seed names its ids uuid5(namespace, "demo-product:<name>").
DEMO_PRODUCTS_NAMESPACE = uuid.UUID("5b0f3c1e-8a4e-4d0b-9b7e-6b7f3f0d2a10")
DEMO_CART = (("Aurora Wireless Headphones", 1), ("Voltix Bluetooth Speaker", 2))


def demo_product_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_PRODUCTS_NAMESPACE, f"demo-product:{name}")


def demo_cart() -> list[CartItem]:
    return [
        CartItem(
            id=uuid.uuid5(DEMO_PRODUCTS_NAMESPACE, f"demo-cart:{name}"),
            user_id=DEMO_CUSTOMER_ID,
            product_id=demo_product_id(name),
            quantity=quantity,
        )
        for name, quantity in DEMO_CART
    ]


async def seed(sessionmaker: Sessionmaker) -> None:
    """Put the demo cart lines that are missing."""
    wanted = demo_cart()
    async with sessionmaker.begin() as session:
        present = set(
            await session.scalars(
                select(CartItem.product_id).where(CartItem.user_id == DEMO_CUSTOMER_ID)
            )
        )
        session.add_all(item for item in wanted if item.product_id not in present)
