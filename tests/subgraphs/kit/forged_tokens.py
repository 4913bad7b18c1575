"""Tokens every verifier must refuse, made the way an attacker or a bug would make them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from subgraphs.kit.auth import SERVICE_ISSUER
from subgraphs.kit.keys import PrivateKey, algorithm_for, generate_private_key, key_id


def user_claims(issuer: str, audience: str, **overrides: Any) -> dict[str, Any]:
    """Valid access-token claims for a customer; an override of None drops the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(uuid.uuid4()),
        "roles": ["customer"],
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "iss": issuer,
        "aud": audience,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed(claims: dict[str, Any], key: PrivateKey, *, kid: str | None = None) -> str:
    return jwt.encode(
        claims, key, algorithm=algorithm_for(key), headers={"kid": kid or key_id(key)}
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def unsigned(claims: dict[str, Any], *, kid: str) -> str:
    """`alg: none`: no signature at all."""
    return _segments({"alg": "none", "typ": "JWT", "kid": kid}, claims) + "."


def hs256_with_public_key(claims: dict[str, Any], key: PrivateKey) -> str:
    """The algorithm-confusion attack: HMAC keyed with the (public) verification key.

    PyJWT refuses to make these, so the token is built by hand.
    """
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _segments({"alg": "HS256", "typ": "JWT", "kid": key_id(key)}, claims)
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def with_payload_of(token: str, other: str) -> str:
    """`token`'s header and signature around `other`'s claims (a tampered token)."""
    header, _, signature = token.split(".")
    return f"{header}.{other.split('.')[1]}.{signature}"


@dataclass(frozen=True)
class Rejected:
    token: str
    reason: str


def rejected_tokens(user_key: PrivateKey, *, issuer: str, audience: str) -> dict[str, Rejected]:
    """Every kind of token a service must refuse, with the reason it should give.

    `user_key` is the key the verifier trusts for `issuer`'s access tokens.
    """
    now = int(time.time())
    valid = user_claims(issuer, audience)
    stranger = generate_private_key(algorithm_for(user_key))
    other_kind = "RS256" if algorithm_for(user_key) == "ES256" else "ES256"
    other_algorithm = generate_private_key(other_kind)
    admin_claims = user_claims(issuer, audience, roles=["admin"], sub=valid["sub"])
    return {
        "expired": Rejected(
            signed(user_claims(issuer, audience, iat=now - 7200, exp=now - 3600), user_key),
            "expired",
        ),
        "not yet valid": Rejected(
            signed(user_claims(issuer, audience, nbf=now + 3600, exp=now + 7200), user_key),
            "not_yet_valid",
        ),
        "wrong signature": Rejected(signed(valid, stranger, kid=key_id(user_key)), "signature"),
        "tampered claims": Rejected(
            with_payload_of(signed(valid, user_key), signed(admin_claims, stranger)), "signature"
        ),
        "alg none": Rejected(unsigned(valid, kid=key_id(user_key)), "algorithm"),
        "HS256 signed with the public key": Rejected(
            hs256_with_public_key(valid, user_key), "algorithm"
        ),
        "algorithm other than the key's": Rejected(
            signed(valid, other_algorithm, kid=key_id(user_key)), "algorithm"
        ),
        "wrong issuer": Rejected(signed(user_claims("someone-else", audience), user_key), "issuer"),
        "wrong audience": Rejected(
            signed(user_claims(issuer, "another-api"), user_key), "audience"
        ),
        "unknown kid": Rejected(signed(valid, stranger), "kid"),
        "no kid": Rejected(jwt.encode(valid, user_key, algorithm=algorithm_for(user_key)), "kid"),
        "customer token claiming the service role": Rejected(
            signed(user_claims(issuer, audience, roles=["service"]), user_key), "claims"
        ),
        "customer token claiming the service issuer": Rejected(
            signed(user_claims(SERVICE_ISSUER, audience, roles=["service"]), user_key), "issuer"
        ),
        "no expiry": Rejected(signed(user_claims(issuer, audience, exp=None), user_key), "invalid"),
        "not a JWT": Rejected("not.a.jwt", "malformed"),
    }
