"""Service settings: the database a URL selects, and production refusing dev defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from subgraphs.kit.settings import ServiceSettings, service_config


class ShopSettings(ServiceSettings):
    model_config = service_config("SHOP")
    service_name: str = "shop"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SHOPGRAPH_"):
            monkeypatch.delenv(name)


def test_development_defaults_to_a_sqlite_file_under_the_data_folder(tmp_path: Path) -> None:
    settings = ShopSettings(data_dir=tmp_path)

    assert settings.resolved_database_url == (
        f"sqlite+aiosqlite:///{(tmp_path / 'shop.sqlite3').resolve()}"
    )
    assert not settings.is_production


def test_a_postgres_server_url_selects_the_services_own_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://pg.internal:5432/")

    assert ShopSettings().resolved_database_url == "postgresql://pg.internal:5432/shop_db"


def test_an_explicit_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://pg.internal:5432")
    monkeypatch.setenv("SHOPGRAPH_SHOP_DATABASE_URL", "postgresql://elsewhere/db")

    assert ShopSettings().resolved_database_url == "postgresql://elsewhere/db"


def test_each_service_reads_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_SHOP_PORT", "4555")
    monkeypatch.setenv("SHOPGRAPH_OTHER_PORT", "4666")

    assert ShopSettings().port == 4555


def test_production_refuses_every_development_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_ENV", "production")

    with pytest.raises(ValidationError) as refused:
        ShopSettings()

    message = str(refused.value)
    assert "refuse development defaults" in message
    for missing in (
        "DATABASE_URL or SHOPGRAPH_POSTGRES_URL",
        "SHOPGRAPH_SERVICE_KEY_FILE",
        "SHOPGRAPH_JWKS_URL or SHOPGRAPH_JWT_PUBLIC_KEY_FILE",
    ):
        assert missing in message


def test_production_starts_once_everything_is_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPGRAPH_ENV", "production")
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://pg.internal:5432")
    monkeypatch.setenv("SHOPGRAPH_SERVICE_KEY_FILE", str(tmp_path / "service.pem"))
    monkeypatch.setenv("SHOPGRAPH_JWKS_URL", "http://users:4001/.well-known/jwks.json")

    settings = ShopSettings()

    assert settings.is_production


def test_a_service_signing_user_tokens_needs_no_jwks_in_production(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class SigningSettings(ShopSettings):
        signs_user_tokens = True

    monkeypatch.setenv("SHOPGRAPH_ENV", "production")
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://pg.internal:5432")
    monkeypatch.setenv("SHOPGRAPH_SERVICE_KEY_FILE", str(tmp_path / "service.pem"))

    assert SigningSettings().is_production
    with pytest.raises(ValidationError, match="SHOPGRAPH_JWKS_URL"):
        ShopSettings()


def test_service_specific_production_problems_are_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class StrictSettings(ShopSettings):
        def production_problems(self) -> list[str]:
            return ["SHOPGRAPH_SHOP_PAYMENT_KEY"]

    monkeypatch.setenv("SHOPGRAPH_ENV", "production")
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://pg.internal:5432")
    monkeypatch.setenv("SHOPGRAPH_SERVICE_KEY_FILE", str(tmp_path / "service.pem"))
    monkeypatch.setenv("SHOPGRAPH_JWKS_URL", "http://users:4001/.well-known/jwks.json")

    with pytest.raises(ValidationError, match="SHOPGRAPH_SHOP_PAYMENT_KEY"):
        StrictSettings()
