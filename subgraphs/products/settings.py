"""Settings of the products process (`SHOPGRAPH_PRODUCTS_*`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings, service_config


class ProductsSettings(ServiceSettings):
    model_config = service_config("PRODUCTS")

    # Every read's best plan depends on its values: how common a search word is
    # decides between walking the primary key and the text index, and a category's
    # size between an index and a scan. A prepared statement (asyncpg prepares each
    # one) may switch to one generic plan for all values after five runs.
    database_server_settings: ClassVar[Mapping[str, str]] = {"plan_cache_mode": "force_custom_plan"}

    service_name: str = "products"
    port: int = Field(default=4002, ge=1, le=65535)
