"""The users subgraph's GraphQL types."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Self

import strawberry

from subgraphs.kit.errors import Forbidden
from subgraphs.users import models
from subgraphs.users.context import UsersInfo
from subgraphs.users.service import IssuedTokens, may_view, user_cursor


@strawberry.enum(description="What a user may do: shop, or administer the shop.")
class Role(Enum):
    CUSTOMER = "customer"
    ADMIN = "admin"


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID
    email: str
    first_name: str
    last_name: str
    role: Role
    is_active: bool = strawberry.field(
        description="False once the account is disabled: it can no longer log in or order."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, user: models.User) -> Self:
        return cls(
            id=strawberry.ID(str(user.id)),
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=Role(user.role),
            is_active=user.is_active,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )

    @classmethod
    async def resolve_reference(cls, info: UsersInfo, id: strawberry.ID) -> Self | None:
        """Entities are batched: every representation of a request shares one SELECT."""
        user = await load_visible_user(info, id)
        return None if user is None else cls.from_model(user)


async def load_visible_user(info: UsersInfo, id: str) -> models.User | None:
    """The user `id` names, if the caller may see it (None when there is none)."""
    principal = info.context.require_principal()
    user_id = parse_user_id(id)
    if user_id is None:
        return None
    if not may_view(principal, user_id):
        raise Forbidden("You may only see your own account.")
    return await info.context.loaders.user_by_id.load(user_id)


def parse_user_id(value: str) -> uuid.UUID | None:
    """A user id, or None for a malformed one (no user has it)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@strawberry.type(description="A new login session.")
class AuthPayload:
    access_token: str = strawberry.field(
        description="A short-lived JWT for `Authorization: Bearer`."
    )
    refresh_token: str = strawberry.field(
        description="Exchange once with `refreshToken` for a new pair; keep it secret."
    )
    token_type: str = strawberry.field(description='Always "Bearer".')
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def from_issued(cls, issued: IssuedTokens) -> Self:
        return cls(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            token_type="Bearer",  # noqa: S106 - a token type, not a secret
            expires_in=issued.expires_in_seconds,
            user=User.from_model(issued.user),
        )


@strawberry.federation.type(shareable=True, description="Where a page sits in a list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class UserEdge:
    cursor: str
    node: User


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(
        cls, rows: list[models.User], *, has_next: bool, has_previous: bool, total: int
    ) -> Self:
        edges = [UserEdge(cursor=user_cursor(row), node=User.from_model(row)) for row in rows]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )


@strawberry.input
class RegisterInput:
    email: str
    password: str = strawberry.field(description="8 characters or more, at most 72 bytes UTF-8.")
    first_name: str
    last_name: str


@strawberry.input
class UpdateProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
