"""Signing keys: loaded from files, created on first start in development only."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

# The only algorithms any Shopgraph token may use. HS* and "none" are never accepted.
SIGNING_ALGORITHMS = ("RS256", "ES256")


def algorithm_for(key: PrivateKey | PublicKey) -> str:
    return "RS256" if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) else "ES256"


def generate_private_key(algorithm: str = "ES256") -> PrivateKey:
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unsupported signing algorithm {algorithm!r}")


def private_key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(path: Path) -> PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: only RSA and EC P-256 keys are supported")
    return key


def load_public_key(path: Path) -> PublicKey:
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ValueError(f"{path}: only RSA and EC P-256 keys are supported")
    return key


def load_or_create_private_key(path: Path, *, create: bool, algorithm: str = "ES256") -> PrivateKey:
    """Load the key at `path`; with `create`, make one there first if it is missing.

    Several processes may start at once, so the file appears atomically and the
    first writer wins; everyone else reads the winner's key.
    """
    if path.exists():
        return load_private_key(path)
    if not create:
        raise FileNotFoundError(f"signing key {path} is missing; configure one")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(private_key_pem(generate_private_key(algorithm)))
        os.chmod(tmp_name, 0o600)
        # The first process to link its key wins; the others read that one.
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)
    return load_private_key(path)


_THUMBPRINT_MEMBERS = frozenset({"crv", "e", "kty", "n", "x", "y"})


def public_half(key: PrivateKey | PublicKey) -> PublicKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key.public_key()
    return key


def key_id(key: PrivateKey | PublicKey) -> str:
    """RFC 7638 thumbprint of the public key: stable and derived, never configured."""
    public = (
        key.public_key() if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) else key
    )
    jwk = public_jwk_fields(public)
    members = {
        name: jwk[name] for name in sorted(jwk) if name in {"crv", "e", "kty", "n", "x", "y"}
    }
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def public_jwk_fields(public: PublicKey) -> dict[str, str]:
    if isinstance(public, rsa.RSAPublicKey):
        return json.loads(RSAAlgorithm.to_jwk(public))  # type: ignore[no-any-return]
    return json.loads(ECAlgorithm.to_jwk(public))  # type: ignore[no-any-return]


def public_jwk(key: PrivateKey | PublicKey) -> dict[str, str]:
    """The public half as a JWK with `kid`, `alg` and `use`, for a JWKS document."""
    public = (
        key.public_key() if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) else key
    )
    # RFC 7517 4.3: `use` and `key_ops` should not both appear; PyJWT adds the
    # latter (a list) for RSA keys, so it goes.
    fields = {name: value for name, value in public_jwk_fields(public).items() if name != "key_ops"}
    return {
        **fields,
        "kid": key_id(public),
        "alg": algorithm_for(public),
        "use": "sig",
    }
