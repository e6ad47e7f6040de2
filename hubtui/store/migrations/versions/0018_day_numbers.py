"""the span of order numbers each day holds, for the counts under a text of digits

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 21:30:00

Adds order_day_numbers (the lowest and highest order number of each organisation's UTC days;
see hubtui/store/day_numbers.py), fills it from the orders already stored, and adds the
triggers that keep it current.
"""

from alembic import op
import sqlalchemy as sa

from hubtui.store import day_numbers


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_day_numbers',
                    sa.Column('org_id', sa.Integer(), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('low', sa.String(length=12), nullable=False),
                    sa.Column('high', sa.String(length=12), nullable=False),
                    sa.PrimaryKeyConstraint('org_id', 'day'))
    bind = op.get_bind()
    day_numbers.rebuild(bind)  # the orders stored so far
    day_numbers.create_triggers(bind)


def downgrade() -> None:
    bind = op.get_bind()
    day_numbers.drop_triggers(bind)
    day_numbers.drop_function(bind)
    op.drop_table('order_day_numbers')
