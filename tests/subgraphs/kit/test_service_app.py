"""The app factory's shared outside: health, readiness, metrics, request ids, masked errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import strawberry
from fastapi import FastAPI

from subgraphs.kit.app import create_service_app
from subgraphs.kit.errors import Conflict
from subgraphs.kit.graphql_errors import MaskUnexpectedErrors, ServiceSchema
from subgraphs.kit.settings import ServiceSettings, service_config
from tests.support.graphql import app_client, execute
from tests.support.processes import free_port


class DemoSettings(ServiceSettings):
    model_config = service_config("DEMO")
    service_name: str = "demo"


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> str:
        return "fine"

    @strawberry.field
    def taken(self) -> str:
        raise Conflict("that name is taken", code="NAME_TAKEN", name="x")

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("password=hunter2 leaked in an internal message")


SCHEMA = ServiceSchema(query=Query, extensions=[MaskUnexpectedErrors])


def demo_app(tmp_path: Path, database_url: str | None = None) -> FastAPI:
    settings = DemoSettings(
        environment="test",
        data_dir=tmp_path,
        database_url=database_url or f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    return create_service_app(settings=settings, schema=SCHEMA)


async def test_health_and_ready_answer_when_the_database_does(tmp_path: Path) -> None:
    async with app_client(demo_app(tmp_path)) as client:
        health = await client.get("/health")
        ready = await client.get("/ready")

    assert (health.status_code, health.json()) == (200, {"status": "ok", "service": "demo"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "database": "ok"})


async def test_ready_is_503_while_the_database_is_unreachable(tmp_path: Path) -> None:
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/demo_db"

    async with app_client(demo_app(tmp_path, nowhere)) as client:
        health = await client.get("/health")
        ready = await client.get("/ready")

    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unreachable"}


async def test_metrics_count_requests_in_prometheus_text(tmp_path: Path) -> None:
    async with app_client(demo_app(tmp_path)) as client:
        await client.get("/health")
        metrics = await client.get("/metrics")

    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/health",status="200"} 1.0' in metrics.text
    assert "http_request_duration_seconds_bucket" in metrics.text


async def test_a_sane_request_id_is_kept_and_a_missing_or_odd_one_replaced(
    tmp_path: Path,
) -> None:
    async with app_client(demo_app(tmp_path)) as client:
        kept = await client.get("/health", headers={"x-request-id": "abc-123"})
        made = await client.get("/health")
        odd = await client.get("/health", headers={"x-request-id": "bad id\nInjected: yes"})

    assert kept.headers["x-request-id"] == "abc-123"
    assert len(made.headers["x-request-id"]) == 32
    assert odd.headers["x-request-id"] != "bad id\nInjected: yes"
    assert len(odd.headers["x-request-id"]) == 32


async def test_domain_errors_keep_their_code_and_details(tmp_path: Path) -> None:
    async with app_client(demo_app(tmp_path)) as client:
        result = await execute(client, "{ taken }")

    assert result.errors[0]["message"] == "that name is taken"
    assert result.errors[0]["extensions"] == {"code": "NAME_TAKEN", "details": {"name": "x"}}


async def test_unexpected_errors_are_masked_with_the_request_id_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="shopgraph.errors")
    async with app_client(demo_app(tmp_path)) as client:
        response = await client.post(
            "/graphql", json={"query": "{ ok broken }"}, headers={"x-request-id": "req-42"}
        )

    body = response.json()
    assert body["data"] is None  # `broken: String!` nulls the whole response
    (error,) = body["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "hunter2" not in response.text
    assert any(record.exc_info for record in caplog.records)


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("query", ["{ taken }", "{ nosuchfield }", "{ ok"])
async def test_expected_errors_are_not_logged_as_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    caplog.set_level(logging.INFO)
    async with app_client(demo_app(tmp_path)) as client:
        result = await execute(client, query)

    assert result.errors
    assert error_records(caplog) == []


async def test_an_unexpected_error_is_logged_once_with_the_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with app_client(demo_app(tmp_path)) as client:
        await execute(client, "{ broken }", headers={"x-request-id": "req-7"})

    (record,) = error_records(caplog)
    assert record.name == "shopgraph.errors"
    assert record.exc_info is not None


async def test_without_masking_strawberry_still_logs_unexpected_errors_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = ServiceSchema(query=Query)
    caplog.set_level(logging.INFO)

    await schema.execute("{ taken }")
    assert error_records(caplog) == []
    await schema.execute("{ broken }")
    (record,) = error_records(caplog)
    assert record.name == "strawberry.execution"
