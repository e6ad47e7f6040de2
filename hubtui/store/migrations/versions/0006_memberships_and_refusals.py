"""who may act in which organisation; refusals written down; the logs append-only

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 15:00:00

SPEC 8: an operator belongs to one or more organisations and `--org` chooses among them
(user_organisations); a refused action is written to `refusals`; neither log can be
updated or deleted (triggers, hubtui/store/append_only.py). Existing users keep acting
where they could before: in every organisation there is (an admin narrows it afterwards).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from hubtui.store import append_only


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_organisations',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'org_id')
    )
    op.create_table('refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('org_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    bind = op.get_bind()
    bind.exec_driver_sql(
        "INSERT INTO user_organisations (user_id, org_id) SELECT users.id, organisations.id FROM users, organisations"
    )
    append_only.create(bind)


def downgrade() -> None:
    append_only.drop(op.get_bind())
    op.drop_table('refusals')
    op.drop_table('user_organisations')
