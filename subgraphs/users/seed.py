"""Demo accounts for development: an admin and a customer with documented passwords.

Deterministic (fixed ids, so other services' demo data can point at them) and
idempotent (an account that exists is left as it is). Production never seeds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from subgraphs.kit.database import Sessionmaker
from subgraphs.users import repository
from subgraphs.users.models import User, UserRole
from subgraphs.users.passwords import hash_password
from subgraphs.users.settings import UsersSettings


@dataclass(frozen=True)
class DemoAccount:
    id: uuid.UUID
    email: str
    password: str
    first_name: str
    last_name: str
    role: UserRole


# Development-only credentials, documented in the README. Never valid anywhere
# real: production refuses to seed.
DEV_ADMIN = DemoAccount(
    id=uuid.UUID("a0000000-0000-4000-8000-000000000001"),
    email="admin@shopgraph.dev",
    password="admin-dev-password",  # noqa: S106 - documented dev-only demo password
    first_name="Ada",
    last_name="Admin",
    role=UserRole.ADMIN,
)
DEV_CUSTOMER = DemoAccount(
    id=uuid.UUID("c0000000-0000-4000-8000-000000000002"),
    email="customer@shopgraph.dev",
    password="customer-dev-password",  # noqa: S106 - documented dev-only demo password
    first_name="Casey",
    last_name="Customer",
    role=UserRole.CUSTOMER,
)
DEMO_ACCOUNTS = (DEV_ADMIN, DEV_CUSTOMER)


async def seed(sessionmaker: Sessionmaker, settings: UsersSettings | None = None) -> None:
    """Create the demo accounts that do not exist yet."""
    settings = settings or UsersSettings()
    if settings.is_production:
        raise RuntimeError("demo accounts are never seeded in production")
    async with sessionmaker.begin() as session:
        for account in DEMO_ACCOUNTS:
            if await repository.user_by_email(session, account.email) is not None:
                continue
            if await repository.user_by_id(session, account.id) is not None:
                continue
            session.add(
                User(
                    id=account.id,
                    email=account.email,
                    password_hash=await hash_password(
                        account.password, rounds=settings.bcrypt_rounds
                    ),
                    first_name=account.first_name,
                    last_name=account.last_name,
                    role=account.role.value,
                    is_active=True,
                )
            )
