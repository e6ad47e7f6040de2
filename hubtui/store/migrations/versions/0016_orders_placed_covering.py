"""a walk of a period reads the orders' placed index alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:20:00

Widens ix_orders_org_placed (org_id, placed_at, id) by the columns a "/" text is tested on
and the quick-filter counts group by: walking a period's orders for a text most of them hold
then reads index entries in order instead of each order's row (store/quick_counts.py).
"""

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_orders_org_placed', table_name='orders')
    op.create_index('ix_orders_org_placed', 'orders',
                    ['org_id', 'placed_at', 'id', 'status', 'payment_status', 'order_type', 'fraud_score',
                     'microsite_id', 'customer_email', 'customer_name_key', 'shipping_postcode_key', 'number'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_org_placed', table_name='orders')
    op.create_index('ix_orders_org_placed', 'orders', ['org_id', 'placed_at', 'id'], unique=False)
