"""search terms for the order list's free-text search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00

Adds search_terms (the distinct e-mails, name keys and post-code keys of each
organisation's orders), on SQLite its FTS5 trigram index, and the triggers that keep
both current; fills them from the orders already stored. The orders indexes on e-mail,
name and post code gain (placed_at, id), so the newest orders holding a term are read
from the index alone.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from hubtui.store import text_search


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


_SEARCHED = (("ix_orders_org_email", "customer_email"), ("ix_orders_org_name", "customer_name_key"),
             ("ix_orders_org_postcode", "shipping_postcode_key"))


def upgrade() -> None:
    for name, column in _SEARCHED:
        op.drop_index(name, table_name='orders')
        op.create_index(name, 'orders', ['org_id', column, 'placed_at', 'id'], unique=False)
    op.create_table('search_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('term', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_search_terms_org_kind_term', 'search_terms', ['org_id', 'kind', 'term'], unique=True)
    bind = op.get_bind()
    text_search.create_fts(bind)
    text_search.fill(bind)  # the orders stored so far; one index rebuild
    text_search.create_fts_triggers(bind)
    text_search.create_triggers(bind)
    # The rebuilt indexes have no statistics yet; without them SQLite's planner takes them
    # for very selective and walks the wrong index. Sampled statistics, as bulk.py makes.
    if bind.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is not None:
        if bind.dialect.name == "sqlite":
            bind.exec_driver_sql("PRAGMA analysis_limit=2000")
        bind.exec_driver_sql("ANALYZE orders")
        bind.exec_driver_sql("ANALYZE search_terms")


def downgrade() -> None:
    bind = op.get_bind()
    text_search.drop_triggers(bind)
    text_search.drop_fts(bind)
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS orders_search_terms()")
    op.drop_index('ix_search_terms_org_kind_term', table_name='search_terms')
    op.drop_table('search_terms')
    for name, column in _SEARCHED:
        op.drop_index(name, table_name='orders')
        op.create_index(name, 'orders', ['org_id', column], unique=False)
