"""The app factory every service is built with.

It gives each service the same outside: `/graphql` (the federated subgraph),
`/health` (the process is alive), `/ready` (its database answers), `/metrics`
(Prometheus text), request ids, trace context (OpenTelemetry spans when
configured, see kit/tracing.py) and JSON logs; the service brings its schema, its
context and whatever it must start and stop with the process.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import strawberry
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.fastapi import GraphQLRouter

from subgraphs.kit.auth import KeyResolver, Principal, bearer_token, verify_token
from subgraphs.kit.context import ServiceContext
from subgraphs.kit.database import Sessionmaker, create_engine, create_sessionmaker
from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.logs import request_id_var
from subgraphs.kit.observability import HTTPMetrics, RequestContextMiddleware
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tracing import service_tracer
from subgraphs.kit.trust import build_key_resolver

logger = logging.getLogger("shopgraph.app")


@dataclass
class ServiceRuntime:
    """Everything a running service holds between requests (built in the lifespan)."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessionmaker: Sessionmaker
    state: dict[str, Any] = field(default_factory=dict)
    keys: KeyResolver | None = None


ContextBuilder = Callable[[ServiceRuntime, Request, ServiceContext], Awaitable[ServiceContext]]
StartupHook = Callable[[ServiceRuntime], AbstractAsyncContextManager[None]]
KeysFactory = Callable[[ServiceRuntime], KeyResolver]


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def authenticate(
    request: Request, keys: KeyResolver, audience: str
) -> tuple[Principal | None, Unauthenticated | None]:
    """The verified caller, or the reason its token was refused (never both)."""
    try:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return None, None
        return await verify_token(token, keys, audience=audience), None
    except Unauthenticated as error:
        return None, error


def create_service_app(
    *,
    settings: ServiceSettings,
    schema: strawberry.federation.Schema,
    build_context: ContextBuilder | None = None,
    startup: StartupHook | None = None,
    keys_factory: KeysFactory | None = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """A FastAPI app serving `schema` as a federated subgraph, with the shared outside."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            settings.resolved_database_url,
            application_name=f"shopgraph-{settings.service_name}",
            pool_size=settings.database_pool_size,
            echo=settings.database_echo,
            server_settings=settings.database_server_settings,
        )
        runtime = ServiceRuntime(settings, engine, create_sessionmaker(engine))
        app.state.runtime = runtime
        try:
            if startup is None:
                runtime.keys = (keys_factory or _default_keys)(runtime)
                yield
            else:
                async with startup(runtime):
                    runtime.keys = (keys_factory or _default_keys)(runtime)
                    yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title=f"shopgraph {settings.service_name}",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    registry = CollectorRegistry()
    app.add_middleware(
        RequestContextMiddleware,
        metrics=HTTPMetrics(registry),
        tracer=service_tracer(settings.service_name),
    )

    async def get_context(request: Request) -> ServiceContext:
        runtime = runtime_of(request)
        assert runtime.keys is not None
        principal, auth_error = await authenticate(request, runtime.keys, settings.jwt_audience)
        context = ServiceContext(
            sessionmaker=runtime.sessionmaker,
            principal=principal,
            request_id=request_id_var.get(),
        )
        context.auth_error = auth_error
        if build_context is not None:
            context = await build_context(runtime, request, context)
        return context

    graphql_router: GraphQLRouter[ServiceContext, None] = GraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide=None if settings.is_production else "graphiql",
    )
    app.include_router(graphql_router, prefix="/graphql")
    for router in routers:
        app.include_router(router)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": settings.service_name}

    @app.get("/ready", include_in_schema=False)
    async def ready(request: Request) -> Response:
        try:
            async with runtime_of(request).engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure means "not ready", and says why
            logger.warning("database not reachable", extra={"error": type(error).__name__})
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ready", "database": "ok"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body = generate_latest(registry) + generate_latest(REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return app


def _default_keys(runtime: ServiceRuntime) -> KeyResolver:
    return build_key_resolver(runtime.settings)
