"""The per-request context of the orders subgraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from strawberry.types import Info

from subgraphs.kit.context import ServiceContext
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.loaders import OrderLoaders

if TYPE_CHECKING:
    from subgraphs.kit.app import ServiceRuntime

DEPENDENCIES_KEY = "orders_dependencies"


@dataclass(kw_only=True)
class OrdersContext(ServiceContext):
    loaders: OrderLoaders
    deps: OrdersDependencies


OrdersInfo = Info[OrdersContext, None]


async def build_context(
    runtime: ServiceRuntime, _request: Request, base: ServiceContext
) -> ServiceContext:
    context = OrdersContext(
        sessionmaker=base.sessionmaker,
        principal=base.principal,
        request_id=base.request_id,
        loaders=OrderLoaders(base.sessionmaker),
        deps=runtime.state[DEPENDENCIES_KEY],
    )
    context.auth_error = base.auth_error
    return context
