"""The per-request context of the products subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from strawberry.types import Info

from subgraphs.kit.context import ServiceContext
from subgraphs.kit.database import Sessionmaker, create_sessionmaker
from subgraphs.products.loaders import ProductLoaders

if TYPE_CHECKING:
    from subgraphs.kit.app import ServiceRuntime


@dataclass(kw_only=True)
class ProductsContext(ServiceContext):
    # Reads run in autocommit sessions: no BEGIN/ROLLBACK round trips around each
    # query. Writes use `sessionmaker.begin()`, one transaction per mutation.
    reader: Sessionmaker
    loaders: ProductLoaders


ProductsInfo = Info[ProductsContext, None]


READER_KEY = "reader"


@asynccontextmanager
async def startup(runtime: ServiceRuntime) -> AsyncIterator[None]:
    """Build the read-only sessionmaker once per process, on the app's engine."""
    autocommit = runtime.engine.execution_options(isolation_level="AUTOCOMMIT")
    runtime.state[READER_KEY] = create_sessionmaker(autocommit)
    yield


async def build_context(
    runtime: ServiceRuntime, _request: Request, base: ServiceContext
) -> ServiceContext:
    reader: Sessionmaker = runtime.state[READER_KEY]
    context = ProductsContext(
        sessionmaker=base.sessionmaker,
        principal=base.principal,
        request_id=base.request_id,
        reader=reader,
        loaders=ProductLoaders(reader),
    )
    context.auth_error = base.auth_error
    return context
