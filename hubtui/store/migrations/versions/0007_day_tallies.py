"""quick-filter counts of a period from per-day tallies

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 20:00:00

Adds order_day_tallies (the orders placed on each UTC day per microsite, status, payment
status, type and risk; see hubtui/store/day_tally.py), fills it from the orders already
stored, and adds the triggers that keep it current.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from hubtui.store import day_tally


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_day_tallies',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('payment_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('microsite_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'status', 'payment_status', 'order_type', 'high_risk', 'day', 'microsite_id')
    )
    bind = op.get_bind()
    day_tally.rebuild(bind)  # the orders stored so far
    day_tally.create_triggers(bind)
    if bind.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is not None:  # statistics of real rows only
        if bind.dialect.name == "sqlite":
            bind.exec_driver_sql("PRAGMA analysis_limit=2000")
        bind.exec_driver_sql("ANALYZE order_day_tallies")


def downgrade() -> None:
    bind = op.get_bind()
    day_tally.drop_triggers(bind)
    day_tally.drop_function(bind)
    op.drop_table('order_day_tallies')
