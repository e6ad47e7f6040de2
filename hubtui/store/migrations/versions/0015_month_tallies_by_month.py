"""the month text tallies of a month, read without the text's terms

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:00:00

Adds ix_order_text_month_tallies_month (org_id, month): a text held by most of the values
("w", "2") is counted over a period by reading every month row of its whole months and
testing it on each (store/text_tally.py, `scanned`), which must not read the other months'.
"""

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_order_text_month_tallies_month', 'order_text_month_tallies', ['org_id', 'month'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_order_text_month_tallies_month', table_name='order_text_month_tallies')
