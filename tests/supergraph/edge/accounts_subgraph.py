"""A fixture subgraph for the edge tests, served over real HTTP by uvicorn.

    python tests/supergraph/edge/accounts_subgraph.py --port N

It uses the authorization directives, and `caller` echoes the headers the router
forwarded, so tests can see which claims reached the subgraph. `login` and
`register` stand for the mutations rate rules guard, and `slow` answers after a
given time, for the request timeout.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import strawberry
import uvicorn
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter
from strawberry.federation.schema_directives import Cost, ListSize
from strawberry.types import Info


@strawberry.federation.type(keys=["id"])
class Account:
    id: strawberry.ID
    name: str
    email: str | None = strawberry.federation.field(authenticated=True, default=None)
    salary: int | None = strawberry.federation.field(requires_scopes=[["admin"]], default=None)
    badge: str = strawberry.federation.field(requires_scopes=[["admin"]], default="gold")
    perks: str | None = strawberry.federation.field(policy=[["vip"]], default=None)
    score: int = strawberry.field(directives=[Cost(weight=7)], default=1)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Account:
        return _account(str(id))


def _account(id_: str) -> Account:
    return Account(
        id=strawberry.ID(id_),
        name=f"Account {id_}",
        email=f"a{id_}@example.test",
        salary=1000 * int(id_),
        badge="gold",
        perks="lounge",
    )


@strawberry.type
class Caller:
    authorization: str | None
    user_id: str | None
    roles: str | None


@strawberry.type
class Query:
    @strawberry.field
    def public(self) -> str:
        return "hello"

    @strawberry.field
    def caller(self, info: Info[Any, Any]) -> Caller:
        headers = info.context["request"].headers
        return Caller(
            authorization=headers.get("authorization"),
            user_id=headers.get("x-user-id"),
            roles=headers.get("x-user-roles"),
        )

    @strawberry.federation.field(authenticated=True)
    def me(self) -> Account | None:
        return _account("1")

    @strawberry.federation.field(requires_scopes=[["admin"], ["auditor", "reports"]])
    def admin_report(self) -> str | None:
        return "all good"

    @strawberry.federation.field(requires_scopes=[["admin"]])
    def audit_log(self, limit: int) -> list[str] | None:
        return [f"entry {i}" for i in range(limit)]

    @strawberry.field(directives=[ListSize(slicing_arguments=["first"])])
    def accounts(self, first: int = 2) -> list[Account]:
        return [_account(str(i)) for i in range(1, first + 1)]

    @strawberry.field
    def account(self, id: strawberry.ID) -> Account | None:
        return _account(str(id))

    @strawberry.field
    def echo(self, text: str) -> str:
        return text

    @strawberry.field
    async def slow(self, seconds: float) -> float:
        await asyncio.sleep(min(seconds, 30.0))
        return seconds


@strawberry.type
class Mutation:
    @strawberry.federation.field(requires_scopes=[["admin"]])
    def reset(self) -> bool:
        return True

    @strawberry.mutation
    def login(self, email: str, password: str) -> str | None:
        return "token-for-" + email if password == "right" else None

    @strawberry.mutation
    def register(self, email: str) -> str:
        return email


schema = strawberry.federation.Schema(query=Query, mutation=Mutation, types=[Account])


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(GraphQLRouter(schema), prefix="/graphql")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(create_app(), host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
