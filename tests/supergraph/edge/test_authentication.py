"""The gateway verifies bearer tokens itself and forwards verified claims to subgraphs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import AUDIENCE, ISSUER, JwksServer, Keys, auth_settings
from cryptography.hazmat.primitives import serialization

from supergraph.edge.settings import AuthSettings, EdgeSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")

CALLER = "{ caller { authorization userId roles } }"


async def _post(
    client: httpx.AsyncClient, query: str, token: str | None = None, **headers: str
) -> httpx.Response:
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return await client.post("/graphql", json={"query": query}, headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


async def _assert_refused(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 401, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert fragment in error["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_anonymous_caller_reaches_public_fields(gateway: httpx.AsyncClient) -> None:
    response = await _post(gateway, "{ public }")
    assert response.status_code == 200
    assert response.json() == {"data": {"public": "hello"}}


async def test_verified_rs256_claims_reach_the_subgraph(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    token = keys.token(sub="user-42", roles=["admin"])
    response = await _post(gateway, CALLER, token)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["caller"] == {
        "authorization": f"Bearer {token}",
        "userId": "user-42",
        "roles": "admin",
    }


async def test_es256_token_is_accepted(gateway: httpx.AsyncClient, keys: Keys) -> None:
    response = await _post(gateway, CALLER, keys.token(keys.ec, sub="user-ec"))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["caller"]["userId"] == "user-ec"


async def test_claim_headers_sent_by_a_client_never_reach_subgraphs(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    anonymous = await _post(gateway, CALLER, **{"x-user-id": "admin-1", "x-user-roles": "admin"})
    assert anonymous.json()["data"]["caller"] == {
        "authorization": None,
        "userId": None,
        "roles": None,
    }
    signed_in = await _post(gateway, CALLER, keys.token(sub="user-7"), **{"x-user-id": "admin-1"})
    assert signed_in.json()["data"]["caller"]["userId"] == "user-7"


async def test_expired_token_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    now = int(time.time())
    token = keys.token(iat=now - 600, nbf=now - 600, exp=now - 60)
    await _assert_refused(await _post(gateway, "{ public }", token), "expired")


async def test_token_not_valid_yet_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    token = keys.token(nbf=int(time.time()) + 600)
    await _assert_refused(await _post(gateway, "{ public }", token), "not valid yet")


async def test_token_without_expiry_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    await _assert_refused(await _post(gateway, "{ public }", keys.token(exp=None)), "exp")


async def test_bad_signature_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    # Signed by a key nobody published, under the kid of a published one.
    forged = keys.unpublished.sign(keys.claims(), headers={"kid": keys.rsa.kid})
    await _assert_refused(await _post(gateway, "{ public }", forged), "signature")


async def test_tampered_claims_are_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    header, _, signature = keys.token(sub="user-1").split(".")
    body = _b64(json.dumps(keys.claims(sub="admin-1", roles=["admin"])).encode())
    await _assert_refused(
        await _post(gateway, "{ public }", f"{header}.{body}.{signature}"), "signature"
    )


async def test_alg_none_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    token = _unsigned({"alg": "none", "typ": "JWT", "kid": keys.rsa.kid}, keys.claims())
    await _assert_refused(await _post(gateway, "{ public }", token), "'none' is not accepted")


async def test_hs256_signed_with_the_public_key_is_refused(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    # The classic confusion: HMAC keyed with the RSA public key everyone can fetch.
    secret = keys.rsa.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": keys.rsa.kid}
    unsigned = _unsigned(header, keys.claims()).rsplit(".", 1)[0]
    signature = hmac.new(secret, unsigned.encode(), hashlib.sha256).digest()
    token = f"{unsigned}.{_b64(signature)}"
    await _assert_refused(await _post(gateway, "{ public }", token), "'HS256' is not accepted")


async def test_algorithm_that_does_not_match_the_key_is_refused(
    gateway: httpx.AsyncClient, keys: Keys
) -> None:
    # An RS256 token that names the EC key: the key decides the algorithm, not the token.
    token = keys.rsa.sign(keys.claims(), headers={"kid": keys.ec.kid})
    await _assert_refused(await _post(gateway, "{ public }", token), "does not match")


async def test_wrong_issuer_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    token = keys.token(iss="https://elsewhere.test")
    await _assert_refused(await _post(gateway, "{ public }", token), "issuer")


async def test_wrong_audience_is_refused(gateway: httpx.AsyncClient, keys: Keys) -> None:
    token = keys.token(aud="another-service")
    await _assert_refused(await _post(gateway, "{ public }", token), "audience")


async def test_garbage_token_is_refused(gateway: httpx.AsyncClient) -> None:
    await _assert_refused(await _post(gateway, "{ public }", "not-a-jwt"), "malformed")


async def test_non_bearer_authorization_is_refused(gateway: httpx.AsyncClient) -> None:
    response = await _post(gateway, "{ public }", authorization="Basic dXNlcjpwYXNz")
    await _assert_refused(response, "Bearer")


async def test_unknown_kid_refetches_the_jwks_once_keys_rotate(
    gateway_for: Callable[[EdgeSettings], Any], published: JwksServer, keys: Keys
) -> None:
    client = await gateway_for(EdgeSettings(auth=auth_settings(published, jwks_min_refresh_s=0.0)))
    assert (await _post(client, "{ public }", keys.token())).status_code == 200
    fetches = published.hits
    rotated = keys.token(keys.unpublished, sub="user-rotated")
    await _assert_refused(await _post(client, "{ public }", rotated), "unknown")
    published.published.append(keys.unpublished.jwk())
    response = await _post(client, CALLER, rotated)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["caller"]["userId"] == "user-rotated"
    assert published.hits == fetches + 2  # one refetch per unknown kid, none for known ones


async def test_unknown_kids_do_not_hammer_the_jwks(
    gateway_for: Callable[[EdgeSettings], Any], published: JwksServer, keys: Keys
) -> None:
    client = await gateway_for(EdgeSettings(auth=auth_settings(published, jwks_min_refresh_s=60.0)))
    assert (await _post(client, "{ public }", keys.token())).status_code == 200
    for attempt in range(5):
        token = keys.rsa.sign(keys.claims(), headers={"kid": f"random-{attempt}"})
        await _assert_refused(await _post(client, "{ public }", token), "unknown")
    assert published.hits == 1


async def test_public_key_file_verifies_without_a_jwks(
    gateway_for: Callable[[EdgeSettings], Any], keys: Keys, tmp_path: Path
) -> None:
    pem = tmp_path / "public.pem"
    pem.write_bytes(
        keys.ec.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    client = await gateway_for(
        EdgeSettings(auth=AuthSettings(public_key_file=str(pem), issuer=ISSUER, audience=AUDIENCE))
    )
    response = await _post(client, CALLER, keys.token(keys.ec, sub="user-pem"))
    assert response.json()["data"]["caller"]["userId"] == "user-pem"
    await _assert_refused(await _post(client, "{ public }", keys.token(keys.rsa)), "match")


async def test_without_verification_configured_tokens_pass_through_to_subgraphs(
    gateway_for: Callable[[EdgeSettings], Any], keys: Keys
) -> None:
    client = await gateway_for(EdgeSettings())
    token = keys.token(sub="user-9")
    response = await _post(client, CALLER, token, **{"x-user-id": "spoofed"})
    assert response.json()["data"]["caller"] == {
        "authorization": f"Bearer {token}",
        "userId": None,
        "roles": None,
    }
    # The router's own checks treat the caller as anonymous.
    body = (await _post(client, "{ me { id } }", token)).json()
    assert body["data"] == {"me": None}
