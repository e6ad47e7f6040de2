"""Bulk loading for demo data and large imports: all or nothing (SPEC 8a).

One ORM object at a time manages about 11k rows/s; a million orders with three million
lines needs far more. The loader inserts with the driver's executemany (SQLite) or Core
batches (PostgreSQL), without the tally and search-term triggers and, into an empty
orders table on SQLite, without its secondary indexes; then it rebuilds what it set aside:
the indexes, the tallies (order_tallies, and order_text_tallies when orders were loaded:
from the caller's counts, or recounted; order_text_month_tallies recounted; the character
tallies counted from the orders loaded), the search terms (one INSERT ... SELECT DISTINCT
and one trigram-index rebuild instead of a trigger per row), the customers' trigram table
when customers or companies were loaded, the number sequences (at least the highest order
and RMA number stored) and the planner statistics.

All of it is one transaction, and so is anything the caller writes through `session()`
(the demo's organisations and customers): killed, out of power or failed at any point, the
database is as it was before or complete, never in between. SQLite's DDL is transactional,
so dropping and recreating the indexes and triggers rolls back with the rows.

On SQLite the load runs in rollback-journal mode (then goes back to WAL): SQLite journals
only the pages the file held when the transaction began, so filling a new database writes
each page once, where WAL writes it twice (the log, then the checkpoint). Switching needs
the only connection to the file; when another is open the load stays in WAL, still atomic.
synchronous=FULL while loading: in rollback mode NORMAL can corrupt a database on power loss.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from hubtui.store import char_tally, customer_search, day_numbers, day_tally, integrity, tally, text_search, text_tally
from hubtui.store.engine import BUSY_TIMEOUT_MS, WRITE_OPTION, Store

BATCH = 20_000
_SQLITE_LOAD_PRAGMAS = ("foreign_keys=OFF", "synchronous=FULL", "cache_size=-262144", "temp_store=MEMORY",
                        "threads=2", "analysis_limit=2000")


def sqlite_timestamp(epoch: int) -> str:
    """The text SQLModel's UTC datetime type stores in SQLite, for a whole second."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000000")


class _SqliteTimestamps:
    """sqlite_timestamp for millions of values: day and time-of-day texts are cached."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times = [f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)]

    def __call__(self, epoch: int) -> str:
        day, second = divmod(epoch, 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = sqlite_timestamp(day * 86400)[:10]
        return prefix + self._times[second]


class BulkLoader:
    """`with BulkLoader(store) as load: load.insert("orders", columns, rows)`.

    Everything between entering and leaving the block is one transaction, committed when
    the block ends and rolled back on any error. `session()` gives an ORM session in the
    same transaction, for rows that need the ORM (write them before the first `insert`:
    from then on the triggers that keep the derived tables are set aside).
    """

    def __init__(self, store: Store, *, before_commit: Callable[[], None] | None = None) -> None:
        """`before_commit`: called when everything is written, just before the commit; what it
        raises rolls the load back (a Ctrl-C noticed late)."""
        self.store = store
        self._before_commit = before_commit
        self.sqlite = store.dialect == "sqlite"
        self.journal_mode = "wal"
        self._prepared = False
        self._orders_after = 0
        self._indexes: list[str] = []
        self._counted: dict[tuple[int, int, str, str, str, bool], int] | None = None
        self._text_counted: dict[tuple[Any, ...], int] | None = None
        self._day_counted: dict[tuple[Any, ...], int] | None = None
        self._tables: set[str] = set()
        self._sqlite_timestamps = _SqliteTimestamps()

    # --- the transaction ------------------------------------------------------------------

    def __enter__(self) -> BulkLoader:
        if self.sqlite:
            # The journal mode can only change on the file's sole connection: none of ours may linger.
            self.store.engine.dispose()
        self._connection = self.store.engine.connect()
        try:
            if self.sqlite:
                self._raw = self._connection.connection.dbapi_connection
                self.journal_mode = _rollback_journal(self._raw)
                for pragma in _SQLITE_LOAD_PRAGMAS:
                    self._raw.execute(f"PRAGMA {pragma}")
                self._connection.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE
                self._cursor = self._raw.cursor()
            self._transaction = self._connection.begin()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        try:
            if exc_type is None:
                self._complete()
                if self._before_commit is not None:
                    self._before_commit()
                self._transaction.commit()
                if not self.sqlite:
                    # Statistics after the commit: ANALYZE needs no lock that holds up the readers.
                    self._connection.exec_driver_sql("ANALYZE")
                    self._connection.commit()
            elif self._transaction.is_active:
                self._transaction.rollback()
        except BaseException:
            if self._transaction.is_active:
                self._transaction.rollback()
            raise
        finally:
            self._close()

    def _close(self) -> None:
        try:
            raw = getattr(self, "_raw", None)
            if raw is not None:
                try:
                    if raw.in_transaction:
                        raw.execute("ROLLBACK")
                    if self.journal_mode != "wal":
                        raw.execute("PRAGMA journal_mode=WAL")
                except sqlite3.Error:
                    pass  # e.g. a disk that failed: the next connection puts the file back in WAL as it opens it
            if self.sqlite:
                # Its page cache and pragmas were set for the load: closed, not returned to the pool.
                self._connection.invalidate()
        finally:
            self._connection.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session in the loader's transaction (flushed when the block ends, never committed)."""
        with Session(bind=self._connection, expire_on_commit=False, autoflush=True) as session:
            yield session
            session.flush()

    # --- loading --------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        """The first free id of a table, for rows that carry their ids (children refer to them)."""
        meta = SQLModel.metadata.tables[table]
        return int(self._connection.execute(select(func.coalesce(func.max(meta.c.id), 0))).scalar_one()) + 1

    def timestamp(self, epoch: int) -> Any:
        if self.sqlite:
            return self._sqlite_timestamps(epoch)
        return datetime.fromtimestamp(epoch, timezone.utc)

    def count_orders(self, counts: dict[tuple[int, int, str, str, str, bool], int]) -> None:
        """Tallies of the orders inserted, counted by the caller: spares a GROUP BY over the table.

        Keys are (org_id, microsite_id, status, payment_status, order_type, high_risk).
        """
        self._counted = self._counted or {}
        for key, n in counts.items():
            self._counted[key] = self._counted.get(key, 0) + n

    def count_text_tallies(self, counts: dict[tuple[Any, ...], int]) -> None:
        """The order_text_tallies rows of the orders inserted, counted by the caller: spares
        recounting every order of the table (a GROUP BY that sorts them all).

        Keys are text_tally.KEY: (org_id, customer_email, customer_name_key,
        shipping_postcode_key, microsite_id, status, payment_status, order_type, high_risk).
        """
        self._text_counted = self._text_counted or {}
        for key, n in counts.items():
            self._text_counted[key] = self._text_counted.get(key, 0) + n

    def count_day_tallies(self, counts: dict[tuple[Any, ...], int]) -> None:
        """The order_day_tallies rows of the orders inserted, counted by the caller; keys are
        day_tally.KEY with the UTC day as a date."""
        self._day_counted = self._day_counted or {}
        for key, n in counts.items():
            self._day_counted[key] = self._day_counted.get(key, 0) + n

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        if not self._prepared:
            self._prepare()
        self._tables.add(table)
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            self._cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        meta = SQLModel.metadata.tables[table]
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(zip(columns, row)))
            if len(batch) >= BATCH:
                self._connection.execute(meta.insert(), batch)
                batch = []
        if batch:
            self._connection.execute(meta.insert(), batch)

    # --- setting aside and rebuilding, inside the transaction --------------------------------

    def _prepare(self) -> None:
        """Set the triggers aside (and, into an empty orders table on SQLite, its secondary
        indexes: building them once afterwards is far quicker than keeping them up row by row)."""
        self._prepared = True
        connection = self._connection
        tally.drop_triggers(connection)
        text_tally.drop_triggers(connection)
        text_tally.MONTH_TRIGGERS_OF.drop(connection)
        day_tally.drop_triggers(connection)
        char_tally.drop_triggers(connection)
        day_numbers.drop_triggers(connection)
        text_search.drop_triggers(connection)
        # The character tallies and day numbers are counted from the orders loaded: every id above these.
        self._orders_after = int(connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM orders").scalar_one())
        if not self.sqlite:
            return
        text_search.drop_fts_triggers(connection)
        customer_search.drop_triggers(connection)
        if connection.exec_driver_sql("SELECT 1 FROM orders LIMIT 1").first() is None:
            self._indexes = [sql for (sql,) in connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = 'orders'"
            )]
            for sql in self._indexes:
                words = sql.split()
                connection.exec_driver_sql(f"DROP INDEX {words[2] if words[1].upper() == 'INDEX' else words[3]}")

    def _complete(self) -> None:
        """Rebuild what _prepare set aside and what the rows loaded change, then the sequences."""
        if not self._prepared:
            return
        connection = self._connection
        orders = "orders" in self._tables
        if self.sqlite:
            self._update_tallies(self._cursor.executemany)
            for sql in self._indexes:
                connection.exec_driver_sql(sql)
            if orders:
                text_search.fill(connection)  # after the indexes: DISTINCT reads them, not the table
            if self._tables & {"customers", "companies"}:
                customer_search.rebuild(connection)
            tally.create_triggers(connection)
            text_tally.create_triggers(connection)
            text_tally.MONTH_TRIGGERS_OF.create(connection)
            day_tally.create_triggers(connection)
            char_tally.create_triggers(connection)
            day_numbers.create_triggers(connection)
            text_search.create_fts_triggers(connection)
            text_search.create_triggers(connection)
            customer_search.create_triggers(connection)
        else:
            for table in sorted(self._tables):
                # Rows that brought their own ids leave PostgreSQL's serial counter behind.
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
            self._update_tallies(lambda sql, rows: connection.execute(text(sql), rows))
            if orders:
                text_search.fill(connection)
            tally.create_triggers(connection)
            text_tally.create_triggers(connection)
            text_tally.MONTH_TRIGGERS_OF.create(connection)
            day_tally.create_triggers(connection)
            char_tally.create_triggers(connection)
            day_numbers.create_triggers(connection)
            text_search.create_triggers(connection)
        integrity.raise_sequences(connection)
        if self.sqlite:
            connection.exec_driver_sql("ANALYZE")  # sampled (analysis_limit): enough for the planner

    def _update_tallies(self, execute_many) -> None:  # type: ignore[no-untyped-def]
        connection = self._connection
        if self._counted is None:
            tally.rebuild(connection)
        else:
            execute_many(tally.ADD_SQL, tally.add_rows(self._counted))
        if self._day_counted is None:
            if "orders" in self._tables:
                day_tally.rebuild(connection)
        else:
            execute_many(day_tally.TRIGGERS_OF.add_sql(), day_tally.add_rows(self._day_counted, sqlite=self.sqlite))
        if "orders" in self._tables:  # recounted: a month's rows are few next to its orders
            text_tally.MONTH_TRIGGERS_OF.rebuild(connection)
            for sql in (*(t.add_after_sql(connection.dialect.name) for t in char_tally.TALLIES),
                        day_numbers.add_after_sql(connection.dialect.name)):
                connection.execute(text(sql), {"after": self._orders_after})
        if self._text_counted is None:
            if "orders" in self._tables:
                text_tally.rebuild(connection)
        else:
            execute_many(text_tally.ADD_SQL, text_tally.add_rows(self._text_counted))


def _rollback_journal(raw: Any) -> str:
    """Put the file in rollback-journal mode for the load; the mode it is in afterwards."""
    raw.execute("PRAGMA busy_timeout=0")  # another connection's lock means "stay in WAL", now
    try:
        (mode,) = raw.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError as error:  # "database is locked": another connection has it open
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        mode = "wal"
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return str(mode).lower()
