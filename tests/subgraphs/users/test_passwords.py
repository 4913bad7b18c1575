"""Password rules at their edges, and the bcrypt cost."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from subgraphs.kit.app import ServiceRuntime
from subgraphs.users.app import create_app
from subgraphs.users.models import User
from subgraphs.users.passwords import hash_cost
from subgraphs.users.settings import PRODUCTION_MIN_BCRYPT_ROUNDS, UsersSettings
from tests.subgraphs.users.accounts import login, register
from tests.support.graphql import app_client

ACCEPTED = {
    "8 characters": "abcdefgh",
    "72 ASCII bytes": "a" * 72,
    "8 two-byte characters": "секретик",
    "36 two-byte characters (72 bytes)": "é" * 36,
    "18 four-byte characters (72 bytes)": "🔑" * 18,
}
REFUSED_TOO_SHORT = {
    "7 characters": "abcdefg",
    "7 four-byte characters (28 bytes)": "🔑" * 7,
}
REFUSED_TOO_LONG = {
    "73 ASCII bytes": "a" * 73,
    "37 two-byte characters (74 bytes)": "é" * 37,
    "71 ASCII and one two-byte character (73 bytes)": "a" * 71 + "é",
    "19 four-byte characters (76 bytes)": "🔑" * 19,
}


@pytest.mark.parametrize("password", ACCEPTED.values(), ids=ACCEPTED.keys())
async def test_password_accepted_and_usable_to_log_in(
    client: httpx.AsyncClient, password: str
) -> None:
    (await register(client, "edge@example.com", password)).ok()

    assert (await login(client, "edge@example.com", password)).ok()


@pytest.mark.parametrize("password", REFUSED_TOO_SHORT.values(), ids=REFUSED_TOO_SHORT.keys())
async def test_password_under_8_characters_is_refused(
    client: httpx.AsyncClient, password: str
) -> None:
    result = await register(client, "short@example.com", password)

    assert result.status == 200
    assert result.error_codes == ["BAD_USER_INPUT"]
    details = result.errors[0]["extensions"]["details"]
    assert details == {"field": "password", "reason": "too_short"}
    assert "at least 8 characters" in result.errors[0]["message"]


@pytest.mark.parametrize("password", REFUSED_TOO_LONG.values(), ids=REFUSED_TOO_LONG.keys())
async def test_password_over_72_bytes_is_refused_not_truncated(
    client: httpx.AsyncClient, password: str
) -> None:
    result = await register(client, "long@example.com", password)

    assert result.status == 200
    assert result.error_codes == ["BAD_USER_INPUT"]
    details = result.errors[0]["extensions"]["details"]
    assert details == {"field": "password", "reason": "too_long"}
    assert "72 bytes" in result.errors[0]["message"]
    assert (await login(client, "long@example.com", password[:72])).error_codes == [
        "INVALID_CREDENTIALS"
    ]


async def test_a_password_with_a_nul_character_is_refused_not_cut_off(
    client: httpx.AsyncClient,
) -> None:
    # Every service refuses NUL in text (subgraphs/kit/text_input.py); for a password
    # that also rules out bcrypt implementations that stop reading at a NUL.
    result = await register(client, "nul-password@example.com", "abc\x00defgh")

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert (await login(client, "nul-password@example.com", "abc")).error_codes == [
        "INVALID_CREDENTIALS"
    ]


async def test_a_password_differing_after_72_bytes_does_not_log_in(
    client: httpx.AsyncClient,
) -> None:
    (await register(client, "prefix@example.com", "a" * 72)).ok()

    result = await login(client, "prefix@example.com", "a" * 72 + "b")

    assert result.error_codes == ["INVALID_CREDENTIALS"]


def test_the_default_bcrypt_cost_is_at_least_12(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPGRAPH_USERS_BCRYPT_ROUNDS", raising=False)

    assert UsersSettings().bcrypt_rounds >= PRODUCTION_MIN_BCRYPT_ROUNDS == 12


def test_bcrypt_cost_below_4_is_refused() -> None:
    with pytest.raises(ValidationError, match="bcrypt_rounds"):
        UsersSettings(bcrypt_rounds=3)


def test_production_refuses_a_bcrypt_cost_below_12(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SHOPGRAPH_USERS_BCRYPT_ROUNDS >= 12"):
        UsersSettings(
            environment="production",
            database_url="postgresql://db/users_db",
            service_key_file=tmp_path / "service.pem",
            signing_key_file=tmp_path / "users.pem",
            bcrypt_rounds=11,
        )


async def test_a_hash_made_under_default_settings_has_cost_at_least_12(
    database_url: str, data_dir: Path, runtime: ServiceRuntime
) -> None:
    # The `runtime` fixture emptied the tables; this second app runs with the default cost.
    settings = UsersSettings(environment="test", database_url=database_url, data_dir=data_dir)
    app = create_app(settings)
    async with app_client(app) as client:
        (await register(client, "costly@example.com")).ok()
        async with app.state.runtime.sessionmaker() as session:
            stored = await session.scalar(select(User.password_hash))

    assert stored is not None
    assert stored.startswith("$2b$")
    assert hash_cost(stored) >= 12
