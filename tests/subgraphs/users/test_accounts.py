"""Registration, login, profile and password changes through the users subgraph."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from subgraphs.kit.app import ServiceRuntime
from subgraphs.users.models import UserRole
from tests.subgraphs.users.accounts import (
    ME,
    PASSWORD,
    REFRESH,
    admin_token,
    create_user,
    logged_in,
    login,
    register,
    service_token,
)
from tests.support.graphql import execute


async def test_register_returns_tokens_and_a_customer_with_a_normalised_email(
    client: httpx.AsyncClient,
) -> None:
    payload = (await register(client, "  Grace.Hopper@Example.COM ")).ok()["register"]

    assert payload["tokenType"] == "Bearer"
    assert payload["expiresIn"] == 15 * 60
    assert payload["accessToken"].count(".") == 2
    assert payload["refreshToken"]
    user = payload["user"]
    assert user["email"] == "grace.hopper@example.com"
    assert user["role"] == "CUSTOMER"
    assert user["isActive"] is True
    assert (user["firstName"], user["lastName"]) == ("Grace", "Hopper")


async def test_register_with_an_email_taken_in_another_case_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    (await register(client, "ada@example.com")).ok()

    result = await register(client, "ADA@Example.com")

    assert result.error_codes == ["EMAIL_TAKEN"]
    assert result.data is None


@pytest.mark.parametrize(
    "email", ["not-an-email", "two@@example.com", "nobody@localhost", "", "a@b.test"]
)
async def test_register_refuses_an_invalid_email(client: httpx.AsyncClient, email: str) -> None:
    result = await register(client, email)

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"]["field"] == "email"


@pytest.mark.parametrize("field", ["firstName", "lastName"])
async def test_register_refuses_a_blank_name(client: httpx.AsyncClient, field: str) -> None:
    names = {"first_name": "Grace", "last_name": "Hopper"}
    names["first_name" if field == "firstName" else "last_name"] = "   "

    result = await register(client, "blank@example.com", **names)

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"]["field"] == field


async def test_login_works_with_the_email_in_any_case(client: httpx.AsyncClient) -> None:
    registered = await logged_in(client, "mixed@example.com")

    payload = (await login(client, "MIXED@example.COM")).ok()["login"]

    assert payload["user"]["id"] == registered["user"]["id"]
    assert payload["refreshToken"] != registered["refreshToken"]


async def test_login_says_the_same_for_an_unknown_email_and_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    await logged_in(client, "known@example.com")

    wrong_password = await login(client, "known@example.com", "not the password")
    unknown_email = await login(client, "unknown@example.com")
    malformed_email = await login(client, "not an email")

    for result in (wrong_password, unknown_email, malformed_email):
        assert result.error_codes == ["INVALID_CREDENTIALS"]
        assert result.data is None
    assert wrong_password.errors[0]["message"] == unknown_email.errors[0]["message"]
    assert wrong_password.errors[0]["message"] == malformed_email.errors[0]["message"]
    assert wrong_password.errors[0]["extensions"] == unknown_email.errors[0]["extensions"]


async def test_a_disabled_account_cannot_log_in(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    await create_user(runtime, email="gone@example.com", is_active=False)

    result = await login(client, "gone@example.com")

    assert result.error_codes == ["INVALID_CREDENTIALS"]


async def test_me_returns_the_caller(client: httpx.AsyncClient) -> None:
    payload = await logged_in(client, "me@example.com")

    me = (await execute(client, ME, token=payload["accessToken"])).ok()["me"]

    assert me == payload["user"]


async def test_me_without_a_token_is_unauthenticated(client: httpx.AsyncClient) -> None:
    result = await execute(client, ME)

    assert result.error_codes == ["UNAUTHENTICATED"]


UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { id email firstName lastName updatedAt }
}
"""


async def test_update_profile_changes_names_and_email(client: httpx.AsyncClient) -> None:
    payload = await logged_in(client, "old@example.com")
    token = payload["accessToken"]

    updated = (
        await execute(
            client,
            UPDATE_PROFILE,
            {"input": {"firstName": " Amazing ", "lastName": "Grace", "email": "New@Example.com"}},
            token=token,
        )
    ).ok()["updateProfile"]

    assert updated["firstName"] == "Amazing"
    assert updated["lastName"] == "Grace"
    assert updated["email"] == "new@example.com"
    assert updated["updatedAt"] >= payload["user"]["updatedAt"]
    assert (await login(client, "new@example.com")).ok()
    assert (await login(client, "old@example.com")).error_codes == ["INVALID_CREDENTIALS"]


async def test_update_profile_to_an_email_someone_has_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    await logged_in(client, "taken@example.com")
    token = (await logged_in(client, "mine@example.com"))["accessToken"]

    result = await execute(
        client, UPDATE_PROFILE, {"input": {"email": "TAKEN@example.com"}}, token=token
    )

    assert result.error_codes == ["EMAIL_TAKEN"]
    me = (await execute(client, ME, token=token)).ok()["me"]
    assert me["email"] == "mine@example.com"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"firstName": "   "}, "firstName"),
        ({"lastName": ""}, "lastName"),
    ],
)
async def test_update_profile_refuses_bad_input_and_changes_nothing(
    client: httpx.AsyncClient, change: dict[str, str], field: str
) -> None:
    payload = await logged_in(client, "careful@example.com")
    token = payload["accessToken"]

    result = await execute(client, UPDATE_PROFILE, {"input": change}, token=token)

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"]["field"] == field
    assert (await execute(client, ME, token=token)).ok()["me"] == payload["user"]


async def test_update_profile_needs_a_caller(client: httpx.AsyncClient) -> None:
    result = await execute(client, UPDATE_PROFILE, {"input": {"firstName": "X"}})

    assert result.error_codes == ["UNAUTHENTICATED"]


CHANGE_PASSWORD = """
mutation Change($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new)
}
"""


async def test_change_password_replaces_the_password(client: httpx.AsyncClient) -> None:
    token = (await logged_in(client, "pw@example.com"))["accessToken"]

    changed = await execute(
        client, CHANGE_PASSWORD, {"current": PASSWORD, "new": "a brand new secret"}, token=token
    )

    assert changed.ok() == {"changePassword": True}
    assert (await login(client, "pw@example.com", "a brand new secret")).ok()
    assert (await login(client, "pw@example.com")).error_codes == ["INVALID_CREDENTIALS"]


async def test_change_password_with_a_wrong_current_password_is_refused(
    client: httpx.AsyncClient,
) -> None:
    token = (await logged_in(client, "pw2@example.com"))["accessToken"]

    result = await execute(
        client, CHANGE_PASSWORD, {"current": "wrong password", "new": "whatever123"}, token=token
    )

    assert result.error_codes == ["INVALID_CREDENTIALS"]
    assert (await login(client, "pw2@example.com")).ok()


async def test_change_password_applies_the_password_rules_to_the_new_one(
    client: httpx.AsyncClient,
) -> None:
    token = (await logged_in(client, "pw3@example.com"))["accessToken"]

    result = await execute(
        client, CHANGE_PASSWORD, {"current": PASSWORD, "new": "short"}, token=token
    )

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"]["field"] == "newPassword"


async def test_change_password_refuses_a_new_password_over_72_bytes(
    client: httpx.AsyncClient,
) -> None:
    token = (await logged_in(client, "pw4@example.com"))["accessToken"]
    too_long = "é" * 37  # 37 characters, 74 bytes

    result = await execute(
        client, CHANGE_PASSWORD, {"current": PASSWORD, "new": too_long}, token=token
    )

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"] == {
        "field": "newPassword",
        "reason": "too_long",
    }
    assert (await login(client, "pw4@example.com")).ok()
    assert (await login(client, "pw4@example.com", too_long[:36])).error_codes == [
        "INVALID_CREDENTIALS"
    ]


async def test_an_admin_created_in_the_database_logs_in_with_the_admin_role(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    await create_user(runtime, email="boss@example.com", role=UserRole.ADMIN)

    payload = (await login(client, "boss@example.com")).ok()["login"]

    assert payload["user"]["role"] == "ADMIN"


async def test_two_simultaneous_registrations_of_one_email_make_one_account(
    client: httpx.AsyncClient,
) -> None:
    results = await asyncio.gather(
        register(client, "race@example.com"), register(client, "Race@Example.com")
    )

    assert sorted(str(result.error_codes) for result in results) == ["['EMAIL_TAKEN']", "[]"]


SET_ACTIVE = """
mutation SetActive($id: ID!, $active: Boolean!) {
  setUserActive(id: $id, isActive: $active) { id isActive }
}
"""


async def test_an_admin_disables_an_account_which_then_cannot_log_in_or_refresh(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    admin = await admin_token(client, runtime)
    customer = await logged_in(client, "disable-me@example.com")
    user_id = customer["user"]["id"]

    disabled = await execute(client, SET_ACTIVE, {"id": user_id, "active": False}, token=admin)

    assert disabled.ok()["setUserActive"] == {"id": user_id, "isActive": False}
    assert (await login(client, "disable-me@example.com")).error_codes == ["INVALID_CREDENTIALS"]
    refreshed = await execute(client, REFRESH, {"token": customer["refreshToken"]})
    assert refreshed.error_codes == ["INVALID_REFRESH_TOKEN"]
    enabled = await execute(client, SET_ACTIVE, {"id": user_id, "active": True}, token=admin)
    assert enabled.ok()["setUserActive"]["isActive"] is True
    assert (await login(client, "disable-me@example.com")).ok()


async def test_only_admins_disable_accounts_and_never_their_own(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    admin = await admin_token(client, runtime)
    admin_id = (await execute(client, ME, token=admin)).ok()["me"]["id"]
    customer = await logged_in(client, "not-an-admin@example.com")
    variables = {"id": customer["user"]["id"], "active": False}

    by_customer = await execute(client, SET_ACTIVE, variables, token=customer["accessToken"])
    by_service = await execute(client, SET_ACTIVE, variables, token=service_token(runtime))
    own = await execute(client, SET_ACTIVE, {"id": admin_id, "active": False}, token=admin)
    unknown = await execute(
        client, SET_ACTIVE, {"id": str(uuid.uuid4()), "active": False}, token=admin
    )

    assert by_customer.error_codes == ["FORBIDDEN"]
    assert by_service.error_codes == ["FORBIDDEN"]
    assert own.error_codes == ["FORBIDDEN"]
    assert unknown.error_codes == ["NOT_FOUND"]
    assert (await execute(client, ME, token=customer["accessToken"])).ok()["me"]["isActive"]


async def test_register_refuses_a_nul_character_naming_where(client: httpx.AsyncClient) -> None:
    result = await register(client, "nul@example.com", first_name="Gr\x00ace", last_name="Hopper")

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["details"]["field"] == "variables.input.firstName"
    assert (await login(client, "nul@example.com")).error_codes == ["INVALID_CREDENTIALS"]
