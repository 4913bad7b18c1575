"""`verify_token`, the one verification function, against good and forged tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from subgraphs.kit.auth import (
    SERVICE_ISSUER,
    StaticKeys,
    TokenSigner,
    service_credential,
    service_signer,
    verify_token,
)
from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.keys import PrivateKey, generate_private_key
from tests.subgraphs.kit.forged_tokens import Rejected, rejected_tokens

ISSUER = "shopgraph-users"
AUDIENCE = "shopgraph"


@pytest.fixture(scope="module", params=["ES256", "RS256"])
def user_key(request: pytest.FixtureRequest) -> PrivateKey:
    return generate_private_key(request.param)


@pytest.fixture(scope="module")
def service_key() -> PrivateKey:
    return generate_private_key("ES256")


@pytest.fixture
def keys(user_key: PrivateKey, service_key: PrivateKey) -> StaticKeys:
    trusted = StaticKeys()
    trusted.add(user_key.public_key(), issuer=ISSUER)
    trusted.add(service_key.public_key(), issuer=SERVICE_ISSUER)
    return trusted


async def test_a_valid_access_token_proves_its_subject_and_roles(
    user_key: PrivateKey, keys: StaticKeys
) -> None:
    user_id = uuid.uuid4()
    token = TokenSigner(user_key, issuer=ISSUER, audience=AUDIENCE).sign(
        str(user_id), roles=["admin"], ttl=timedelta(minutes=5)
    )

    principal = await verify_token(token, keys, audience=AUDIENCE)

    assert principal.user_id == user_id
    assert principal.is_admin
    assert not principal.is_service
    assert principal.token_id == principal.claims["jti"]


async def test_a_service_credential_proves_the_service_role(
    service_key: PrivateKey, keys: StaticKeys
) -> None:
    token = service_credential(service_signer(service_key, audience=AUDIENCE), "orders")

    principal = await verify_token(token, keys, audience=AUDIENCE)

    assert principal.is_service
    assert principal.user_id is None
    assert principal.subject == "service:orders"


CASES = list(rejected_tokens(generate_private_key("ES256"), issuer=ISSUER, audience=AUDIENCE))


@pytest.fixture(scope="module")
def forged(user_key: PrivateKey) -> dict[str, Rejected]:
    return rejected_tokens(user_key, issuer=ISSUER, audience=AUDIENCE)


@pytest.mark.parametrize("case", CASES)
async def test_a_forged_or_invalid_token_is_rejected(
    forged: dict[str, Rejected], keys: StaticKeys, case: str
) -> None:
    rejected = forged[case]

    with pytest.raises(Unauthenticated) as caught:
        await verify_token(rejected.token, keys, audience=AUDIENCE)

    assert caught.value.code == "UNAUTHENTICATED"
    assert caught.value.details["reason"] == rejected.reason


async def test_a_token_signed_by_the_service_key_for_a_person_is_not_an_access_token(
    service_key: PrivateKey, keys: StaticKeys
) -> None:
    # The service key is bound to the service issuer: it cannot mint user tokens.
    token = TokenSigner(service_key, issuer=ISSUER, audience=AUDIENCE).sign(
        str(uuid.uuid4()), roles=["admin"], ttl=timedelta(minutes=5)
    )

    with pytest.raises(Unauthenticated) as caught:
        await verify_token(token, keys, audience=AUDIENCE)

    assert caught.value.details["reason"] == "issuer"
