"""attachments are stored by the hash of their content

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:05:00

The file itself lives in the attachment folder under its SHA-256 (hubtui/services/attachments.py);
the row keeps the hash, the size, the type and the original name as a label.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('sha256')
