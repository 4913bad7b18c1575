"""Settings of the users service (`SHOPGRAPH_USERS_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings, service_config

# bcrypt's cost is a power of two: 12 is the floor for real accounts; 4 (the
# smallest bcrypt accepts) keeps test suites fast.
PRODUCTION_MIN_BCRYPT_ROUNDS = 12
DEFAULT_BCRYPT_ROUNDS = 12


class UsersSettings(ServiceSettings):
    model_config = service_config("USERS")
    signs_user_tokens: ClassVar[bool] = True

    service_name: str = "users"
    port: int = Field(default=4001, ge=1, le=65535)

    bcrypt_rounds: int = Field(default=DEFAULT_BCRYPT_ROUNDS, ge=4, le=31)
    # The private key access tokens are signed with (RS256 or ES256 PEM).
    # Development creates `<data_dir>/keys/users-signing.pem` on first start.
    signing_key_file: Path | None = None
    # Keys signed with before a rotation (PEM, public or private): still published
    # in the JWKS and accepted until the last token they signed has expired.
    retired_signing_key_files: list[Path] = Field(default_factory=list)
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.keys_dir / "users-signing.pem"

    def production_problems(self) -> list[str]:
        problems = []
        if self.signing_key_file is None:
            problems.append("SHOPGRAPH_USERS_SIGNING_KEY_FILE")
        if self.bcrypt_rounds < PRODUCTION_MIN_BCRYPT_ROUNDS:
            problems.append(f"SHOPGRAPH_USERS_BCRYPT_ROUNDS >= {PRODUCTION_MIN_BCRYPT_ROUNDS}")
        return problems
