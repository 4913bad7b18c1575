"""What every resolver can reach: the sessionmaker, the caller, the request id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from subgraphs.kit.auth import Principal
from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import Forbidden, Unauthenticated


@dataclass
class ServiceContext(BaseContext):
    sessionmaker: Sessionmaker
    principal: Principal | None
    request_id: str | None
    extras: dict[str, Any] = field(default_factory=dict)
    # Set when the caller sent a token that did not verify: public fields are
    # still served, and anything that needs a caller reports this reason.
    auth_error: Unauthenticated | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise self.auth_error or Unauthenticated("authentication required")
        return self.principal

    def require_admin(self) -> Principal:
        principal = self.require_principal()
        if not principal.is_admin:
            raise Forbidden("admin role required")
        return principal

    def require_service(self) -> Principal:
        principal = self.require_principal()
        if not principal.is_service:
            raise Forbidden("service credential required")
        return principal
