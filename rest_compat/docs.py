"""Interactive API docs at /api/docs, served offline from the project's npm step.

Swagger UI comes from `rest_compat/swagger_ui/node_modules/swagger-ui-dist` (installed
by `npm ci` through `.ci/npm-runtime-dirs`); nothing is loaded from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

DOCS_PATH = "/api/docs"
ASSETS_PREFIX = f"{DOCS_PATH}/assets"
ASSETS_DIR = Path(__file__).resolve().parent / "swagger_ui" / "node_modules" / "swagger-ui-dist"
# URL name -> (file in swagger-ui-dist, content type); nothing else is served.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


def add_docs_routes(app: FastAPI, openapi_url: str) -> None:
    @app.get(DOCS_PATH, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="Shopgraph REST API",
            swagger_js_url=f"{ASSETS_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PREFIX}/favicon-32x32.png",
        )

    @app.get(ASSETS_PREFIX + "/{name}", include_in_schema=False, response_model=None)
    async def swagger_asset(name: str) -> FileResponse | JSONResponse:
        content_type = ASSETS.get(name)
        path = ASSETS_DIR / name
        if content_type is None or not path.is_file():
            return JSONResponse(
                {"code": "NOT_FOUND", "message": "No such asset.", "details": {}}, status_code=404
            )
        return FileResponse(path, media_type=content_type)
