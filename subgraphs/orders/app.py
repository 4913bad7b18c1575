"""The orders process: `uvicorn --factory subgraphs.orders.app:create_app`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import FastAPI

from subgraphs.kit.app import ServiceRuntime, create_service_app
from subgraphs.kit.service_client import ServiceClient
from subgraphs.kit.trust import load_service_signer
from subgraphs.orders.context import DEPENDENCIES_KEY, build_context
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.payment_provider import PaymentProvider, SandboxPaymentProvider
from subgraphs.orders.remote import ProductsCatalog, UsersDirectory
from subgraphs.orders.schema import schema
from subgraphs.orders.settings import OrdersSettings
from subgraphs.orders.worker import running_worker


def create_app(
    settings: OrdersSettings | None = None, *, payment_provider: PaymentProvider | None = None
) -> FastAPI:
    """The orders app; `payment_provider` replaces the one the settings name (tests)."""
    settings = settings or OrdersSettings()

    @contextlib.asynccontextmanager
    async def startup(runtime: ServiceRuntime) -> AsyncIterator[None]:
        signer = load_service_signer(settings)
        clients = [
            ServiceClient(
                name=name,
                url=url,
                signer=signer,
                caller=settings.service_name,
                timeout_seconds=settings.service_timeout_seconds,
            )
            for name, url in (("users", settings.users_url), ("products", settings.products_url))
        ]
        users, products = clients
        deps = OrdersDependencies(
            users=UsersDirectory(users),
            products=ProductsCatalog(products),
            payments=payment_provider or SandboxPaymentProvider(),
            payment_window=timedelta(seconds=settings.payment_window_seconds),
        )
        runtime.state[DEPENDENCIES_KEY] = deps
        try:
            if settings.worker_enabled:
                async with running_worker(
                    runtime.sessionmaker, deps, interval_seconds=settings.worker_interval_seconds
                ):
                    yield
            else:
                yield
        finally:
            for client in clients:
                await client.aclose()

    return create_service_app(
        settings=settings, schema=schema, build_context=build_context, startup=startup
    )
