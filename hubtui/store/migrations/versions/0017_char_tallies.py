"""quick-filter counts under a one-character text from per-character tallies

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 19:30:00

Adds order_char_tallies and order_char_day_tallies (the orders of each order_tallies and
order_day_tallies key, and how many of them hold each letter and digit; see
hubtui/store/char_tally.py), fills them from the orders already stored, and adds the triggers
that keep them current.
"""

from alembic import op
import sqlalchemy as sa

from hubtui.store import char_tally


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _counts() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in ("n", *(f"c_{c}" for c in CHARS))]


def _group() -> list[sa.Column]:
    return [sa.Column('status', sa.String(length=32), nullable=False),
            sa.Column('payment_status', sa.String(length=24), nullable=False),
            sa.Column('order_type', sa.String(length=16), nullable=False),
            sa.Column('high_risk', sa.Boolean(), nullable=False)]


def upgrade() -> None:
    op.create_table('order_char_tallies',
                    sa.Column('org_id', sa.Integer(), nullable=False),
                    sa.Column('microsite_id', sa.Integer(), nullable=False),
                    *_group(), *_counts(),
                    sa.PrimaryKeyConstraint('org_id', 'microsite_id', 'status', 'payment_status', 'order_type',
                                            'high_risk'))
    op.create_table('order_char_day_tallies',
                    sa.Column('org_id', sa.Integer(), nullable=False),
                    *_group(),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('microsite_id', sa.Integer(), nullable=False),
                    *_counts(),
                    sa.PrimaryKeyConstraint('org_id', 'status', 'payment_status', 'order_type', 'high_risk', 'day',
                                            'microsite_id'))
    bind = op.get_bind()
    char_tally.rebuild(bind)  # the orders stored so far
    char_tally.create_triggers(bind)
    if bind.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is not None:  # statistics of real rows only
        if bind.dialect.name == "sqlite":
            bind.exec_driver_sql("PRAGMA analysis_limit=2000")
        bind.exec_driver_sql("ANALYZE order_char_tallies")
        bind.exec_driver_sql("ANALYZE order_char_day_tallies")


def downgrade() -> None:
    bind = op.get_bind()
    char_tally.drop_triggers(bind)
    char_tally.drop_functions(bind)
    op.drop_table('order_char_day_tallies')
    op.drop_table('order_char_tallies')
