"""Orders settings: `SHOPGRAPH_ORDERS_*`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings, service_config


class OrdersSettings(ServiceSettings):
    model_config = service_config("ORDERS")

    service_name: str = "orders"
    port: int = Field(default=4003, ge=1, le=65535)

    users_url: str = "http://127.0.0.1:4001/graphql"
    products_url: str = "http://127.0.0.1:4002/graphql"
    # Calls to the other services are short: a slow dependency becomes a clear
    # error for the caller rather than a hung checkout.
    service_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    # An unpaid order holds stock; after this long it is cancelled and the stock
    # goes back on sale.
    payment_window_seconds: float = Field(default=30 * 60, gt=0)
    # How often the background worker looks for expired orders and for stock
    # reservations whose release or commit has not reached the products service yet.
    worker_interval_seconds: float = Field(default=30.0, gt=0)
    worker_enabled: bool = True

    payment_provider: Literal["sandbox"] = "sandbox"

    def production_problems(self) -> list[str]:
        problems: list[str] = []
        if self.payment_provider == "sandbox":
            problems.append("SHOPGRAPH_ORDERS_PAYMENT_PROVIDER (the sandbox never charges)")
        return problems
