"""Database set-up and facts: schema revision, row counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from hubtui.store import schema, tables  # noqa: F401  (tables registers every table on the metadata)
from hubtui.store.engine import Store


@dataclass(frozen=True)
class DatabaseInfo:
    url: str
    dialect: str
    revision: str | None
    head: str
    row_counts: dict[str, int]

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def upgrade(store: Store) -> str:
    return schema.upgrade(store.engine)


def ensure_ready(store: Store) -> None:
    """Create the schema in a new database; refuse to run on an outdated one."""
    schema.ensure_current(store.engine)


def info(store: Store) -> DatabaseInfo:
    revision = schema.current_revision(store.engine)
    counts: dict[str, int] = {}
    if revision is not None:
        with store.read() as session:
            for name, table in sorted(SQLModel.metadata.tables.items()):
                counts[name] = int(session.execute(select(func.count()).select_from(table)).scalar_one())
    return DatabaseInfo(safe_url(store.url), store.dialect, revision, schema.head_revision(), counts)


def has_orders(store: Store) -> bool:
    from hubtui.store.tables import Order

    with store.read() as session:
        return session.execute(select(Order.id).limit(1)).first() is not None


def has_organisations(store: Store) -> bool:
    from hubtui.store.tables import Organisation

    with store.read() as session:
        return session.execute(select(Organisation.id).limit(1)).first() is not None
