"""How GraphQL errors become REST errors: the status for each code, the 429 of a rate limit.

No platform needed: these call the mapping layer with the answers the router and
the services give (their shapes are those the e2e tests see).
"""

from __future__ import annotations

from typing import Any

import pytest

from rest_compat.errors import from_graphql_errors, status_for_code
from subgraphs.kit.errors import DomainError


def test_a_rate_limited_answer_is_429_with_retry_after() -> None:
    # The shape the gateway's rate limiter answers with (HTTP 429, code RATE_LIMITED).
    errors = [
        {
            "message": "Too many requests (field:login); try again in 7 s.",
            "extensions": {"code": "RATE_LIMITED"},
        }
    ]
    error = from_graphql_errors(errors, 429, retry_after="7")
    response = error.response()
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert error.code == "RATE_LIMITED"
    assert error.message.startswith("Too many requests")


# --- the table of codes


def _domain_error_classes() -> list[type[DomainError]]:
    import subgraphs.orders.errors
    import subgraphs.products.errors
    import subgraphs.users.errors  # noqa: F401  (imported for their subclasses)

    found: list[type[DomainError]] = []
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("error_class", _domain_error_classes(), ids=lambda cls: cls.__name__)
def test_every_service_error_code_gets_the_status_its_service_declares(
    error_class: type[DomainError],
) -> None:
    assert status_for_code(error_class.code, 200) == error_class.http_status


@pytest.mark.parametrize(
    ("code", "details", "status"),
    [
        ("INVALID_CURSOR", {"field": "after"}, 422),
        ("TOO_MANY_IDS", {"field": "ids"}, 422),
        ("RESERVATION_NOT_FOUND", {}, 404),
        ("SOMETHING_NEW", {"field": "x"}, 422),
        ("SOMETHING_NEW", {}, 400),
        ("INTERNAL_SERVER_ERROR", {}, 500),
    ],
)
def test_codes_outside_the_table_fall_back_by_family_then_by_field(
    code: str, details: dict[str, Any], status: int
) -> None:
    assert status_for_code(code, 200, details) == status


def test_an_unexpected_error_hides_its_message() -> None:
    error = from_graphql_errors(
        [{"message": "asyncpg blew up at 0x7f", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
        200,
    )
    assert (error.status, error.code) == (500, "INTERNAL_SERVER_ERROR")
    assert "asyncpg" not in error.message


@pytest.mark.parametrize(
    ("anonymous", "status", "code"), [(True, 401, "UNAUTHENTICATED"), (False, 403, "FORBIDDEN")]
)
def test_the_routers_authorization_refusal_is_401_without_a_token_and_403_with_one(
    anonymous: bool, status: int, code: str
) -> None:
    errors = [
        {
            "message": "Unauthorized field or type",
            "path": ["cart"],
            "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
        }
    ]
    error = from_graphql_errors(errors, 200, anonymous=anonymous)
    assert (error.status, error.code) == (status, code)
