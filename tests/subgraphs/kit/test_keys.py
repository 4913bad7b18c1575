"""Signing keys: RFC 7638 key ids, JWKs without private parts, dev-only creation."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from subgraphs.kit.keys import (
    generate_private_key,
    key_id,
    load_or_create_private_key,
    load_public_key,
    public_jwk,
)

# The example key of RFC 7638 section 3.1 and the thumbprint the RFC gives for it.
RFC7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
    "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
    "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
    "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def _b64_int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def test_key_ids_are_rfc7638_thumbprints() -> None:
    public = rsa.RSAPublicNumbers(e=65537, n=_b64_int(RFC7638_N)).public_key()

    assert key_id(public) == RFC7638_THUMBPRINT


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_a_public_jwk_names_its_key_and_holds_nothing_private(algorithm: str) -> None:
    key = generate_private_key(algorithm)

    jwk = public_jwk(key)

    assert jwk["kid"] == key_id(key) == key_id(key.public_key())
    assert jwk["alg"] == algorithm
    assert jwk["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
    assert "key_ops" not in jwk  # RFC 7517: not together with `use`
    assert all(isinstance(value, str) for value in jwk.values())


def test_a_key_is_created_once_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"

    created = load_or_create_private_key(path, create=True)
    loaded = load_or_create_private_key(path, create=True)

    assert key_id(created) == key_id(loaded)
    assert path.stat().st_mode & 0o777 == 0o600
    assert key_id(load_public_key(path)) == key_id(created)


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "shared.pem"
    kids: list[str] = []

    def start() -> None:
        kids.append(key_id(load_or_create_private_key(path, create=True)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(kids)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["shared.pem"]


def test_a_missing_key_is_not_created_when_creation_is_off(tmp_path: Path) -> None:
    path = tmp_path / "absent.pem"

    with pytest.raises(FileNotFoundError, match="configure one"):
        load_or_create_private_key(path, create=False)

    assert not path.exists()
