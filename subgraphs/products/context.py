"""The per-request context of the products subgraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from strawberry.types import Info

from subgraphs.kit.context import ServiceContext
from subgraphs.products.loaders import ProductLoaders

if TYPE_CHECKING:
    from subgraphs.kit.app import ServiceRuntime


@dataclass(kw_only=True)
class ProductsContext(ServiceContext):
    loaders: ProductLoaders


ProductsInfo = Info[ProductsContext, None]


async def build_context(
    _runtime: ServiceRuntime, _request: Request, base: ServiceContext
) -> ServiceContext:
    context = ProductsContext(
        sessionmaker=base.sessionmaker,
        principal=base.principal,
        request_id=base.request_id,
        loaders=ProductLoaders(base.sessionmaker),
    )
    context.auth_error = base.auth_error
    return context
