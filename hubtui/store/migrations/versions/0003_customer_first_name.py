"""customers findable by first name

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:30:00

The phone-order wizard finds a customer as the agent types a first name as readily as
a last name; without this index that look-up reads every customer of the organisation.
The last name rides along, so "amelia ev" is answered from the index alone.
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_customers_org_first_name', 'customers', ['org_id', 'first_name_key', 'last_name_key'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_customers_org_first_name', table_name='customers')
