"""returns record what came back, their credit note, and list newest first

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:00:00

`return_lines.received_quantity` is what the warehouse confirmed (NULL until received);
`returns.credit_note_number` and `credit_note_amount` what a credit note gave; the index lists
an organisation's returns newest first.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_note_number', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('credit_note_amount', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_returns_org_id', ['org_id', 'id'], unique=False)
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_quantity', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_column('received_quantity')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index('ix_returns_org_id')
        batch_op.drop_column('credit_note_amount')
        batch_op.drop_column('credit_note_number')
