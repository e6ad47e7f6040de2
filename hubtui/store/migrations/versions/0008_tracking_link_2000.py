"""a tracking link of up to 2,000 characters

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:30:00

Carriers' tracking links with their query strings run past 400 characters; 2,000 is the
bound the services check (hubtui.domain.limits). PostgreSQL widens the column. SQLite keeps
text of any length in it already (the declared length does not change its TEXT affinity or
how a row is stored), so only the declaration in the schema is rewritten, as SQLite's own
documentation describes for changes that leave the stored data as it is; recreating a table
of a million orders and its triggers for a length SQLite never checks would be the worse way.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _redeclare_on_sqlite(before: str, after: str) -> None:
    bind = op.get_bind()
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    changed = bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'orders'",
        (f"tracking_link VARCHAR({before})", f"tracking_link VARCHAR({after})"),
    ).rowcount
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")  # every connection reads the schema again
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError(f"orders.tracking_link was not declared VARCHAR({before}); nothing changed")


def _resize(before: int, after: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _redeclare_on_sqlite(str(before), str(after))
    else:
        op.alter_column('orders', 'tracking_link', type_=sa.String(after), existing_type=sa.String(before),
                        existing_nullable=False)


def upgrade() -> None:
    _resize(400, 2000)


def downgrade() -> None:
    _resize(2000, 400)  # PostgreSQL refuses it while a longer link is stored, as it should
