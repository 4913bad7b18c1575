"""The one error tree. Services subclass these next to their service code.

A `DomainError` carries a stable code (shown as `extensions.code` in GraphQL and
`code` in REST) and the HTTP status a REST caller should see. Anything else that
escapes a resolver is unexpected: it is logged with the request id and shown as
an internal error, never with its message.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "DOMAIN_ERROR"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance may refine its class's code
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        """graphql-core copies an original error's `extensions` onto the GraphQL error."""
        extensions: dict[str, Any] = {"code": self.code}
        if self.details:
            extensions["details"] = self.details
        return extensions


class BadInput(DomainError):
    code = "BAD_USER_INPUT"
    http_status = 422

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, **details: Any
    ) -> None:
        if field is not None:
            details["field"] = field
        super().__init__(message, code=code, **details)


class NotFound(DomainError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(DomainError):
    code = "CONFLICT"
    http_status = 409


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class DependencyUnavailable(DomainError):
    """Another service this one needs did not answer (down, timed out, or broken)."""

    code = "SERVICE_UNAVAILABLE"
    http_status = 503
