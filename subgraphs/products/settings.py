"""Settings of the products process (`SHOPGRAPH_PRODUCTS_*`)."""

from __future__ import annotations

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings, service_config


class ProductsSettings(ServiceSettings):
    model_config = service_config("PRODUCTS")

    service_name: str = "products"
    port: int = Field(default=4002, ge=1, le=65535)
