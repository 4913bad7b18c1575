"""Per-request DataLoaders: each batch opens its own session (resolvers run concurrently)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from subgraphs.kit.database import Sessionmaker
from subgraphs.products import repository
from subgraphs.products.models import Product


class ProductLoaders:
    def __init__(self, sessionmaker: Sessionmaker) -> None:
        self._sessionmaker = sessionmaker
        self.product_by_id: DataLoader[uuid.UUID, Product | None] = DataLoader(
            load_fn=self._products_by_id
        )

    async def _products_by_id(self, ids: Sequence[uuid.UUID]) -> list[Product | None]:
        async with self._sessionmaker() as session:
            found = {
                product.id: product for product in await repository.products_by_ids(session, ids)
            }
        return [found.get(product_id) for product_id in ids]
