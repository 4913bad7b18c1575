"""Settings shared by every process, each reading its own environment prefix.

A service subclasses `ServiceSettings` with `model_config = service_config("USERS")`
and so reads `SHOPGRAPH_USERS_*`. A few values are platform-wide and read without the
service prefix (`SHOPGRAPH_ENV`, `SHOPGRAPH_DATA_DIR`, `SHOPGRAPH_POSTGRES_URL`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def service_config(service: str) -> SettingsConfigDict:
    """Settings config reading `SHOPGRAPH_<SERVICE>_*` variables."""
    return SettingsConfigDict(
        env_prefix=f"SHOPGRAPH_{service.upper()}_",
        extra="ignore",
        populate_by_name=True,
    )


def _shared(name: str) -> Any:
    """A field read from the platform-wide `SHOPGRAPH_<NAME>` as well as the service one.

    (The service's own prefixed variable comes with the field name. A bare alias
    such as "env" would also read an unrelated `$ENV` or `$DATA_DIR`.)
    """
    return AliasChoices(f"SHOPGRAPH_{name.upper()}")


class ServiceSettings(BaseSettings):
    """What every service process needs: where it listens, stores and trusts."""

    model_config = service_config("SERVICE")

    # The users service signs access tokens and trusts its own keys, so it needs
    # no JWKS URL or public key file; every other service does.
    signs_user_tokens: ClassVar[bool] = False
    # PostgreSQL settings a service's queries rely on, set on each of its connections.
    database_server_settings: ClassVar[Mapping[str, str]] = {}

    service_name: str = "service"
    environment: Environment = Field(
        default=Environment.DEVELOPMENT, validation_alias=_shared("env")
    )
    host: str = "127.0.0.1"
    port: int = Field(default=4000, ge=1, le=65535)
    log_level: str = "INFO"
    data_dir: Path = Field(default=Path("data"), validation_alias=_shared("data_dir"))
    # An explicit URL wins; otherwise a PostgreSQL server URL selects
    # `<server>/<service>_db`; otherwise a SQLite file under the data folder.
    database_url: str | None = None
    postgres_url: str | None = Field(default=None, validation_alias=_shared("postgres_url"))
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_echo: bool = False

    # Tokens: access tokens come from the users service; service credentials are
    # signed with a key pair shared by the services (never by customers).
    jwt_issuer: str = Field(default="shopgraph-users", validation_alias=_shared("jwt_issuer"))
    jwt_audience: str = Field(default="shopgraph", validation_alias=_shared("jwt_audience"))
    jwks_url: str | None = Field(default=None, validation_alias=_shared("jwks_url"))
    jwt_public_key_file: Path | None = Field(
        default=None, validation_alias=_shared("jwt_public_key_file")
    )
    service_key_file: Path | None = Field(
        default=None, validation_alias=_shared("service_key_file")
    )

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        if self.postgres_url:
            return f"{self.postgres_url.rstrip('/')}/{self.service_name}_db"
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.sqlite3').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def resolved_service_key_file(self) -> Path:
        return self.service_key_file or self.keys_dir / "service-signing.pem"

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Self:
        if not self.is_production:
            return self
        missing = [
            name
            for name, value in (
                ("DATABASE_URL or SHOPGRAPH_POSTGRES_URL", self.database_url or self.postgres_url),
                ("SHOPGRAPH_SERVICE_KEY_FILE", self.service_key_file),
                (
                    "SHOPGRAPH_JWKS_URL or SHOPGRAPH_JWT_PUBLIC_KEY_FILE",
                    self.signs_user_tokens or self.jwks_url or self.jwt_public_key_file,
                ),
            )
            if not value
        ]
        missing.extend(self.production_problems())
        if missing:
            raise ValueError(
                "production settings refuse development defaults; configure: " + ", ".join(missing)
            )
        return self

    def production_problems(self) -> list[str]:
        """Service-specific settings that must be configured in production."""
        return []
