"""Tokens: signing, the trusted key set, and the one function that verifies them.

Two kinds of tokens are accepted by the services:
- access tokens for people, signed by the users service (issuer `jwt_issuer`);
- service credentials, signed with the services' shared key (issuer
  `SERVICE_ISSUER`), carrying the `service` role.
Each trusted key is bound to the one issuer and algorithm it may sign for, so a
customer token can never pass as a service one, whatever its claims say.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import httpx
import jwt

from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.keys import (
    SIGNING_ALGORITHMS,
    PrivateKey,
    PublicKey,
    algorithm_for,
    key_id,
)

SERVICE_ISSUER = "shopgraph-services"
SERVICE_ROLE = "service"
ADMIN_ROLE = "admin"
CUSTOMER_ROLE = "customer"


@dataclass(frozen=True)
class Principal:
    """Who is calling, as proven by a verified token."""

    subject: str
    roles: frozenset[str]
    token_id: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    @property
    def is_service(self) -> bool:
        return SERVICE_ROLE in self.roles

    @property
    def user_id(self) -> uuid.UUID | None:
        """The user this principal is, or None for a service credential."""
        if self.is_service:
            return None
        try:
            return uuid.UUID(self.subject)
        except ValueError:
            return None


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    algorithm: str
    issuer: str


class KeyResolver(Protocol):
    async def trusted_key(self, kid: str) -> TrustedKey | None: ...


class StaticKeys:
    """Keys known up front (files, tests)."""

    def __init__(self, keys: Mapping[str, TrustedKey] | None = None) -> None:
        self._keys = dict(keys or {})

    def add(self, key: PublicKey, *, issuer: str) -> None:
        self._keys[key_id(key)] = TrustedKey(key, algorithm_for(key), issuer)

    async def trusted_key(self, kid: str) -> TrustedKey | None:
        return self._keys.get(kid)


class RemoteJWKS:
    """The users service's JWKS, fetched lazily, cached, refetched on an unknown kid.

    Refetches are spaced by `min_refresh_seconds` so that tokens with random kids
    cannot turn the verifier into a request amplifier.
    """

    def __init__(
        self,
        url: str,
        *,
        issuer: str,
        fallback: StaticKeys | None = None,
        min_refresh_seconds: float = 30.0,
        timeout: float = 3.0,
    ) -> None:
        self._url = url
        self._issuer = issuer
        self._fallback = fallback or StaticKeys()
        self._min_refresh = min_refresh_seconds
        self._timeout = timeout
        self._keys: dict[str, TrustedKey] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def trusted_key(self, kid: str) -> TrustedKey | None:
        static = await self._fallback.trusted_key(kid)
        if static is not None:
            return static
        if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
            async with self._lock:
                if kid not in self._keys:
                    await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError):
            return  # keep the keys we had; verification fails closed for unknown kids
        keys: dict[str, TrustedKey] = {}
        for jwk in document.get("keys", []):
            algorithm = jwk.get("alg")
            if algorithm not in SIGNING_ALGORITHMS or "kid" not in jwk:
                continue
            public = jwt.PyJWK(jwk, algorithm).key
            keys[jwk["kid"]] = TrustedKey(public, algorithm, self._issuer)
        self._keys = keys


class TokenSigner:
    """Signs tokens with one private key; `kid` names the key for verifiers."""

    def __init__(self, private_key: PrivateKey, *, issuer: str, audience: str) -> None:
        self.private_key = private_key
        self.algorithm = algorithm_for(private_key)
        self.kid = key_id(private_key)
        self.issuer = issuer
        self.audience = audience

    def sign(
        self,
        subject: str,
        *,
        roles: list[str],
        ttl: timedelta,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            **(extra or {}),
            "sub": subject,
            "roles": sorted(roles),
            "iat": now,
            "nbf": now,
            "exp": now + int(ttl.total_seconds()),
            "iss": self.issuer,
            "aud": self.audience,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims, self.private_key, algorithm=self.algorithm, headers={"kid": self.kid}
        )


def service_signer(private_key: PrivateKey, *, audience: str) -> TokenSigner:
    return TokenSigner(private_key, issuer=SERVICE_ISSUER, audience=audience)


def service_credential(signer: TokenSigner, service_name: str) -> str:
    """A short-lived token one service sends to another."""
    return signer.sign(f"service:{service_name}", roles=[SERVICE_ROLE], ttl=timedelta(minutes=5))


async def verify_token(
    token: str, keys: KeyResolver, *, audience: str, leeway_seconds: int = 5
) -> Principal:
    """Verify a bearer token and return who it proves the caller is.

    Rejects: malformed tokens, `alg: none` and every algorithm outside RS256/ES256
    (so an HS256 token "signed" with a public key never verifies), unknown `kid`s,
    an algorithm other than the one the key is bound to, bad signatures, expired
    or not-yet-valid tokens, and a wrong issuer or audience.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Unauthenticated("malformed token", reason="malformed") from error
    algorithm = header.get("alg")
    if algorithm not in SIGNING_ALGORITHMS:
        raise Unauthenticated("token algorithm not accepted", reason="algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise Unauthenticated("token has no key id", reason="kid")
    trusted = await keys.trusted_key(kid)
    if trusted is None:
        raise Unauthenticated("token signed by an unknown key", reason="kid")
    if trusted.algorithm != algorithm:
        raise Unauthenticated("token algorithm does not match its key", reason="algorithm")
    try:
        claims = jwt.decode(
            token,
            trusted.key,
            algorithms=[trusted.algorithm],
            audience=audience,
            issuer=trusted.issuer,
            leeway=leeway_seconds,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("token expired", reason="expired") from error
    except jwt.ImmatureSignatureError as error:
        raise Unauthenticated("token not yet valid", reason="not_yet_valid") from error
    except jwt.InvalidIssuerError as error:
        raise Unauthenticated("token issuer not accepted", reason="issuer") from error
    except jwt.InvalidAudienceError as error:
        raise Unauthenticated("token audience not accepted", reason="audience") from error
    except jwt.InvalidSignatureError as error:
        raise Unauthenticated("token signature invalid", reason="signature") from error
    except jwt.PyJWTError as error:
        raise Unauthenticated("token invalid", reason="invalid") from error
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise Unauthenticated("token roles malformed", reason="claims")
    if SERVICE_ROLE in roles and trusted.issuer != SERVICE_ISSUER:
        raise Unauthenticated("only service keys may sign service credentials", reason="claims")
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(roles),
        token_id=claims.get("jti"),
        claims=claims,
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None when absent."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'", reason="header")
    return token.strip()
