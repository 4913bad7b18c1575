"""Refresh-token rotation, reuse detection, logout and password-change revocation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.orm import utcnow
from subgraphs.users.models import RefreshToken
from subgraphs.users.tokens import refresh_token_hash
from tests.subgraphs.users.accounts import LOGOUT, ME, PASSWORD, REFRESH, logged_in, login
from tests.support.graphql import GraphQLResult, execute


async def refresh(client: httpx.AsyncClient, token: str) -> GraphQLResult:
    return await execute(client, REFRESH, {"token": token})


def refusal_reason(result: GraphQLResult) -> str:
    assert result.error_codes == ["INVALID_REFRESH_TOKEN"], result.body
    reason: str = result.errors[0]["extensions"]["details"]["reason"]
    return reason


async def test_refresh_rotates_to_a_new_working_pair(client: httpx.AsyncClient) -> None:
    first = await logged_in(client, "rotate@example.com")

    second = (await refresh(client, first["refreshToken"])).ok()["refreshToken"]

    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    assert second["user"]["id"] == first["user"]["id"]
    assert (await execute(client, ME, token=second["accessToken"])).ok()["me"]
    third = (await refresh(client, second["refreshToken"])).ok()["refreshToken"]
    assert third["refreshToken"] not in {first["refreshToken"], second["refreshToken"]}


async def test_a_reused_refresh_token_is_refused_and_revokes_its_session(
    client: httpx.AsyncClient,
) -> None:
    first = await logged_in(client, "reuse@example.com")
    successor = (await refresh(client, first["refreshToken"])).ok()["refreshToken"]

    replay = await refresh(client, first["refreshToken"])

    assert refusal_reason(replay) == "reused"
    # The thief or the owner may hold the successor: it dies with the session.
    assert refusal_reason(await refresh(client, successor["refreshToken"])) == "revoked"
    assert refusal_reason(await refresh(client, first["refreshToken"])) == "revoked"


async def test_reuse_revokes_only_the_session_it_came_from(client: httpx.AsyncClient) -> None:
    phone = await logged_in(client, "two-devices@example.com")
    laptop = (await login(client, "two-devices@example.com")).ok()["login"]
    (await refresh(client, phone["refreshToken"])).ok()

    refusal_reason(await refresh(client, phone["refreshToken"]))

    assert (await refresh(client, laptop["refreshToken"])).ok()


async def test_two_concurrent_refreshes_with_one_token_let_exactly_one_through(
    client: httpx.AsyncClient,
) -> None:
    token = (await logged_in(client, "race@example.com"))["refreshToken"]

    results = await asyncio.gather(refresh(client, token), refresh(client, token))

    succeeded = [result for result in results if not result.errors]
    refused = [result for result in results if result.errors]
    assert len(succeeded) == 1
    assert len(refused) == 1
    assert refusal_reason(refused[0]) == "reused"


async def test_an_unknown_refresh_token_is_refused(client: httpx.AsyncClient) -> None:
    assert refusal_reason(await refresh(client, "made-up-token")) == "unknown"


async def test_an_expired_refresh_token_is_refused(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = (await logged_in(client, "expired@example.com"))["refreshToken"]
    async with runtime.sessionmaker.begin() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == refresh_token_hash(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    assert refusal_reason(await refresh(client, token)) == "expired"


async def test_refresh_tokens_are_stored_only_as_hashes(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = (await logged_in(client, "hashed@example.com"))["refreshToken"]

    async with runtime.sessionmaker() as session:
        stored = list(await session.scalars(select(RefreshToken.token_hash)))

    assert stored == [refresh_token_hash(token)]
    assert token not in stored


async def test_logout_revokes_the_refresh_token(client: httpx.AsyncClient) -> None:
    token = (await logged_in(client, "bye@example.com"))["refreshToken"]

    assert (await execute(client, LOGOUT, {"token": token})).ok() == {"logout": True}

    assert refusal_reason(await refresh(client, token)) == "revoked"
    assert (await execute(client, LOGOUT, {"token": token})).ok() == {"logout": False}


async def test_logout_with_an_unknown_token_ends_nothing(client: httpx.AsyncClient) -> None:
    assert (await execute(client, LOGOUT, {"token": "nope"})).ok() == {"logout": False}


CHANGE_PASSWORD = """
mutation Change($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new)
}
"""


async def test_change_password_revokes_the_other_sessions_but_keeps_this_one(
    client: httpx.AsyncClient,
) -> None:
    this_session = await logged_in(client, "sessions@example.com")
    other_session = (await login(client, "sessions@example.com")).ok()["login"]
    third_session = (await login(client, "sessions@example.com")).ok()["login"]

    (
        await execute(
            client,
            CHANGE_PASSWORD,
            {"current": PASSWORD, "new": "rotated secret!"},
            token=this_session["accessToken"],
        )
    ).ok()

    assert (await refresh(client, this_session["refreshToken"])).ok()
    assert refusal_reason(await refresh(client, other_session["refreshToken"])) == "revoked"
    assert refusal_reason(await refresh(client, third_session["refreshToken"])) == "revoked"
