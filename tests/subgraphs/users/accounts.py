"""Operations and factories the users tests share."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import delete

from subgraphs.kit.app import ServiceRuntime
from subgraphs.kit.auth import service_credential
from subgraphs.kit.database import create_engine, create_sessionmaker
from subgraphs.kit.trust import load_service_signer
from subgraphs.users.models import RefreshToken, User, UserRole
from subgraphs.users.passwords import hash_password
from tests.support.graphql import GraphQLResult, execute

PASSWORD = "correct horse battery"

USER_FIELDS = "id email firstName lastName role isActive createdAt updatedAt"
AUTH_FIELDS = f"accessToken refreshToken tokenType expiresIn user {{ {USER_FIELDS} }}"

REGISTER = f"""
mutation Register($input: RegisterInput!) {{ register(input: $input) {{ {AUTH_FIELDS} }} }}
"""
LOGIN = f"""
mutation Login($email: String!, $password: String!) {{
  login(email: $email, password: $password) {{ {AUTH_FIELDS} }}
}}
"""
REFRESH = f"""
mutation Refresh($token: String!) {{ refreshToken(refreshToken: $token) {{ {AUTH_FIELDS} }} }}
"""
LOGOUT = "mutation Logout($token: String!) { logout(refreshToken: $token) }"
ME = f"query {{ me {{ {USER_FIELDS} }} }}"
USER = f"query User($id: ID!) {{ user(id: $id) {{ {USER_FIELDS} }} }}"


async def register(
    client: httpx.AsyncClient,
    email: str,
    password: str = PASSWORD,
    *,
    first_name: str = "Grace",
    last_name: str = "Hopper",
) -> GraphQLResult:
    variables = {
        "input": {
            "email": email,
            "password": password,
            "firstName": first_name,
            "lastName": last_name,
        }
    }
    return await execute(client, REGISTER, variables)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> GraphQLResult:
    return await execute(client, LOGIN, {"email": email, "password": password})


async def logged_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> dict[str, Any]:
    """Register `email` and return its auth payload."""
    payload: dict[str, Any] = (await register(client, email, password)).ok()["register"]
    return payload


async def create_user(
    runtime: ServiceRuntime,
    *,
    email: str,
    password: str = PASSWORD,
    role: UserRole = UserRole.CUSTOMER,
    is_active: bool = True,
    first_name: str = "Alan",
    last_name: str = "Turing",
) -> User:
    """A user written straight to the database (for admins and disabled accounts)."""
    user = User(
        email=email,
        password_hash=await hash_password(password, rounds=4),
        first_name=first_name,
        last_name=last_name,
        role=role.value,
        is_active=is_active,
    )
    async with runtime.sessionmaker.begin() as session:
        session.add(user)
    return user


async def admin_token(client: httpx.AsyncClient, runtime: ServiceRuntime) -> str:
    await create_user(runtime, email="root@example.com", role=UserRole.ADMIN)
    token: str = (await login(client, "root@example.com")).ok()["login"]["accessToken"]
    return token


def service_token(runtime: ServiceRuntime, caller: str = "orders") -> str:
    return service_credential(load_service_signer(runtime.settings), caller)


async def empty_tables(database_url: str) -> None:
    engine = create_engine(database_url, application_name="shopgraph-users-tests")
    try:
        async with create_sessionmaker(engine).begin() as session:
            await session.execute(delete(RefreshToken))
            await session.execute(delete(User))
    finally:
        await engine.dispose()
