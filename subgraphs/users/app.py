"""The users service app (`uvicorn --factory subgraphs.users.app:create_app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

from subgraphs.kit.app import ServiceRuntime, create_service_app, runtime_of
from subgraphs.kit.auth import KeyResolver
from subgraphs.kit.keys import public_jwk
from subgraphs.kit.trust import build_key_resolver
from subgraphs.users.context import AUTH_STATE_KEY, build_context
from subgraphs.users.schema import schema
from subgraphs.users.settings import UsersSettings
from subgraphs.users.tokens import AuthConfig, load_signing_key

jwks_router = APIRouter()


@jwks_router.get("/.well-known/jwks.json", include_in_schema=False)
async def jwks(request: Request, response: Response) -> dict[str, list[dict[str, str]]]:
    """The public keys access tokens are signed with, for every verifier."""
    auth: AuthConfig = runtime_of(request).state[AUTH_STATE_KEY]
    # Verifiers may cache; they refetch on an unknown kid anyway.
    response.headers["cache-control"] = "public, max-age=300"
    return {"keys": [public_jwk(key) for key in auth.verification_keys]}


def create_app(settings: UsersSettings | None = None) -> FastAPI:
    settings = settings or UsersSettings()

    @asynccontextmanager
    async def startup(runtime: ServiceRuntime) -> AsyncIterator[None]:
        # Production has a configured key (the settings insist); development
        # creates one under the data folder on first start.
        runtime.state[AUTH_STATE_KEY] = AuthConfig.from_settings(
            settings, load_signing_key(settings)
        )
        yield

    def trusted_keys(runtime: ServiceRuntime) -> KeyResolver:
        auth: AuthConfig = runtime.state[AUTH_STATE_KEY]
        return build_key_resolver(settings, own_user_keys=auth.verification_keys)

    return create_service_app(
        settings=settings,
        schema=schema,
        build_context=build_context,
        startup=startup,
        keys_factory=trusted_keys,
        routers=[jwks_router],
    )
