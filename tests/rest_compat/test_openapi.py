"""The OpenAPI document at /api/openapi.json and the offline docs page at /api/docs.

The document must describe every endpoint completely enough for a client generator
or a fuzzer: request bodies with schemas and examples, success and error responses
with schemas, the one error shape, and the bearer security scheme on protected
operations. The docs page must work with no internet: every asset it loads comes
from the gateway, and headless Chromium with a dead proxy for everything but
loopback renders the endpoints.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from typing import Any

import pytest

from rest_compat.endpoints import ENDPOINTS
from tests.rest_compat.platform import RestPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ERROR_STATUSES = ("400", "401", "403", "404", "409", "422", "429", "502", "503")


async def openapi(platform: RestPlatform) -> dict[str, Any]:
    async with platform.client() as client:
        response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    if "anyOf" in schema:  # an optional body: the model or null
        [model] = [option for option in schema["anyOf"] if option.get("type") != "null"]
        return resolve(document, model)
    return schema


async def test_every_endpoint_is_documented_with_its_method(platform: RestPlatform) -> None:
    document = await openapi(platform)
    assert document["openapi"].startswith("3.1")
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert documented == {(endpoint.method, endpoint.path) for endpoint in ENDPOINTS}


async def test_request_bodies_have_schemas_and_examples(platform: RestPlatform) -> None:
    document = await openapi(platform)
    with_body = [endpoint for endpoint in ENDPOINTS if endpoint.body is not None]
    assert len(with_body) >= 15
    for endpoint in with_body:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        content = operation["requestBody"]["content"]["application/json"]
        schema = resolve(document, content["schema"])
        assert schema["type"] == "object", endpoint.name
        assert schema["properties"], endpoint.name
        assert schema["additionalProperties"] is False, endpoint.name  # unknown fields: 422
        assert schema.get("examples"), f"{endpoint.name} has no example body"


async def test_responses_and_every_error_status_have_schemas(platform: RestPlatform) -> None:
    document = await openapi(platform)
    for endpoint in ENDPOINTS:
        responses = document["paths"][endpoint.path][endpoint.method.lower()]["responses"]
        success = responses[str(endpoint.status)]
        if endpoint.status == 204:
            assert "content" not in success, endpoint.name
        else:
            schema = success["content"]["application/json"]["schema"]
            assert schema, endpoint.name
        for status in ERROR_STATUSES:
            error = responses[status]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorBody"}, (endpoint.name, status)


async def test_the_error_shape_is_code_message_details_with_an_example(
    platform: RestPlatform,
) -> None:
    document = await openapi(platform)
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"code", "message", "details"}
    assert set(error["required"]) == {"code", "message", "details"}
    [example] = error["examples"]
    assert example["details"]["field"] == "email"


async def test_protected_operations_name_the_bearer_scheme(platform: RestPlatform) -> None:
    document = await openapi(platform)
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for endpoint in ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        if endpoint.auth:
            assert operation["security"] == [{"bearerAuth": []}], endpoint.name
        else:
            assert "security" not in operation, endpoint.name


async def test_parameters_use_the_rest_names(platform: RestPlatform) -> None:
    document = await openapi(platform)
    get_product = document["paths"]["/api/products/{id}"]["get"]["parameters"]
    assert {(p["name"], p["in"]) for p in get_product} >= {("id", "path")}
    place_order = document["paths"]["/api/orders"]["post"]["parameters"]
    key = next(p for p in place_order if p["name"] == "Idempotency-Key")
    assert (key["in"], key["required"]) == ("header", True)
    listing = document["paths"]["/api/products"]["get"]["parameters"]
    names = {p["name"] for p in listing}
    assert names >= {"category", "minPrice", "maxPrice", "inStock", "sort", "direction"}
    assert names >= {"limit", "cursor"}


async def test_the_docs_page_loads_only_assets_the_gateway_serves(platform: RestPlatform) -> None:
    async with platform.client() as client:
        page = await client.get("/api/docs")
        assert page.status_code == 200
        html = page.text
        sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assets = [source for source in sources if not source.startswith("#")]
        assert assets, "the page loads no assets?"
        for source in assets:
            assert source.startswith("/api/"), f"{source} is not served by the gateway"
            asset = await client.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 100, source
    assert "http://" not in html
    assert "https://" not in html.replace("https://swagger.io", "")


@pytest.mark.timeout(240)
async def test_the_docs_page_renders_the_endpoints_in_chromium_without_internet(
    platform: RestPlatform, tmp_path: Any
) -> None:
    assert CHROMIUM is not None, "chromium is needed (.ci/test installs Debian's chromium)"
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        # Everything but loopback goes to a closed port: a CDN asset could not load.
        "--proxy-server=http://127.0.0.1:9",
        "--virtual-time-budget=30000",
        "--dump-dom",
        f"{platform.base_url}/api/docs",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    dom = stdout.decode(errors="replace")
    assert 'class="swagger-ui' in dom, dom[-2000:]
    # Rendered from /api/openapi.json: the title and operations' paths and summaries.
    assert "Shopgraph REST API" in dom
    assert "/api/products/search" in dom
    assert "Create a customer account and log it in." in dom
