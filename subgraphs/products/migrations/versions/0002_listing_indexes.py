"""Composite indexes for category listings in each sort order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

A storefront lists one category sorted by name, price or age, a page at a time:
(category, sort column, id) serves both the filter and the keyset order, so a page
costs a short index walk instead of sorting every product of the category.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_products_category_name": ["category", "name", "id"],
    "ix_products_category_price": ["category", "price", "id"],
    "ix_products_category_created_at": ["category", "created_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "products", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="products")
