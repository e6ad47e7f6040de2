"""Engine and session factory.

SQLite: WAL, a busy timeout and foreign keys on every connection. The pysqlite driver
normally opens transactions lazily and in DEFERRED mode, so two read-then-write edits can
both read before either writes and one is lost; we take BEGIN ourselves and start write
transactions with BEGIN IMMEDIATE, which serialises writers from their first read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    def write(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
