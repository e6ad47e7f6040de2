"""Schema revisions: upgrade any database to the newest, report where one stands."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from hubtui.domain.errors import DomainError

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Startup compares the database with this constant instead of loading
# Alembic (about 0.1 s); a test keeps it equal to Alembic's own head.
HEAD_REVISION = "0018"


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Alembic's filter for comparing the database with the models: the FTS5 indexes of the
    search terms and of the customers (virtual tables and their shadow tables) and the
    customers' pg_trgm index are made by hand in migrations."""
    from hubtui.store import customer_search, text_search

    if type_ == "index" and customer_search.is_search_index(name):
        return False
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not (text_search.is_fts_table(table) or customer_search.is_fts_table(table))


class SchemaOutdated(DomainError):
    """The database was made by an older hubtui; `hubtui db upgrade` brings it up."""


def _config(connection=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest revision; returns that revision."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    return head_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _stored_revision(engine: Engine) -> str | None:
    """alembic_version read with plain SQL (None: no such table, an empty database)."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None


def ensure_current(engine: Engine) -> None:
    """Create the schema in an empty database; refuse to work on an outdated one."""
    current = _stored_revision(engine)
    if current == HEAD_REVISION:
        return
    if is_empty(engine):
        upgrade(engine)
        return
    head = head_revision()
    if current != head:
        raise SchemaOutdated(
            f"The database is at schema revision {current or 'none'}, this hubtui needs {head}: "
            "run `hubtui db upgrade`."
        )
