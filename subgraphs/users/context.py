"""The per-request context of the users subgraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from strawberry.types import Info

from subgraphs.kit.context import ServiceContext
from subgraphs.users.loaders import UserLoaders
from subgraphs.users.tokens import AuthConfig

if TYPE_CHECKING:
    from subgraphs.kit.app import ServiceRuntime


@dataclass(kw_only=True)
class UsersContext(ServiceContext):
    loaders: UserLoaders
    auth: AuthConfig


UsersInfo = Info[UsersContext, None]

AUTH_STATE_KEY = "auth"


async def build_context(
    runtime: ServiceRuntime, _request: Request, base: ServiceContext
) -> ServiceContext:
    auth: AuthConfig = runtime.state[AUTH_STATE_KEY]
    context = UsersContext(
        sessionmaker=base.sessionmaker,
        principal=base.principal,
        request_id=base.request_id,
        loaders=UserLoaders(base.sessionmaker),
        auth=auth,
    )
    context.auth_error = base.auth_error
    return context
