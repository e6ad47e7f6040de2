"""`hubtui db check`: is the database complete? (SPEC 8a)

`PRAGMA integrity_check` passes on a file whose pages are sound; this checks what hubtui
needs beyond that: every index and trigger the schema defines, tallies and text tallies
equal to a recount of the orders, search terms and trigram tables holding every value, and
number sequences at least the highest number used. See store/integrity.py.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hubtui.services import database
from hubtui.store import integrity, schema
from hubtui.store.engine import Store


def check_database(store: Store) -> list[str]:
    """The problems found, one line each; [] when the database is complete.

    Reads only (one snapshot); never creates or upgrades anything. A database written by a
    newer hubtui is refused, as by every command.
    """
    database._refuse_newer(store)  # noqa: SLF001 - the refusal every command gives
    with store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot for every count: tallies and orders read at different moments would
            # differ whenever someone places an order meanwhile.
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            try:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except DBAPIError:
                revision = None
            if revision is None:
                return ["no schema: the database is empty (`hubtui db upgrade` creates the schema)"]
            if revision != schema.HEAD_REVISION:
                return [f"schema revision {revision}, this hubtui needs {schema.HEAD_REVISION}: run `hubtui db upgrade`"]
            return integrity.problems(connection)
