"""Mutations run by admins leave one audit line: who, which fields, the outcome; no secrets."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
import strawberry

from subgraphs.kit.audit import AdminMutationAudit
from subgraphs.kit.auth import Principal
from subgraphs.kit.errors import Conflict
from subgraphs.kit.graphql_errors import ServiceSchema


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> str:
        return "fine"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def set_secret(self, secret: str) -> bool:
        return True

    @strawberry.mutation
    def clash(self) -> bool:
        raise Conflict("taken", code="TAKEN")


SCHEMA = ServiceSchema(query=Query, mutation=Mutation, extensions=[AdminMutationAudit])
ADMIN = Principal("admin-7", frozenset({"admin"}))
CUSTOMER = Principal("customer-3", frozenset({"customer"}))


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "shopgraph.audit"]


async def test_admin_mutation_is_audited_with_actor_and_action_but_no_variables(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shopgraph.audit")
    result = await SCHEMA.execute(
        "mutation Change($s: String!) { setSecret(secret: $s) }",
        variable_values={"s": "hunter2"},
        context_value=SimpleNamespace(principal=ADMIN),
    )

    assert result.errors is None
    [line] = audit_lines(caplog)
    assert line.actor_id == "admin-7"  # type: ignore[attr-defined]
    assert line.action == "setSecret"  # type: ignore[attr-defined]
    assert line.outcome == "ok"  # type: ignore[attr-defined]
    assert "hunter2" not in str(vars(line))


async def test_failed_admin_mutation_is_audited_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shopgraph.audit")
    await SCHEMA.execute("mutation { clash }", context_value=SimpleNamespace(principal=ADMIN))

    [line] = audit_lines(caplog)
    assert line.outcome == "error"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("document", "principal"),
    [
        ('mutation { setSecret(secret: "x") }', CUSTOMER),
        ('mutation { setSecret(secret: "x") }', None),
        ("{ ok }", ADMIN),
    ],
)
async def test_queries_and_other_callers_mutations_are_not_audited(
    caplog: pytest.LogCaptureFixture, document: str, principal: Principal | None
) -> None:
    caplog.set_level(logging.INFO, logger="shopgraph.audit")
    await SCHEMA.execute(document, context_value=SimpleNamespace(principal=principal))

    assert audit_lines(caplog) == []
