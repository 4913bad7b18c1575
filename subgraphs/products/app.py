"""The products process: `uvicorn --factory subgraphs.products.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from subgraphs.kit.app import create_service_app
from subgraphs.products.context import build_context, startup
from subgraphs.products.schema import schema
from subgraphs.products.settings import ProductsSettings


def create_app(settings: ProductsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or ProductsSettings(),
        schema=schema,
        build_context=build_context,
        startup=startup,
    )
