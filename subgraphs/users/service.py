"""Business rules of accounts and sessions.

Methods only `flush()`; the caller (a mutation resolver) owns the transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.auth import Principal
from subgraphs.kit.errors import BadInput, Forbidden, NotFound, Unauthenticated
from subgraphs.kit.orm import utcnow
from subgraphs.kit.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.users import audit, repository
from subgraphs.users.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidRefreshToken,
)
from subgraphs.users.models import RefreshToken, User, UserRole
from subgraphs.users.passwords import (
    burn_password_check,
    check_password_rules,
    hash_password,
    password_matches,
)
from subgraphs.users.tokens import AuthConfig, new_refresh_token, refresh_token_hash
from subgraphs.users.validation import clean_name, normalise_email


@dataclass(frozen=True)
class IssuedTokens:
    """What a login, registration or refresh hands back to the client."""

    user: User
    access_token: str
    refresh_token: str
    expires_in_seconds: int


@dataclass(frozen=True)
class RefreshReused:
    """A spent refresh token came back (it leaked): its whole family is now revoked.

    Returned rather than raised so the caller commits the revocation before
    refusing the request.
    """

    family_id: uuid.UUID


def may_view(principal: Principal, user_id: uuid.UUID) -> bool:
    """A user is visible to themself, to admins and to other services."""
    return principal.is_admin or principal.is_service or principal.user_id == user_id


class UserService:
    async def register(
        self,
        session: AsyncSession,
        auth: AuthConfig,
        *,
        email: str,
        password: str,
        first_name: str,
        last_name: str,
    ) -> User:
        """A new customer account (admins are made by the seed or an operator)."""
        normalised = normalise_email(email)
        check_password_rules(password)
        user = User(
            email=normalised,
            first_name=clean_name(first_name, field="firstName"),
            last_name=clean_name(last_name, field="lastName"),
            role=UserRole.CUSTOMER.value,
            is_active=True,
        )
        if await repository.email_in_use(session, normalised):
            raise EmailTaken("An account with this email already exists.", field="email")
        user.password_hash = await hash_password(password, rounds=auth.bcrypt_rounds)
        session.add(user)
        try:
            await session.flush()
        except IntegrityError as error:  # a concurrent registration won the race
            raise EmailTaken("An account with this email already exists.", field="email") from error
        audit.registered(user.id)
        return user

    async def login(
        self, session: AsyncSession, auth: AuthConfig, *, email: str, password: str
    ) -> IssuedTokens:
        try:
            normalised: str | None = normalise_email(email)
        except InvalidEmail:  # a malformed email has no account either: same answer
            normalised = None
        user = await repository.user_by_email(session, normalised) if normalised else None
        if user is None:
            await burn_password_check(password, rounds=auth.bcrypt_rounds)
            audit.login_failed(None)
            raise InvalidCredentials()
        if not await password_matches(password, user.password_hash) or not user.is_active:
            audit.login_failed(user.id)
            raise InvalidCredentials()
        audit.login_succeeded(user.id)
        return await self.start_session(session, auth, user)

    async def start_session(
        self, session: AsyncSession, auth: AuthConfig, user: User
    ) -> IssuedTokens:
        """A new login session: a fresh refresh-token family and an access token."""
        return await self._issue(session, auth, user, family_id=uuid.uuid4(), now=utcnow())

    async def refresh(
        self, session: AsyncSession, auth: AuthConfig, *, refresh_token: str
    ) -> IssuedTokens | RefreshReused:
        """Rotate a refresh token: spend it and issue its successor in the same family."""
        now = utcnow()
        stored = await repository.refresh_token_by_hash(session, refresh_token_hash(refresh_token))
        if stored is None:
            raise InvalidRefreshToken("Unknown refresh token.", reason="unknown")
        if stored.revoked_at is not None:
            raise InvalidRefreshToken("Refresh token was revoked.", reason="revoked")
        if stored.expires_at <= now:
            raise InvalidRefreshToken("Refresh token expired.", reason="expired")
        if not await repository.spend_refresh_token(session, stored.id, now):
            await repository.revoke_family(session, stored.family_id, now)
            audit.refresh_token_reused(stored.user_id, stored.family_id)
            return RefreshReused(stored.family_id)
        user = await repository.user_by_id(session, stored.user_id)
        if user is None or not user.is_active:
            raise InvalidRefreshToken("Account is not active.", reason="inactive")
        return await self._issue(session, auth, user, family_id=stored.family_id, now=now)

    async def logout(self, session: AsyncSession, *, refresh_token: str) -> bool:
        """End the login session the token belongs to; False when there was none to end."""
        stored = await repository.refresh_token_by_hash(session, refresh_token_hash(refresh_token))
        if stored is None:
            return False
        return await repository.revoke_family(session, stored.family_id, utcnow()) > 0

    async def update_profile(
        self,
        session: AsyncSession,
        user_id: uuid.UUID,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> User:
        user = await self._active_user(session, user_id)
        if first_name is not None:
            user.first_name = clean_name(first_name, field="firstName")
        if last_name is not None:
            user.last_name = clean_name(last_name, field="lastName")
        if email is not None:
            normalised = normalise_email(email)
            if normalised != user.email:
                if await repository.email_in_use(session, normalised, other_than=user.id):
                    raise EmailTaken("An account with this email already exists.", field="email")
                user.email = normalised
        user.updated_at = utcnow()
        try:
            await session.flush()
        except IntegrityError as error:
            raise EmailTaken("An account with this email already exists.", field="email") from error
        return user

    async def change_password(
        self,
        session: AsyncSession,
        auth: AuthConfig,
        user_id: uuid.UUID,
        *,
        current_password: str,
        new_password: str,
        keep_session: uuid.UUID | None,
    ) -> User:
        """Set a new password and revoke every other login session of the user."""
        user = await self._active_user(session, user_id)
        if not await password_matches(current_password, user.password_hash):
            raise InvalidCredentials()
        check_password_rules(new_password, field="newPassword")
        user.password_hash = await hash_password(new_password, rounds=auth.bcrypt_rounds)
        user.updated_at = utcnow()
        await repository.revoke_user_tokens(
            session, user.id, user.updated_at, except_family=keep_session
        )
        await session.flush()
        return user

    async def set_active(
        self, session: AsyncSession, admin: Principal, user_id: uuid.UUID, *, active: bool
    ) -> User:
        """Enable or disable an account; disabling also ends all its sessions."""
        if not active and admin.user_id == user_id:
            raise Forbidden("Admins cannot disable their own account.")
        user = await repository.user_by_id(session, user_id)
        if user is None:
            raise NotFound("User not found.", id=str(user_id))
        if user.is_active != active:
            user.is_active = active
            user.updated_at = utcnow()
            if not active:
                await repository.revoke_user_tokens(session, user.id, user.updated_at)
            await session.flush()
        return user

    async def users_page(
        self, session: AsyncSession, *, first: int | None, after: str | None
    ) -> tuple[list[User], bool, int]:
        """One page of all users (oldest first), whether more follow, and the total."""
        limit = page_size(first)
        position = None
        if after is not None:
            created_at, user_id = decode_cursor(after, length=2)
            try:
                position = (datetime.fromisoformat(created_at), uuid.UUID(user_id))
            except (TypeError, ValueError) as error:
                raise BadInput("malformed cursor", field="after", code="INVALID_CURSOR") from error
        rows = await repository.users_page(session, after=position, limit=limit + 1)
        total = await repository.count_users(session)
        return rows[:limit], len(rows) > limit, total

    async def _active_user(self, session: AsyncSession, user_id: uuid.UUID) -> User:
        user = await repository.user_by_id(session, user_id)
        if user is None:
            raise NotFound("User not found.")
        if not user.is_active:
            raise Unauthenticated("Account is not active.")
        return user

    async def _issue(
        self,
        session: AsyncSession,
        auth: AuthConfig,
        user: User,
        *,
        family_id: uuid.UUID,
        now: datetime,
    ) -> IssuedTokens:
        token = new_refresh_token()
        session.add(
            RefreshToken(
                user_id=user.id,
                family_id=family_id,
                token_hash=refresh_token_hash(token),
                created_at=now,
                expires_at=now + auth.refresh_ttl,
            )
        )
        await session.flush()
        return IssuedTokens(
            user=user,
            access_token=auth.access_token(user, family_id),
            refresh_token=token,
            expires_in_seconds=int(auth.access_ttl.total_seconds()),
        )


def user_cursor(user: User) -> str:
    return encode_cursor([user.created_at.isoformat(), str(user.id)])


users = UserService()
