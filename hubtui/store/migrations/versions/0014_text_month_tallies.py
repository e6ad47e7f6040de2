"""quick-filter counts of a period under a text from per-month text tallies

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:00:00

Adds order_text_month_tallies (order_text_tallies' counts per UTC month placed; see
hubtui/store/text_tally.py), fills it from the orders already stored, and adds the triggers
that keep it current.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from hubtui.store import text_tally


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_text_month_tallies',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('customer_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('customer_name_key', sqlmodel.sql.sqltypes.AutoString(length=161), nullable=False),
    sa.Column('shipping_postcode_key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('microsite_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('payment_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'customer_email', 'customer_name_key', 'shipping_postcode_key', 'month',
                            'microsite_id', 'status', 'payment_status', 'order_type', 'high_risk')
    )
    op.create_index('ix_order_text_month_tallies_name', 'order_text_month_tallies',
                    ['org_id', 'customer_name_key', 'month'], unique=False)
    op.create_index('ix_order_text_month_tallies_postcode', 'order_text_month_tallies',
                    ['org_id', 'shipping_postcode_key', 'month'], unique=False)
    bind = op.get_bind()
    text_tally.MONTH_TRIGGERS_OF.rebuild(bind)  # the orders stored so far
    text_tally.MONTH_TRIGGERS_OF.create(bind)
    if bind.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is not None:  # statistics of real rows only
        if bind.dialect.name == "sqlite":
            bind.exec_driver_sql("PRAGMA analysis_limit=2000")
        bind.exec_driver_sql("ANALYZE order_text_month_tallies")


def downgrade() -> None:
    bind = op.get_bind()
    text_tally.MONTH_TRIGGERS_OF.drop(bind)
    text_tally.MONTH_TRIGGERS_OF.drop_function(bind)
    op.drop_index('ix_order_text_month_tallies_postcode', table_name='order_text_month_tallies')
    op.drop_index('ix_order_text_month_tallies_name', table_name='order_text_month_tallies')
    op.drop_table('order_text_month_tallies')
