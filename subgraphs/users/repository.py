"""All SQL of the users service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.models import RefreshToken, User


async def user_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def users_by_ids(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[User]:
    """Every existing user among `user_ids`, in one SELECT."""
    if not user_ids:
        return []
    result = await session.scalars(select(User).where(User.id.in_(set(user_ids))))
    return list(result)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def email_in_use(
    session: AsyncSession, email: str, *, other_than: uuid.UUID | None = None
) -> bool:
    query = select(User.id).where(User.email == email)
    if other_than is not None:
        query = query.where(User.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def users_page(
    session: AsyncSession, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[User]:
    """Users in (created_at, id) order, strictly after the `after` position."""
    query = select(User).order_by(User.created_at, User.id).limit(limit)
    if after is not None:
        created_at, user_id = after
        # Row-value comparison is not portable to every SQLite; spelled out instead.
        query = query.where(
            or_(
                User.created_at > created_at,
                (User.created_at == created_at) & (User.id > user_id),
            )
        )
    return list(await session.scalars(query))


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def refresh_token_by_hash(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def spend_refresh_token(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    """Mark a live token used; False when it was already used or revoked.

    A single conditional UPDATE, so of two concurrent refreshes with the same
    token exactly one wins, on PostgreSQL and SQLite alike.
    """
    result = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == token_id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> int:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_user_tokens(
    session: AsyncSession,
    user_id: uuid.UUID,
    now: datetime,
    *,
    except_family: uuid.UUID | None = None,
) -> int:
    query = update(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
    )
    if except_family is not None:
        query = query.where(RefreshToken.family_id != except_family)
    result = await session.execute(
        query.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
