"""Users over REST: register, login, refresh, logout, profile, password."""

from __future__ import annotations

import pytest

from tests.rest_compat.platform import PASSWORD, RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_register_creates_an_account_and_returns_a_session(platform: RestPlatform) -> None:
    async with platform.client() as client:
        body = {
            "email": "design-path-register@example.com",
            "password": PASSWORD,
            "firstName": "Ada",
            "lastName": "Lovelace",
        }
        response = await client.post("/api/users/register", json=body)
        assert response.status_code == 201, response.text
        session = response.json()
        assert session["tokenType"] == "Bearer"
        assert session["user"]["email"] == "design-path-register@example.com"
        assert session["user"]["role"] == "CUSTOMER"
        me = await client.get(
            "/api/users/me", headers={"Authorization": f"Bearer {session['accessToken']}"}
        )
        assert me.status_code == 200
        assert me.json()["id"] == session["user"]["id"]


async def test_register_with_a_taken_email_is_a_conflict(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"email": account.email, "password": PASSWORD, "firstName": "A", "lastName": "B"}
        response = await client.post("/api/users/register", json=body)
    assert response.status_code == 409
    assert response.json()["code"] == "EMAIL_TAKEN"


async def test_register_with_a_short_password_names_the_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        body = {"email": "short-pw@example.com", "password": "x", "firstName": "A", "lastName": "B"}
        response = await client.post("/api/users/register", json=body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "BAD_USER_INPUT"
    assert error["details"]["field"] == "password"


async def test_register_without_an_email_names_the_missing_field(platform: RestPlatform) -> None:
    async with platform.client() as client:
        body = {"password": PASSWORD, "firstName": "A", "lastName": "B"}
        response = await client.post("/api/users/register", json=body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "VALIDATION_FAILED"
    assert error["details"]["field"] == "email"
    assert set(error) == {"code", "message", "details"}


async def test_a_body_that_is_not_json_is_a_bad_request(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.post(
            "/api/users/login", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"


async def test_login_returns_tokens_that_open_the_profile(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/users/login", json={"email": account.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        token = response.json()["accessToken"]
        me = await client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == account.email


async def test_login_with_a_wrong_password_is_unauthenticated(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.post(
            "/api/users/login", json={"email": account.email, "password": "wrong password!"}
        )
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"


async def test_refresh_gives_a_new_pair_once(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"refreshToken": account.refresh_token}
        first = await client.post("/api/users/refresh", json=body)
        assert first.status_code == 200, first.text
        assert first.json()["refreshToken"] != account.refresh_token
        again = await client.post("/api/users/refresh", json=body)
    assert again.status_code == 401
    assert again.json()["code"] == "INVALID_REFRESH_TOKEN"


async def test_logout_ends_the_session_of_the_refresh_token(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"refreshToken": account.refresh_token}
        response = await client.post("/api/users/logout", json=body)
        assert response.status_code == 204
        assert response.content == b""
        refresh = await client.post("/api/users/refresh", json=body)
    assert refresh.status_code == 401


async def test_profile_without_a_token_is_unauthenticated(platform: RestPlatform) -> None:
    async with platform.client() as client:
        response = await client.get("/api/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


async def test_profile_with_a_forged_token_is_refused_by_the_gateway(
    platform: RestPlatform,
) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        forged = account.token[:-4] + ("AAAA" if not account.token.endswith("AAAA") else "BBBB")
        response = await client.get("/api/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


async def test_patch_profile_changes_only_the_fields_sent(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        response = await client.patch(
            "/api/users/me", json={"firstName": "Grace"}, headers=account.headers
        )
        assert response.status_code == 200, response.text
        me = (await client.get("/api/users/me", headers=account.headers)).json()
    assert response.json()["firstName"] == "Grace"
    assert me["firstName"] == "Grace"
    assert me["lastName"] == "Caller"
    assert me["email"] == account.email


async def test_change_password_then_log_in_with_the_new_one(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"currentPassword": PASSWORD, "newPassword": "a brand new secret"}
        response = await client.post("/api/users/me/password", json=body, headers=account.headers)
        assert response.status_code == 204, response.text
        old = await client.post(
            "/api/users/login", json={"email": account.email, "password": PASSWORD}
        )
        new = await client.post(
            "/api/users/login", json={"email": account.email, "password": "a brand new secret"}
        )
    assert old.status_code == 401
    assert new.status_code == 200


async def test_change_password_with_a_wrong_current_password_fails(platform: RestPlatform) -> None:
    async with platform.client() as client:
        account = await platform.register(client)
        body = {"currentPassword": "not the password", "newPassword": "a brand new secret"}
        response = await client.post("/api/users/me/password", json=body, headers=account.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"
