"""price match: channel prices become a history, rules an order, and every product a board row

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:00:00

`channel_prices` keeps every observation: the unique (product_id, channel) goes, `updated_at`
becomes `observed_at`, and each row says where it came from (`source`) and who recorded it;
the index finds a product's latest price per channel. `price_match_rules` gain `priority`
(existing rules numbered in the order of their ids) and `updated_at`. `price_board` holds one
row per product with its latest prices and verdict (see PriceBoard in store/tables.py); it is
filled here for the products already stored.
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# PostgreSQL named the unnamed constraint of 0001 itself; on SQLite the batch copy names it by this.
_SQLITE_UNIQUE = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_name(dialect: str) -> str:
    return "uq_channel_prices_product_id" if dialect == "sqlite" else "channel_prices_product_id_channel_key"


def _channel_columns() -> list[sa.Column]:
    columns = []
    for channel in ("app", "amazon", "ebay", "flipkart", "myntra"):
        columns.append(sa.Column(f'{channel}_price', sa.Integer(), nullable=True))
        columns.append(sa.Column(f'{channel}_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    return columns


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('channel_prices', schema=None, naming_convention=_SQLITE_UNIQUE) as batch_op:
        batch_op.drop_constraint(_unique_name(dialect), type_='unique')
        batch_op.alter_column('updated_at', new_column_name='observed_at',
                              existing_type=sa.DateTime(timezone=True), existing_nullable=False)
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='entered'))
        batch_op.add_column(sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('channel_prices', schema=None) as batch_op:  # the renamed column exists now
        batch_op.create_index('ix_channel_prices_product_channel_observed',
                              ['product_id', 'channel', 'observed_at'], unique=False)

    with op.batch_alter_table('price_match_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    rules = sa.table('price_match_rules', sa.column('id', sa.Integer()), sa.column('org_id', sa.Integer()),
                     sa.column('priority', sa.Integer()),
                     sa.column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    numbered: dict[int, int] = {}
    for rule_id, org_id in bind.execute(sa.select(rules.c.id, rules.c.org_id).order_by(rules.c.id)).all():
        numbered[org_id] = numbered.get(org_id, 0) + 10
        bind.execute(rules.update().where(rules.c.id == rule_id).values(priority=numbered[org_id], updated_at=now))

    op.create_table(
        'price_board',
        sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('stock_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('search_key', sqlmodel.sql.sqltypes.AutoString(length=241), nullable=False),
        sa.Column('brand', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('own_price', sa.Integer(), nullable=False),
        *_channel_columns(),
        sa.Column('lowest', sa.Integer(), nullable=True),
        sa.Column('spread', sa.Integer(), nullable=True),
        sa.Column('spread_rank', sa.Integer(), nullable=False),
        sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=True),
        sa.Column('lowest_channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('rule_lowest', sa.Integer(), nullable=True),
        sa.Column('floor', sa.Integer(), nullable=True),
        sa.Column('suggested_price', sa.Integer(), nullable=True),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], ),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
        sa.PrimaryKeyConstraint('product_id'),
    )
    with op.batch_alter_table('price_board', schema=None) as batch_op:
        batch_op.create_index('ix_price_board_org_code', ['org_id', 'stock_code'], unique=False)
        batch_op.create_index('ix_price_board_org_verdict_code', ['org_id', 'verdict', 'stock_code'], unique=False)
        batch_op.create_index('ix_price_board_org_rank', ['org_id', 'spread_rank', 'stock_code'], unique=False)
        batch_op.create_index('ix_price_board_org_verdict_rank', ['org_id', 'verdict', 'spread_rank', 'stock_code'],
                              unique=False)
        batch_op.create_index('ix_price_board_org_brand', ['org_id', 'brand', 'stock_code', 'verdict'], unique=False)
        batch_op.create_index('ix_price_board_org_category', ['org_id', 'category', 'stock_code', 'verdict'],
                              unique=False)
        batch_op.create_index('ix_price_board_org_verdict_search',
                              ['org_id', 'verdict', 'search_key', 'stock_code', 'spread_rank'], unique=False)

    # The board of the products already stored, by the same code that keeps it afterwards.
    from hubtui.store import price_board

    organisations = sa.table('organisations', sa.column('id', sa.Integer()))
    for (org_id,) in bind.execute(sa.select(organisations.c.id)).all():
        price_board.refresh(bind, org_id, None)


def downgrade() -> None:
    op.drop_table('price_board')
    with op.batch_alter_table('price_match_rules', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('priority')
    # Back to one price per product and channel: the latest observation of each stays.
    op.execute(
        "DELETE FROM channel_prices WHERE id NOT IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER ("
        "PARTITION BY product_id, channel ORDER BY observed_at DESC, id DESC) AS n FROM channel_prices) AS ranked "
        "WHERE n = 1)"
    )
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('channel_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_prices_product_channel_observed')
        batch_op.drop_column('recorded_by')
        batch_op.drop_column('source')
        batch_op.alter_column('observed_at', new_column_name='updated_at',
                              existing_type=sa.DateTime(timezone=True), existing_nullable=False)
        batch_op.create_unique_constraint(_unique_name(dialect), ['product_id', 'channel'])
