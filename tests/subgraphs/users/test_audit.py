"""Account events reach /metrics and the audit log, without secrets."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from tests.subgraphs.users.accounts import PASSWORD, REFRESH, logged_in, login
from tests.support.graphql import execute


async def metric(client: httpx.AsyncClient, sample: str) -> float:
    text = (await client.get("/metrics")).text
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_registrations_and_login_outcomes_are_counted(client: httpx.AsyncClient) -> None:
    registered = "shopgraph_users_registrations_total"
    succeeded = 'shopgraph_users_logins_total{outcome="success"}'
    failed = 'shopgraph_users_logins_total{outcome="invalid_credentials"}'
    before = {name: await metric(client, name) for name in (registered, succeeded, failed)}

    await logged_in(client, "counted@example.com")
    (await login(client, "counted@example.com")).ok()
    await login(client, "counted@example.com", "wrong password")
    await login(client, "nobody@example.com")

    assert await metric(client, registered) == before[registered] + 1
    assert await metric(client, succeeded) == before[succeeded] + 1
    assert await metric(client, failed) == before[failed] + 2


async def test_refresh_token_reuse_is_logged_as_a_warning_naming_only_ids(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="shopgraph.users.audit")
    payload = await logged_in(client, "audited@example.com")
    (await execute(client, REFRESH, {"token": payload["refreshToken"]})).ok()
    reused = "shopgraph_users_refresh_token_reuse_total"
    before = await metric(client, reused)

    await execute(client, REFRESH, {"token": payload["refreshToken"]})

    (warning,) = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert warning.event == "refresh_reuse"  # type: ignore[attr-defined]
    assert warning.user_id == payload["user"]["id"]  # type: ignore[attr-defined]
    assert await metric(client, reused) == before + 1
    logged = " ".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)
    for secret in (PASSWORD, payload["refreshToken"], payload["accessToken"], "audited@"):
        assert secret not in logged
