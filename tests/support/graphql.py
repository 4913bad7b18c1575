"""Talking GraphQL to an app in tests, in-process or over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp


@dataclass
class GraphQLResult:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def error_codes(self) -> list[str | None]:
        return [(error.get("extensions") or {}).get("code") for error in self.errors]

    def ok(self) -> Any:
        """The data, after asserting that there were no errors."""
        assert self.status == 200, self.body
        assert not self.errors, self.errors
        return self.data


async def execute(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    path: str = "/graphql",
    headers: dict[str, str] | None = None,
) -> GraphQLResult:
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["authorization"] = f"Bearer {token}"
    response = await client.post(
        path, json={"query": query, "variables": variables or {}}, headers=all_headers
    )
    return GraphQLResult(response.status_code, response.json())


@asynccontextmanager
async def app_client(
    app: ASGIApp, base_url: str = "http://test"
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client bound to `app` in-process, with its lifespan run around it."""
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url=base_url
        ) as client,
    ):
        yield client
