"""Access tokens (signed JWTs) and refresh tokens (random, stored only as a hash)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from subgraphs.kit.auth import TokenSigner
from subgraphs.kit.keys import PrivateKey, PublicKey, load_or_create_private_key, load_public_key
from subgraphs.users.models import User, UserRole
from subgraphs.users.settings import UsersSettings

# The access-token claim naming the login session (refresh-token family) it
# belongs to, so "sign out my other sessions" knows which one is this.
SESSION_CLAIM = "sid"

# OAuth's space-separated `scope` claim, which the gateway's `@requiresScopes`
# reads. Every account may act as a customer; an admin may also administer.
# (`inventory` is a scope no user token ever carries: see subgraphs/users/README.md.)
SCOPE_CLAIM = "scope"
SCOPES_BY_ROLE: dict[str, tuple[str, ...]] = {
    UserRole.CUSTOMER.value: ("customer",),
    UserRole.ADMIN.value: ("admin", "customer"),
}


def scope_of(role: str) -> str:
    """The `scope` claim of a user with `role` (an unknown role gets no scope)."""
    return " ".join(SCOPES_BY_ROLE.get(role, ()))


def load_signing_key(settings: UsersSettings) -> PrivateKey:
    """The users service's signing key; only development creates it when missing."""
    return load_or_create_private_key(
        settings.resolved_signing_key_file, create=not settings.is_production
    )


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    # The token is 256 random bits, so a plain SHA-256 cannot be brute-forced
    # and lets the lookup use an index.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuthConfig:
    """How the service issues credentials; built once per process from settings."""

    signer: TokenSigner
    access_ttl: timedelta
    refresh_ttl: timedelta
    bcrypt_rounds: int
    retired_keys: tuple[PublicKey, ...] = ()

    @classmethod
    def from_settings(cls, settings: UsersSettings, key: PrivateKey) -> AuthConfig:
        return cls(
            signer=TokenSigner(key, issuer=settings.jwt_issuer, audience=settings.jwt_audience),
            access_ttl=timedelta(minutes=settings.access_token_minutes),
            refresh_ttl=timedelta(days=settings.refresh_token_days),
            bcrypt_rounds=settings.bcrypt_rounds,
            retired_keys=tuple(
                load_public_key(path) for path in settings.retired_signing_key_files
            ),
        )

    @property
    def verification_keys(self) -> list[PublicKey]:
        """The current signing key's public half first, then the retired ones."""
        return [self.signer.private_key.public_key(), *self.retired_keys]

    def access_token(self, user: User, session_id: uuid.UUID) -> str:
        return self.signer.sign(
            str(user.id),
            roles=[user.role],
            ttl=self.access_ttl,
            extra={SESSION_CLAIM: str(session_id), SCOPE_CLAIM: scope_of(user.role)},
        )
