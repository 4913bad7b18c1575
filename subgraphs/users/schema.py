# Strawberry types `@strawberry.field(description=...)` as returning Any, which
# mypy reports on every resolver; the resolvers themselves are fully typed.
# mypy: disable-error-code="untyped-decorator"
"""The users subgraph schema: queries, mutations and the federated `User` entity."""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.kit.errors import Forbidden, NotFound
from subgraphs.kit.graphql_errors import MaskUnexpectedErrors, ServiceSchema
from subgraphs.kit.text_input import RefuseNulCharacters
from subgraphs.users.context import UsersInfo
from subgraphs.users.errors import InvalidRefreshToken
from subgraphs.users.service import RefreshReused
from subgraphs.users.service import users as user_service
from subgraphs.users.tokens import SESSION_CLAIM
from subgraphs.users.types import (
    AuthPayload,
    RegisterInput,
    UpdateProfileInput,
    User,
    UserConnection,
    load_visible_user,
    parse_user_id,
)

# The gateway refuses these fields before any fetch (@authenticated, @requiresScopes,
# scopes as the users service issues them, see README.md); the resolvers still check
# the caller themselves, for whoever reaches the subgraph directly.
ADMIN = [["admin"]]


def _caller_id(info: UsersInfo) -> uuid.UUID:
    user_id = info.context.require_principal().user_id
    if user_id is None:
        raise Forbidden("Only a user's own token can do this.")
    return user_id


@strawberry.type
class Query:
    @strawberry.federation.field(description="The caller's own account.", authenticated=True)
    async def me(self, info: UsersInfo) -> User | None:
        user = await info.context.loaders.user_by_id.load(_caller_id(info))
        return None if user is None else User.from_model(user)

    @strawberry.federation.field(
        description="One account: visible to that user, admins and services.",
        authenticated=True,
    )
    async def user(self, info: UsersInfo, id: strawberry.ID) -> User | None:
        user = await load_visible_user(info, id)
        return None if user is None else User.from_model(user)

    @strawberry.federation.field(
        description="All accounts, oldest first (admins only).", requires_scopes=ADMIN
    )
    async def users(
        self, info: UsersInfo, first: int | None = None, after: str | None = None
    ) -> UserConnection:
        info.context.require_admin()
        async with info.context.sessionmaker() as session:
            rows, has_next, total = await user_service.users_page(session, first=first, after=after)
        return UserConnection.from_page(
            rows, has_next=has_next, has_previous=after is not None, total=total
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a customer account and log it in.")
    async def register(self, info: UsersInfo, input: RegisterInput) -> AuthPayload:
        auth = info.context.auth
        async with info.context.sessionmaker.begin() as session:
            user = await user_service.register(
                session,
                auth,
                email=input.email,
                password=input.password,
                first_name=input.first_name,
                last_name=input.last_name,
            )
            issued = await user_service.start_session(session, auth, user)
        return AuthPayload.from_issued(issued)

    @strawberry.mutation(
        description="Exchange an email and password for an access and a refresh token."
    )
    async def login(self, info: UsersInfo, email: str, password: str) -> AuthPayload:
        async with info.context.sessionmaker.begin() as session:
            issued = await user_service.login(
                session, info.context.auth, email=email, password=password
            )
        return AuthPayload.from_issued(issued)

    @strawberry.mutation(
        description=(
            "Exchange a refresh token for a new pair. Each refresh token works once: "
            "presenting a spent one again ends its whole session."
        )
    )
    async def refresh_token(self, info: UsersInfo, refresh_token: str) -> AuthPayload:
        async with info.context.sessionmaker.begin() as session:
            outcome = await user_service.refresh(
                session, info.context.auth, refresh_token=refresh_token
            )
        # Refused only after the commit, so the revocation of a reused token sticks.
        if isinstance(outcome, RefreshReused):
            raise InvalidRefreshToken(
                "Refresh token was already used; the session has been revoked.", reason="reused"
            )
        return AuthPayload.from_issued(outcome)

    @strawberry.mutation(description="End the session a refresh token belongs to.")
    async def logout(self, info: UsersInfo, refresh_token: str) -> bool:
        async with info.context.sessionmaker.begin() as session:
            return await user_service.logout(session, refresh_token=refresh_token)

    @strawberry.federation.mutation(
        description="Change the caller's own name or email.", authenticated=True
    )
    async def update_profile(self, info: UsersInfo, input: UpdateProfileInput) -> User:
        user_id = _caller_id(info)
        async with info.context.sessionmaker.begin() as session:
            user = await user_service.update_profile(
                session,
                user_id,
                first_name=input.first_name,
                last_name=input.last_name,
                email=input.email,
            )
        return User.from_model(user)

    @strawberry.federation.mutation(
        description="Change the caller's password; every other session is logged out.",
        authenticated=True,
    )
    async def change_password(
        self, info: UsersInfo, current_password: str, new_password: str
    ) -> bool:
        user_id = _caller_id(info)
        principal = info.context.require_principal()
        async with info.context.sessionmaker.begin() as session:
            await user_service.change_password(
                session,
                info.context.auth,
                user_id,
                current_password=current_password,
                new_password=new_password,
                keep_session=_session_of(principal.claims.get(SESSION_CLAIM)),
            )
        return True

    @strawberry.federation.mutation(
        description=(
            "Enable or disable an account (admins only). A disabled account cannot log in, "
            "its sessions end, and other services see `isActive: false`."
        ),
        requires_scopes=ADMIN,
    )
    async def set_user_active(self, info: UsersInfo, id: strawberry.ID, is_active: bool) -> User:
        admin = info.context.require_admin()
        user_id = parse_user_id(id)
        if user_id is None:
            raise NotFound("User not found.", id=str(id))
        async with info.context.sessionmaker.begin() as session:
            user = await user_service.set_active(session, admin, user_id, active=is_active)
        return User.from_model(user)


def _session_of(claim: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(claim)) if claim is not None else None
    except ValueError:
        return None


schema = ServiceSchema(
    query=Query,
    mutation=Mutation,
    types=[User],
    extensions=[MaskUnexpectedErrors, RefuseNulCharacters],
)
