"""customers findable by any part of their details

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:00:00

The new-order wizard finds a customer by a piece of an e-mail, phone number, name or
company name, not only by its start. SQLite gains customers_fts (an FTS5 trigram table)
filled from the customers already stored, and the triggers on customers and companies
that keep it current; PostgreSQL gains pg_trgm and a GIN index (see
hubtui/store/customer_search.py; without the extension look-ups scan instead).
"""

from alembic import op

from hubtui.store import customer_search


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    customer_search.create(op.get_bind())


def downgrade() -> None:
    customer_search.drop(op.get_bind())
