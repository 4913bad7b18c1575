"""The REST app: one route per `Endpoint`, each running its GraphQL document.

A route's handler only moves values: HTTP inputs into variables, the answer (or
the first error) into the response. Handlers are built from the declarations so
that FastAPI documents each input, body and response in OpenAPI.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Body, FastAPI, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.params import Depends
from fastapi.security import HTTPBearer
from pydantic_core import to_jsonable_python
from starlette.exceptions import HTTPException

from rest_compat import docs
from rest_compat.endpoints import ENDPOINTS
from rest_compat.errors import (
    ERROR_STATUSES,
    RestError,
    from_graphql_errors,
    http_error_handler,
    rest_error_handler,
    validation_error_handler,
)
from rest_compat.mapping import Endpoint, Input, dig, page_of, put
from rest_compat.models import ErrorBody
from rest_compat.transport import GraphQLTransport, RouterUnreachable

OPENAPI_PATH = "/api/openapi.json"
# Headers a REST caller sends that the graph should see as if called directly.
FORWARDED_HEADERS = ("authorization", "x-request-id", "traceparent")

# Documented on every endpoint: a caller's request id travels on to the graph (and its
# logs); only read from the request's headers, so the parameter itself is unused.
REQUEST_ID_PARAMETER = inspect.Parameter(
    "x_request_id",
    inspect.Parameter.KEYWORD_ONLY,
    default=None,
    annotation=Annotated[
        str | None,
        Header(
            alias="X-Request-Id",
            description="Your id for this request, passed on to the graph's logs and "
            "traces; the gateway makes one when it is missing or not a plain token.",
        ),
    ],
)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="The access token from /api/users/login or /api/users/register.",
)

_ERROR_TEXT = {
    400: "Malformed request",
    401: "Not authenticated, or the token is invalid",
    402: "Payment declined",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    422: "A value is invalid; `details.field` names it",
    429: "Too many requests",
    500: "Unexpected failure",
    502: "A service behind the gateway failed",
    503: "A service behind the gateway is unavailable",
}


def create_rest_app(transport: GraphQLTransport, *, close_transport: bool = True) -> FastAPI:
    """The `/api` app over `transport` (the router in process, or a router URL)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if close_transport:
            await transport.close()

    app = FastAPI(
        title="Shopgraph REST API",
        version="1.0.0",
        description=(
            "The documented `/api` endpoints of Shopgraph. Each endpoint runs one GraphQL "
            "operation through the gateway, with the same authentication and limits. "
            "Errors always have the shape `{code, message, details}`."
        ),
        openapi_url=OPENAPI_PATH,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_exception_handler(RestError, rest_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)
    for endpoint in ENDPOINTS:
        _add_route(app, endpoint, transport)
    docs.add_docs_routes(app, OPENAPI_PATH)
    return app


def _add_route(app: FastAPI, endpoint: Endpoint, transport: GraphQLTransport) -> None:
    statuses = sorted({*ERROR_STATUSES, *endpoint.extra_statuses})
    responses: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody, "description": _ERROR_TEXT.get(status, "Error")}
        for status in statuses
    }
    app.add_api_route(
        endpoint.path,
        _handler(endpoint, transport),
        methods=[endpoint.method],
        name=endpoint.name,
        operation_id=endpoint.name,
        summary=endpoint.summary,
        description=endpoint.description or endpoint.summary,
        tags=[endpoint.tag],
        status_code=endpoint.status,
        response_model=endpoint.response,
        responses=responses,
        dependencies=[Depends(bearer)] if endpoint.auth else None,
    )


def _parameter(item: Input) -> inspect.Parameter:
    info: Any
    annotation = item.annotation if item.required else item.annotation | None
    if item.source == "path":
        # The alias ties the parameter to its `{name}` in the path (the Python name differs).
        info = Path(alias=item.name, description=item.description)
    elif item.source == "query":
        info = Query(alias=item.name, description=item.description)
    else:
        info = Header(alias=item.name, description=item.description)
    return inspect.Parameter(
        _python_name(item),
        inspect.Parameter.KEYWORD_ONLY,
        default=inspect.Parameter.empty if item.required else None,
        annotation=Annotated[annotation, info],
    )


def _python_name(item: Input) -> str:
    return "in_" + item.name.replace("-", "_").lower()


def _handler(endpoint: Endpoint, transport: GraphQLTransport) -> Callable[..., Awaitable[Any]]:
    parameters = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        *(_parameter(item) for item in endpoint.inputs),
        REQUEST_ID_PARAMETER,
    ]
    if endpoint.body is not None:
        optional = not any(f.is_required() for f in endpoint.body.model_fields.values())
        annotation = endpoint.body | None if optional else endpoint.body
        parameters.append(
            inspect.Parameter(
                "body",
                inspect.Parameter.KEYWORD_ONLY,
                default=None if optional else inspect.Parameter.empty,
                annotation=Annotated[annotation, Body()],
            )
        )

    async def handler(request: Request, **values: Any) -> Any:
        variables: dict[str, Any] = {}
        body = values.get("body")
        if body is not None:
            fields = body.model_dump(mode="json", exclude_none=True)
            if endpoint.body_variable is None:
                variables.update(fields)
            else:
                put(variables, endpoint.body_variable, fields)
        elif endpoint.body_variable is not None:
            put(variables, endpoint.body_variable, {})
        for item in endpoint.inputs:
            value = values.get(_python_name(item))
            if value is not None:
                value = item.convert(value) if item.convert else value
                put(variables, item.variable, to_jsonable_python(value))
        headers = {
            name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers
        }
        result = await run_operation(endpoint, transport, variables, headers)
        if endpoint.response is None:
            return Response(status_code=endpoint.status)
        if endpoint.page:
            page = page_of(result)
            if page["pageInfo"]["hasNextPage"] and page["pageInfo"]["endCursor"]:
                query = dict(request.query_params)
                query["cursor"] = page["pageInfo"]["endCursor"]
                page["pageInfo"]["next"] = f"{request.url.path}?{urlencode(query)}"
            return page
        return result

    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__name__ = endpoint.name
    handler.__doc__ = endpoint.summary
    return handler


async def run_operation(
    endpoint: Endpoint,
    transport: GraphQLTransport,
    variables: dict[str, Any],
    headers: dict[str, str],
) -> Any:
    """Run the endpoint's document; its answer at `result`, or a RestError."""
    try:
        reply = await transport.execute(endpoint.document, variables, headers)
    except RouterUnreachable as error:
        raise RestError(502, "BAD_GATEWAY", str(error)) from error
    errors = reply.body.get("errors")
    if errors:
        anonymous = "authorization" not in headers
        failure = from_graphql_errors(errors, reply.status, reply.retry_after, anonymous=anonymous)
        if isinstance(field := failure.details.get("field"), str):
            failure.details["field"] = endpoint.rest_field(field)
        raise failure
    if reply.status != 200 or not isinstance(reply.body.get("data"), dict):
        raise RestError(502, "BAD_GATEWAY", f"The router answered HTTP {reply.status}.")
    result = dig(reply.body["data"], endpoint.result)
    if result is None and endpoint.missing is not None:
        missing = endpoint.missing
        raise RestError(missing.status, missing.code, missing.message)
    if result is None and endpoint.response is not None:
        # The graph left out what this endpoint promises (a null without an error).
        raise RestError(502, "BAD_GATEWAY", "The graph answered without the expected result.")
    return result
