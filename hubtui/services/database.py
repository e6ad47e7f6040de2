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


def connect(url: str) -> Store:
    """The store at `url`, for the CLI and the TUI, which do not reach into the store layer."""
    return Store(url)


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def refuse_missing(url: str) -> None:
    """A command that only reads or changes data never creates a database (SPEC 8a): a SQLite
    file that is not there, or is empty, is a mistyped path, not a new database."""
    from pathlib import Path

    from hubtui.services.errors import NotFound

    parsed = make_url(url)
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in ("", ":memory:") or path.startswith("file:"):
        return
    hint = ("check --db or HUBTUI_DATABASE_URL; `hubtui demo` creates a database with demo data, "
            "`hubtui db upgrade` an empty one")
    file = Path(path)
    if not file.exists():
        raise NotFound(f"No database at {path}: {hint}.")
    if file.is_file() and file.stat().st_size == 0:
        raise NotFound(f"{path} is an empty file, not a hubtui database: {hint}.")


def _refuse_newer(store: Store) -> None:
    """A database written by a newer hubtui is refused by every command, naming its revision:
    this one can neither read it safely nor "upgrade" it (revisions are numbered 0001, 0002, …)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from hubtui.domain.errors import DomainError

    with store.engine.connect() as connection:
        try:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return  # no schema yet
    head = schema.HEAD_REVISION
    if revision and revision.isdigit() and head.isdigit() and int(revision) > int(head):
        raise DomainError(f"The database is at schema revision {revision}, made by a newer hubtui; this one "
                          f"knows revisions up to {head}: use the newer hubtui.")


def upgrade(store: Store) -> str:
    _refuse_newer(store)
    return schema.upgrade(store.engine)


def ensure_ready(store: Store) -> None:
    """Create the schema in a new database; refuse to run on an outdated or a newer one."""
    _refuse_newer(store)
    schema.ensure_current(store.engine)


def info(store: Store) -> DatabaseInfo:
    _refuse_newer(store)
    revision = schema.current_revision(store.engine)
    counts: dict[str, int] = {}
    if revision is not None:
        from sqlalchemy import inspect

        present = set(inspect(store.engine).get_table_names())  # an older schema lacks the newer tables
        with store.read() as session:
            for name, table in sorted(SQLModel.metadata.tables.items()):
                if name in present:
                    counts[name] = int(session.execute(select(func.count()).select_from(table)).scalar_one())
    return DatabaseInfo(safe_url(store.url), store.dialect, revision, schema.head_revision(), counts)


def has_orders(store: Store) -> bool:
    from hubtui.store.tables import Order

    with store.read() as session:
        return session.execute(select(Order.id).limit(1)).first() is not None


def has_organisations(store: Store) -> bool:
    from hubtui.store.org_tables import Organisation

    with store.read() as session:
        return session.execute(select(Organisation.id).limit(1)).first() is not None
