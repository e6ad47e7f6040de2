"""Engine and session factory.

SQLite: WAL, a busy timeout and foreign keys on every connection. The pysqlite driver
normally opens transactions lazily and in DEFERRED mode, so two read-then-write edits can
both read before either writes and one is lost; we take BEGIN ourselves and start write
transactions with BEGIN IMMEDIATE, which serialises writers from their first read.

A wait for a lock is bounded the same way on both stores (SPEC 8a): SQLite's busy timeout
and PostgreSQL's lock_timeout are both `lock_timeout_ms()` (15 s unless HUBTUI_LOCK_TIMEOUT_MS
or the Store says otherwise); store/faults.py turns the error at the end of the wait into one
sentence.

A full disk (SQLite): temporary tables and sorts stay in memory, so a read needs no file of its
own; and where the disk has no room for the 32 KiB shared-memory file (-shm) every WAL
connection maps, which fails every read as "disk I/O error", a connection is opened instead
in exclusive locking mode, which keeps that index in its own memory, for one transaction.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hubtui.domain.errors import DomainError
from hubtui.store import faults

BUSY_TIMEOUT_MS = 15_000  # the default bound on a wait for a lock, on SQLite and PostgreSQL alike
LOCK_TIMEOUT_ENV = "HUBTUI_LOCK_TIMEOUT_MS"
MAX_LOCK_TIMEOUT_MS = 3_600_000
WRITE_OPTION = "hubtui_write"
EXCLUSIVE_FALLBACK = "hubtui_exclusive_fallback"  # ConnectionPoolEntry.info key
# An I/O error on a file system with less room than this is taken for a full disk.
FULL_BELOW_BYTES = 1 << 20


def lock_timeout_ms(value: int | None = None) -> int:
    """How long a statement waits for a lock another connection holds, in milliseconds:
    `value`, else HUBTUI_LOCK_TIMEOUT_MS, else BUSY_TIMEOUT_MS."""
    if value is None:
        raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
        if not raw:
            return BUSY_TIMEOUT_MS
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_LOCK_TIMEOUT_MS:
            raise DomainError(f"{LOCK_TIMEOUT_ENV} must be a whole number of milliseconds from 1 to "
                              f"{MAX_LOCK_TIMEOUT_MS}, not {raw[:40]!r}.")
    if not 1 <= value <= MAX_LOCK_TIMEOUT_MS:
        raise DomainError(f"The lock timeout must be from 1 to {MAX_LOCK_TIMEOUT_MS} ms, not {value}.")
    return value


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, lock_timeout: int | None = None) -> Engine:
    """The engine for `url`; `lock_timeout` (ms) bounds every wait for a lock (lock_timeout_ms)."""
    bound = lock_timeout_ms(lock_timeout)
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": bound / 1000})
        _configure_sqlite(engine, bound, path)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args=_postgres_connect_args(url, bound))
    return create_engine(url, pool_pre_ping=True)


def _postgres_connect_args(url: str, bound: int) -> dict[str, Any]:
    """lock_timeout set when the session starts (libpq's `options`): no extra round trip, and
    on every connection, also the ones the pool makes later. Options in the URL are kept."""
    given = make_url(url).query.get("options")
    given = " ".join(given) if isinstance(given, tuple) else (given or "")
    return {"options": f"{given} -c lock_timeout={bound}".strip()}


def _prepare_sqlite(dbapi_connection: sqlite3.Connection, bound: int) -> None:
    # Take transaction control away from pysqlite; _on_begin issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={bound}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Temporary b-trees (sorts, DISTINCT, GROUP BY) in memory: a read writes no file.
        cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()


def _mark_disk_full(error: BaseException, path: Path | None) -> None:
    """Mark an SQLite I/O error that happened on a (nearly) full file system as a full disk:
    SQLite says SQLITE_FULL for most writes that find no room, but "disk I/O error" for some
    (growing a file ahead of the data, syncing)."""
    code = faults.sqlite_code(error)
    if path is None or code is None or code & 0xFF != faults.SQLITE_IOERR:
        return
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return
    if free < FULL_BELOW_BYTES:
        try:
            setattr(error, faults.DISK_FULL_MARK, True)
        except AttributeError:
            pass


def _exclusive_connection(dialect: Any, cargs: Any, cparams: Any, bound: int, path: Path | None) -> Any:
    """A connection holding the database's exclusive lock, in exclusive locking mode.

    Taking it means a shared lock, then the exclusive one; two connections doing so at once
    would each hold the first and wait for the second until the busy timeout. So each try does
    not wait: a busy database closes the connection (dropping its shared lock) and tries again
    a moment later, until the lock bound has passed."""
    deadline = time.monotonic() + bound / 1000
    pause = 0.002
    while True:
        dbapi_connection = dialect.connect(*cargs, **cparams)
        try:
            dbapi_connection.execute("PRAGMA busy_timeout=0")
            dbapi_connection.execute("PRAGMA locking_mode=EXCLUSIVE")  # before the database is first read
            dbapi_connection.execute("PRAGMA journal_mode=WAL")  # the first read: takes the locks
            _prepare_sqlite(dbapi_connection, bound)
            return dbapi_connection
        except sqlite3.Error as error:
            dbapi_connection.close()
            busy = (faults.sqlite_code(error) or 0) & 0xFF in (faults.SQLITE_BUSY, faults.SQLITE_LOCKED)
            if not busy or time.monotonic() + pause > deadline:
                _mark_disk_full(error, path)
                raise
        time.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 0.05)


def _configure_sqlite(engine: Engine, bound: int, path: Path | None) -> None:
    @event.listens_for(engine, "do_connect")
    def _connect(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        dbapi_connection = dialect.connect(*cargs, **cparams)
        try:
            _prepare_sqlite(dbapi_connection, bound)
            return dbapi_connection
        except sqlite3.Error as error:
            dbapi_connection.close()
            if not faults.shared_memory_failed(error):
                _mark_disk_full(error, path)
                raise
        # No room for the -shm file: a connection in exclusive locking mode keeps the WAL index
        # in its own memory (so a read works on a full disk), but locks other connections out
        # while it is open, so it serves one transaction and is closed (_on_checkin).
        dbapi_connection = _exclusive_connection(dialect, cargs, cparams, bound, path)
        if record is not None:
            record.info[EXCLUSIVE_FALLBACK] = True
        return dbapi_connection

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        if record is not None and record.info.get(EXCLUSIVE_FALLBACK):
            record.invalidate()  # releases the exclusive lock; the next checkout tries the shared way again

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:  # type: ignore[no-untyped-def]
        _mark_disk_full(context.original_exception, path)

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
        self._remembered: dict[Any, Any] = {}

    def remembered(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per read transaction (what it reads cannot change within it): the
        estimates a plan asks for again and again, such as the first and last order placed."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return self._remembered[key]

    def timestamp(self, value: datetime) -> Any:
        if value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.strftime(SQLITE_TIMESTAMP) if self.sqlite else value

    def one_of(self, column: str, name: str) -> str:
        """SQL: `column` is one of the list parameter :name (a JSON array on SQLite, see list_value)."""
        return f"{column} IN (SELECT value FROM json_each(:{name}))" if self.sqlite else f"{column} = ANY(:{name})"

    def list_value(self, values: Iterable[Any]) -> Any:
        """A list of values bound once, as one_of reads it (thousands of them cost one parameter)."""
        return json.dumps(list(values)) if self.sqlite else list(values)

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

    def __init__(self, url: str, engine: Engine | None = None, *, lock_timeout: int | None = None) -> None:
        """`lock_timeout`: how long (ms) a statement waits for another connection's lock before
        it fails (default: lock_timeout_ms())."""
        self.url = url
        self.path = sqlite_path(url)
        self.engine = engine or make_engine(url, lock_timeout)
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
