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
