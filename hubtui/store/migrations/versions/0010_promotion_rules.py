"""promotions carry a minimum order value and the products they are for

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 03:00:00

A promotion code applies only when the order has `minimum` (minor units) of its eligible
products; `eligible_codes` lists their stock codes, one per line, empty for every product.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minimum', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('eligible_codes', sqlmodel.sql.sqltypes.AutoString(length=4000),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.drop_column('eligible_codes')
        batch_op.drop_column('minimum')
