"""quick-filter counts under a text from per-customer tallies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00

Adds order_text_tallies (the orders of each e-mail, name key and post-code key per
microsite, status, payment status, type and risk; see hubtui/store/text_tally.py), fills
it from the orders already stored, and adds the triggers that keep it current. The orders
indexes on e-mail, name and post code gain the order number, so the counts of a text that
may also start an order number keep, of the orders lacking the text, those whose number it
starts without reading their rows.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from hubtui.store import text_tally


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


_SEARCHED = (("ix_orders_org_email", "customer_email"), ("ix_orders_org_name", "customer_name_key"),
             ("ix_orders_org_postcode", "shipping_postcode_key"))


def _searched_indexes(extra: list[str]) -> None:
    for name, column in _SEARCHED:
        op.drop_index(name, table_name='orders')
        op.create_index(name, 'orders', ['org_id', column, 'placed_at', 'id', *extra], unique=False)


def _analyze(bind) -> None:  # type: ignore[no-untyped-def]
    # New indexes have no statistics; without them SQLite's planner takes them for very
    # selective and walks the wrong one. Sampled statistics, as bulk.py makes.
    if bind.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is None:
        return
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA analysis_limit=2000")
    bind.exec_driver_sql("ANALYZE orders")
    bind.exec_driver_sql("ANALYZE order_text_tallies")


def upgrade() -> None:
    op.create_table('order_text_tallies',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('customer_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('customer_name_key', sqlmodel.sql.sqltypes.AutoString(length=161), nullable=False),
    sa.Column('shipping_postcode_key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('microsite_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('payment_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'customer_email', 'customer_name_key', 'shipping_postcode_key', 'microsite_id',
                            'status', 'payment_status', 'order_type', 'high_risk')
    )
    op.create_index('ix_order_text_tallies_name', 'order_text_tallies', ['org_id', 'customer_name_key'],
                    unique=False)
    op.create_index('ix_order_text_tallies_postcode', 'order_text_tallies', ['org_id', 'shipping_postcode_key'],
                    unique=False)
    bind = op.get_bind()
    text_tally.rebuild(bind)  # the orders stored so far
    text_tally.create_triggers(bind)
    _searched_indexes(['number'])
    _analyze(bind)


def downgrade() -> None:
    bind = op.get_bind()
    text_tally.drop_triggers(bind)
    text_tally.drop_function(bind)
    op.drop_index('ix_order_text_tallies_postcode', table_name='order_text_tallies')
    op.drop_index('ix_order_text_tallies_name', table_name='order_text_tallies')
    op.drop_table('order_text_tallies')
    _searched_indexes([])
