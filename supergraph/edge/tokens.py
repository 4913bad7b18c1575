"""The gateway's JWT verification: RS256/ES256 only, issuer, audience and time checks.

The router stays generic: it trusts whatever JWKS URL or public key file it is
configured with, and checks tokens the same way the subgraphs do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from supergraph.edge.jwks import JwksCache, KeysUnavailable
from supergraph.edge.settings import AuthSettings

# Which key type each accepted algorithm needs: a token may not pick a weaker or
# different algorithm than its key was made for (algorithm confusion).
_KEY_TYPES: dict[str, type[Any]] = {"RS256": rsa.RSAPublicKey, "ES256": ec.EllipticCurvePublicKey}


class TokenRejected(Exception):
    """The bearer token is not acceptable; the message is safe to show the caller."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: anonymous, or the verified claims of a token."""

    claims: Mapping[str, Any]
    scopes: frozenset[str]
    policies: frozenset[str]
    token: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.token is not None

    @property
    def subject(self) -> str | None:
        sub = self.claims.get("sub")
        return str(sub) if sub is not None else None


ANONYMOUS = Principal(claims={}, scopes=frozenset(), policies=frozenset())


class TokenVerifier:
    """Verifies bearer tokens against a JWKS URL or a PEM public key file."""

    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
        self.jwks = (
            JwksCache(
                settings.jwks_url,
                max_age_s=settings.jwks_max_age_s,
                min_refresh_s=settings.jwks_min_refresh_s,
                timeout_s=settings.jwks_timeout_s,
            )
            if settings.jwks_url
            else None
        )
        self._static_key: Any = None
        if settings.public_key_file:
            self._static_key = load_pem_public_key(Path(settings.public_key_file).read_bytes())

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise TokenRejected("The token is malformed.") from error
        algorithm = header.get("alg")
        if algorithm not in self.settings.algorithms:
            raise TokenRejected(f"The token's algorithm {algorithm!r} is not accepted.")
        key = await self._key(header.get("kid"))
        if not isinstance(key, _KEY_TYPES[str(algorithm)]):
            raise TokenRejected("The token's algorithm does not match its signing key.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                issuer=self.settings.issuer,
                audience=self.settings.audience,
                leeway=self.settings.leeway_s,
                # Without a configured audience, any audience passes (set one in production).
                options={
                    "require": ["exp", "iat", "sub"],
                    "verify_aud": self.settings.audience is not None,
                },
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("The token has expired.") from error
        except jwt.ImmatureSignatureError as error:
            raise TokenRejected("The token is not valid yet.") from error
        except jwt.InvalidIssuerError as error:
            raise TokenRejected("The token's issuer is not trusted.") from error
        except jwt.InvalidAudienceError as error:
            raise TokenRejected("The token is not meant for this audience.") from error
        except jwt.InvalidSignatureError as error:
            raise TokenRejected("The token's signature is invalid.") from error
        except jwt.PyJWTError as error:
            raise TokenRejected(f"The token is invalid: {error}") from error
        return Principal(
            claims=claims,
            scopes=_values(claims, self.settings.scope_claims),
            policies=_values(claims, self.settings.policy_claims),
            token=token,
        )

    async def _key(self, kid: Any) -> Any:
        if self.jwks is not None:
            try:
                found = await self.jwks.key(str(kid) if kid is not None else None)
            except KeysUnavailable as error:
                raise TokenRejected("The signing keys are unavailable.") from error
            if found is not None:
                return found.key
            if self._static_key is None:
                raise TokenRejected("The token's signing key is unknown.")
        return self._static_key


def _values(claims: Mapping[str, Any], names: tuple[str, ...]) -> frozenset[str]:
    """Space-separated strings (OAuth `scope`) and lists both count."""
    found: set[str] = set()
    for name in names:
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(str(item) for item in value)
    return frozenset(found)
