"""Access tokens issued by the users service, its JWKS, and the tokens it refuses."""

from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest
from pydantic import ValidationError

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.keys import generate_private_key, key_id, load_private_key, private_key_pem
from subgraphs.users.app import create_app
from subgraphs.users.settings import UsersSettings
from tests.subgraphs.kit.forged_tokens import rejected_tokens, signed, user_claims
from tests.subgraphs.users.accounts import ME, admin_token, logged_in, login
from tests.support.graphql import app_client, execute

REJECTED_CASES = list(rejected_tokens(generate_private_key("ES256"), issuer="i", audience="a"))


async def jwks(client: httpx.AsyncClient) -> dict[str, jwt.PyJWK]:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    return {key["kid"]: jwt.PyJWK(key) for key in response.json()["keys"]}


async def test_access_tokens_carry_the_contract_claims_and_verify_with_the_jwks(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    payload = await logged_in(client, "claims@example.com")
    token = payload["accessToken"]
    header = jwt.get_unverified_header(token)
    published = await jwks(client)

    assert header["alg"] in {"ES256", "RS256"}
    assert header["kid"] in published
    claims = jwt.decode(
        token,
        published[header["kid"]],
        algorithms=[header["alg"]],
        audience=runtime.settings.jwt_audience,
        issuer=runtime.settings.jwt_issuer,
    )
    assert claims["sub"] == payload["user"]["id"]
    assert claims["roles"] == ["customer"]
    assert claims["scope"] == "customer"
    assert claims["iat"] == claims["nbf"]
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert len(claims["jti"]) >= 16
    assert claims["iss"] == "shopgraph-users"
    assert claims["aud"] == "shopgraph"


async def test_an_admins_token_carries_the_admin_and_customer_scopes(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = await admin_token(client, runtime)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["roles"] == ["admin"]
    # Space-separated, as OAuth's `scope` claim: the gateway's @requiresScopes reads it.
    assert claims["scope"].split() == ["admin", "customer"]
    # The inventory scope belongs to services; no user token ever holds it.
    assert "inventory" not in claims["scope"].split()


async def test_every_token_gets_its_own_jti(client: httpx.AsyncClient) -> None:
    tokens = [(await logged_in(client, "jti@example.com"))["accessToken"]]
    for _ in range(3):
        tokens.append((await login(client, "jti@example.com")).ok()["login"]["accessToken"])

    ids = {jwt.decode(token, options={"verify_signature": False})["jti"] for token in tokens}

    assert len(ids) == len(tokens)


async def test_a_hand_made_token_signed_with_the_users_key_is_accepted(
    client: httpx.AsyncClient, runtime: ServiceRuntime, data_dir: Path
) -> None:
    # The control for the refusals below: same key, same claims builder, accepted.
    payload = await logged_in(client, "forged-ok@example.com")
    key = load_private_key(data_dir / "keys" / "users-signing.pem")
    claims = user_claims(
        runtime.settings.jwt_issuer, runtime.settings.jwt_audience, sub=payload["user"]["id"]
    )

    me = (await execute(client, ME, token=signed(claims, key))).ok()["me"]

    assert me["id"] == payload["user"]["id"]


@pytest.mark.parametrize("case", REJECTED_CASES)
async def test_the_service_refuses_a_forged_or_invalid_token(
    client: httpx.AsyncClient, runtime: ServiceRuntime, data_dir: Path, case: str
) -> None:
    key = load_private_key(data_dir / "keys" / "users-signing.pem")
    rejected = rejected_tokens(
        key, issuer=runtime.settings.jwt_issuer, audience=runtime.settings.jwt_audience
    )[case]

    result = await execute(client, ME, token=rejected.token)

    assert result.error_codes == ["UNAUTHENTICATED"]
    assert result.errors[0]["extensions"]["details"]["reason"] == rejected.reason
    assert result.data == {"me": None}


async def test_development_creates_the_signing_key_on_first_start_and_keeps_it(
    database_url: str, tmp_path: Path
) -> None:
    settings = UsersSettings(
        environment="development", database_url=database_url, data_dir=tmp_path
    )
    key_file = tmp_path / "keys" / "users-signing.pem"
    assert not key_file.exists()

    async with app_client(create_app(settings)) as client:
        first_kids = set(await jwks(client))
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0
    async with app_client(create_app(settings)) as client:
        second_kids = set(await jwks(client))

    assert first_kids == second_kids == {key_id(load_private_key(key_file))}


def test_production_refuses_to_start_without_a_configured_signing_key(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SHOPGRAPH_USERS_SIGNING_KEY_FILE"):
        UsersSettings(
            environment="production",
            database_url="postgresql://db/users_db",
            service_key_file=tmp_path / "service.pem",
        )


async def test_production_does_not_create_a_missing_signing_key(tmp_path: Path) -> None:
    settings = UsersSettings(
        environment="production",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'users.sqlite3'}",
        service_key_file=tmp_path / "service.pem",
        signing_key_file=tmp_path / "missing.pem",
    )

    with pytest.raises(FileNotFoundError, match=r"missing\.pem"):
        async with app_client(create_app(settings)):
            pass
    assert not (tmp_path / "missing.pem").exists()


async def test_after_a_key_rotation_old_tokens_verify_until_the_old_key_is_dropped(
    database_url: str, tmp_path: Path, runtime: ServiceRuntime
) -> None:
    # `runtime` emptied the tables; these apps share them.
    old_key, new_key = tmp_path / "old.pem", tmp_path / "new.pem"
    old_key.write_bytes(private_key_pem(generate_private_key("ES256")))
    new_key.write_bytes(private_key_pem(generate_private_key("RS256")))

    def settings(signing: Path, retired: list[Path]) -> UsersSettings:
        return UsersSettings(
            environment="test",
            database_url=database_url,
            data_dir=tmp_path,
            bcrypt_rounds=4,
            signing_key_file=signing,
            retired_signing_key_files=retired,
        )

    async with app_client(create_app(settings(old_key, []))) as client:
        old_token = (await logged_in(client, "rotation@example.com"))["accessToken"]

    async with app_client(create_app(settings(new_key, [old_key]))) as client:
        assert set(await jwks(client)) == {
            key_id(load_private_key(new_key)),
            key_id(load_private_key(old_key)),
        }
        assert (await execute(client, ME, token=old_token)).ok()["me"]
        new_token = (await login(client, "rotation@example.com")).ok()["login"]["accessToken"]
        assert jwt.get_unverified_header(new_token)["kid"] == key_id(load_private_key(new_key))
        assert jwt.get_unverified_header(new_token)["alg"] == "RS256"

    async with app_client(create_app(settings(new_key, []))) as client:
        assert (await execute(client, ME, token=new_token)).ok()["me"]
        refused = await execute(client, ME, token=old_token)
        assert refused.error_codes == ["UNAUTHENTICATED"]
        assert refused.errors[0]["extensions"]["details"]["reason"] == "kid"
