"""Alembic environment of the users service (see subgraphs.kit.migrations)."""

from subgraphs.kit.migrations import run_migrations
from subgraphs.users.models import Base

run_migrations(Base.metadata)
