"""Engine and session factory.

SQLite: WAL, a busy timeout and foreign keys on every connection. The pysqlite driver
normally opens transactions lazily and in DEFERRED mode, so two read-then-write edits can
both read before either writes and one is lost; we take BEGIN ourselves and start write
transactions with BEGIN IMMEDIATE, which serialises writers from their first read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "hubtui_write"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transaction control away from pysqlite; _on_begin issues BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


# The text SQLAlchemy's DateTime type (under SQLModel's UTC type) stores in SQLite.
SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"
_NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (and a literal % doubled)."""
    return _NAMED_PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


def _sqlite_datetime(value: Any) -> datetime | None:
    """Stored UTC text (no offset) as an aware datetime. Appending the offset and parsing
    once is five times faster than parsing and then calling replace(tzinfo=...)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(value + "+00:00")


def _postgres_datetime(value: Any) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc)


class RawRead:
    """A read transaction on a pooled DBAPI connection: the hot list queries' path.

    SQL is written with `:name` parameters (sqlite3's own named style; converted once per
    statement for psycopg). Values go to the driver as they are, except timestamps, which
    `timestamp()` turns into what the dialect stores and `datetime()` turns back into an
    aware UTC datetime: SQLAlchemy's per-row type processing is the cost this path avoids.
    """

    def __init__(self, dbapi_connection: Any, dialect: str) -> None:
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"
        self._cursor = dbapi_connection.cursor()
        self.datetime = _sqlite_datetime if self.sqlite else _postgres_datetime

    def timestamp(self, value: datetime) -> Any:
        if value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.strftime(SQLITE_TIMESTAMP) if self.sqlite else value

    def all(self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._cursor
        cursor.execute(sql if self.sqlite else pyformat(sql), params)
        return cursor.fetchall()

    def scalar(self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()) -> Any:
        cursor = self._cursor
        cursor.execute(sql if self.sqlite else pyformat(sql), params)
        row = cursor.fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self._cursor.close()


class Store:
    """One database: an engine plus read and write sessions.

    `write()` is one transaction: committed when the block ends, rolled back on any error.
    On SQLite it holds the write lock from its first statement.
    """

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A read transaction without the ORM, for the hot list queries."""
        with self.engine.connect() as connection:
            with connection.begin():
                yield connection

    @contextmanager
    def raw_read(self) -> Iterator[RawRead]:
        """A read transaction on a DBAPI connection from the pool, without SQLAlchemy's
        execution layer (about 20 µs instead of 100 µs before the first statement)."""
        connection = self.engine.raw_connection()
        reader = RawRead(connection.dbapi_connection, self.dialect)
        try:
            if reader.sqlite:
                # The connection runs in autocommit mode (see _configure_sqlite): one BEGIN
                # makes the statements below read one snapshot.
                reader.all("BEGIN")
            else:
                # Read committed would give each statement its own snapshot: counts made of
                # several reads (tallies less the orders lacking a text) must see one.
                connection.dbapi_connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield reader
        finally:
            try:
                reader.close()
                if reader.sqlite:
                    if connection.dbapi_connection.in_transaction:
                        connection.dbapi_connection.execute("COMMIT")
                else:
                    connection.rollback()  # nothing was written; ends the read transaction
            finally:
                connection.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
