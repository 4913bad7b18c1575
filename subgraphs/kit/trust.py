"""Which keys a service trusts, built from its settings."""

from __future__ import annotations

from subgraphs.kit.auth import SERVICE_ISSUER, KeyResolver, RemoteJWKS, StaticKeys, TokenSigner
from subgraphs.kit.auth import service_signer as _service_signer
from subgraphs.kit.keys import PublicKey, load_or_create_private_key, load_public_key
from subgraphs.kit.settings import ServiceSettings

DEFAULT_DEV_JWKS_URL = "http://127.0.0.1:4001/.well-known/jwks.json"


def load_service_signer(settings: ServiceSettings) -> TokenSigner:
    """The services' shared signing key; development creates it on first start."""
    key = load_or_create_private_key(
        settings.resolved_service_key_file, create=not settings.is_production
    )
    return _service_signer(key, audience=settings.jwt_audience)


def build_key_resolver(
    settings: ServiceSettings, *, own_user_keys: list[PublicKey] | None = None
) -> KeyResolver:
    """Trust the service key, and the users service's keys (JWKS or file).

    The users service passes its own public keys; the other services read them
    from a configured file or fetch the users service's JWKS.
    """
    static = StaticKeys()
    static.add(load_service_signer(settings).private_key.public_key(), issuer=SERVICE_ISSUER)
    for public in own_user_keys or []:
        static.add(public, issuer=settings.jwt_issuer)
    if settings.jwt_public_key_file is not None:
        static.add(load_public_key(settings.jwt_public_key_file), issuer=settings.jwt_issuer)
    if own_user_keys or settings.jwt_public_key_file is not None:
        return static
    jwks_url = settings.jwks_url or DEFAULT_DEV_JWKS_URL
    return RemoteJWKS(jwks_url, issuer=settings.jwt_issuer, fallback=static)
