"""A GIN index on the name-only text-search vector (PostgreSQL).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Search now serves its best tier, products whose name holds every word, on its
own in id order (see `repository.search_products`). For a word that many names
hold, walking the primary key until the page is full is the cheap plan; for a
rare one, this index finds the few names that hold it without walking the catalog.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_products_name_vector ON products USING gin (name_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_products_name_vector")
