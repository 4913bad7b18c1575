"""The users service's errors (codes are part of the API)."""

from __future__ import annotations

from subgraphs.kit.errors import BadInput, Conflict, Unauthenticated


class InvalidEmail(BadInput):
    """Not an email address (`BAD_USER_INPUT`, field `email`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="email")


class InvalidPassword(BadInput):
    """Too short, or longer than bcrypt hashes without truncating (`BAD_USER_INPUT`)."""

    def __init__(self, message: str, *, field: str, reason: str) -> None:
        super().__init__(message, field=field, reason=reason)


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class InvalidCredentials(Unauthenticated):
    """The same error for an unknown email and a wrong password, so neither is revealed."""

    code = "INVALID_CREDENTIALS"

    def __init__(self) -> None:
        super().__init__("Invalid email or password.")


class InvalidRefreshToken(Unauthenticated):
    """Unknown, expired, revoked, or already spent (which revokes its whole family).

    `details.reason` says which: unknown, expired, revoked, reused, inactive.
    """

    code = "INVALID_REFRESH_TOKEN"
