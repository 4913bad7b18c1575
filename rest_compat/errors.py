"""GraphQL errors as HTTP errors: one body shape, a status chosen by the error code.

The graph's services give every expected failure a stable `extensions.code`; the
router adds its own codes for requests it refuses and subgraphs that fail. REST
callers get `{code, message, details}` with the status that code stands for.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

# Codes the graph uses, by the HTTP status a REST caller should see. A code not
# listed falls back by its family, then by what the error says (see `status_for`).
_STATUS_BY_CODE: dict[str, int] = {
    # the router and its edge
    "BAD_REQUEST": 400,
    "GRAPHQL_PARSE_FAILED": 400,
    "GRAPHQL_VALIDATION_FAILED": 422,  # a variable the graph's types refuse
    "BAD_USER_INPUT": 422,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "RATE_LIMITED": 429,
    "TOO_MANY_REQUESTS": 429,
    "SUBREQUEST_HTTP_ERROR": 502,
    "DOWNSTREAM_SERVICE_ERROR": 502,
    "SERVICE_UNAVAILABLE": 503,
    "REQUEST_TIMEOUT": 504,
    # users
    "EMAIL_TAKEN": 409,
    "INVALID_CREDENTIALS": 401,
    "INVALID_REFRESH_TOKEN": 401,
    # products
    "PRODUCT_NOT_FOUND": 404,
    "PRODUCT_UNAVAILABLE": 409,
    "INSUFFICIENT_STOCK": 409,
    "RESERVATION_CONFLICT": 409,
    "RESERVATION_NOT_FOUND": 404,
    "UNKNOWN_CATEGORY": 422,
    "STOCK_LIMIT_EXCEEDED": 422,
    # orders
    "ORDER_NOT_FOUND": 404,
    "CART_ITEM_NOT_FOUND": 404,
    "CART_FULL": 422,
    "USER_CANNOT_ORDER": 403,
    "IDEMPOTENCY_CONFLICT": 409,
    "IDEMPOTENCY_KEY_SPENT": 409,
    "ILLEGAL_TRANSITION": 409,
    "ORDER_NOT_PAYABLE": 409,
    "ORDER_ALREADY_PAID": 409,
    "PAYMENT_DECLINED": 402,
    "PAYMENT_REJECTED": 422,
    "PAYMENT_PROVIDER_UNAVAILABLE": 503,
}

# Every status this layer documents for a failed call.
ERROR_STATUSES = (400, 401, 402, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504)

# Families of codes: the services name their bad inputs INVALID_x, EMPTY_x, TOO_MANY_x.
_STATUS_BY_PREFIX = (
    ("INVALID_", 422),
    ("EMPTY_", 422),
    ("TOO_MANY_", 422),
)
_STATUS_BY_SUFFIX = (
    ("_NOT_FOUND", 404),
    ("_CONFLICT", 409),
    ("_UNAVAILABLE", 503),
)
# What the services call an error they did not expect (its message is masked).
UNEXPECTED_CODES = frozenset({"INTERNAL_SERVER_ERROR"})


def status_for_code(code: str, router_status: int, details: dict[str, Any] | None = None) -> int:
    """The HTTP status for a GraphQL error code.

    Known codes and families first; then the router's own error status; then the
    error itself: a service's expected failure (any code but an unexpected one) is
    a bad input when it names a field (422), otherwise a refused request (400).
    Only an unexpected error is a 500.
    """
    if code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[code]
    for prefix, status in _STATUS_BY_PREFIX:
        if code.startswith(prefix):
            return status
    for suffix, status in _STATUS_BY_SUFFIX:
        if code.endswith(suffix):
            return status
    if code in UNEXPECTED_CODES:
        return 500
    if router_status != 200 and router_status in ERROR_STATUSES:
        return router_status
    if details and "field" in details:
        return 422
    return 400


class RestError(Exception):
    """A failed REST call, rendered as `{code, message, details}` with `status`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        body = {"code": self.code, "message": self.message, "details": self.details}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


# The router's authorization refusal (@authenticated, @requiresScopes): for a REST
# caller without a token that is "log in" (401), with one "not allowed" (403).
ROUTER_AUTHORIZATION_CODE = "UNAUTHORIZED_FIELD_OR_TYPE"


def from_graphql_errors(
    errors: list[dict[str, Any]],
    router_status: int,
    retry_after: str | None = None,
    *,
    anonymous: bool = False,
) -> RestError:
    """The first GraphQL error of a reply, as a REST error (a rate limit keeps its Retry-After).

    `anonymous`: the caller sent no token, so the router's authorization refusal is a 401.
    """
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    extensions = first.get("extensions") or {}
    code = str(extensions.get("code") or "INTERNAL_SERVER_ERROR")
    if code == ROUTER_AUTHORIZATION_CODE:
        code = "UNAUTHENTICATED" if anonymous else "FORBIDDEN"
    details = extensions.get("details")
    details = dict(details) if isinstance(details, dict) else {}
    status = status_for_code(code, router_status, details)
    message = str(first.get("message") or "The request failed.")
    if status == 500:
        # An unexpected failure inside the graph: say so without its internals.
        code, message, details = "INTERNAL_SERVER_ERROR", "The request failed unexpectedly.", {}
    headers = {"retry-after": retry_after} if status == 429 and retry_after else None
    return RestError(status, code, message, details, headers=headers)


async def rest_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RestError)
    return error.response()


async def validation_error_handler(_request: Request, error: Exception) -> JSONResponse:
    """Request validation failures: 422 naming the first offending field.

    A body that is not JSON at all is a malformed request (400), not a bad value.
    """
    assert isinstance(error, RequestValidationError)
    problems = list(error.errors())
    first = problems[0] if problems else {}
    if first.get("type") == "json_invalid":
        return RestError(400, "BAD_REQUEST", "The request body is not valid JSON.").response()
    location = [str(part) for part in first.get("loc", ())]
    source = location[0] if location else "body"
    field = _dotted(location[1:]) or source
    message = f"{field}: {first.get('msg', 'invalid value')}"
    details = {
        "field": field,
        "location": source,
        "problems": [
            {
                "field": ".".join(str(p) for p in problem.get("loc", ())[1:]),
                "message": problem.get("msg", ""),
            }
            for problem in problems
        ],
    }
    return RestError(422, "VALIDATION_FAILED", message, details).response()


def _dotted(parts: Any) -> str:
    return ".".join(str(part) for part in parts)


# Codes for the framework's own refusals (unknown path, wrong method, unreadable body).
_HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


async def http_error_handler(_request: Request, error: Exception) -> JSONResponse:
    """The framework's HTTP errors in the one error shape (never `{"detail": ...}`)."""
    assert isinstance(error, HTTPException)
    code = _HTTP_CODES.get(error.status_code, "HTTP_ERROR")
    message = error.detail if isinstance(error.detail, str) else "The request was refused."
    response = RestError(error.status_code, code, message).response()
    if error.headers:
        response.headers.update(error.headers)
    return response
