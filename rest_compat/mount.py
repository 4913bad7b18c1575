"""The gateway with `/api` mounted: REST requests to this layer, everything else to the router.

The router stays generic: it never imports this package. The launcher builds the
gateway's ASGI app and hands it to `with_rest_api`, which answers `/api/*` with
the REST app running its operations through that same gateway app in process.
"""

from __future__ import annotations

from typing import Any

from rest_compat.app import create_rest_app
from rest_compat.error_shape import RestErrorShape
from rest_compat.transport import ASGIApp, InProcessRouter, Scope

API_PREFIX = "/api"


class GatewayWithRestApi:
    """One ASGI app: `/api` and `/api/...` go to the REST app, the rest to the gateway."""

    def __init__(self, gateway: ASGIApp) -> None:
        self.gateway = gateway
        # The gateway's lifespan closes its connections; the REST app holds none of its own.
        self.rest = create_rest_app(InProcessRouter(gateway), close_transport=False)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.gateway(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            await self.rest(scope, receive, send)
        else:
            await self.gateway(scope, receive, send)


def with_rest_api(gateway: ASGIApp) -> ASGIApp:
    combined = GatewayWithRestApi(gateway)
    # The edge's door (supergraph.edge.door) mounts /api inside its layers, so REST calls
    # get the same security headers, CORS, rate rules, timeout and error masking; the
    # door's own refusals are GraphQL-shaped, so they are reshaped on their way out.
    mount = getattr(gateway, "mount", None)
    if mount is None:
        return combined
    return RestErrorShape(mount(API_PREFIX, combined.rest), API_PREFIX)


def gateway_from_environment() -> ASGIApp:
    """Uvicorn factory: the router's own app from its environment, with `/api` mounted."""
    from supergraph.server.commands import app_from_environment

    return with_rest_api(app_from_environment())
