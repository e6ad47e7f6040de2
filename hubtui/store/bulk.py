"""Bulk loading for demo data and large imports.

One ORM object at a time manages about 11k rows/s; a million orders with three million
lines needs far more. On SQLite the loader drops secondary indexes and the tally and
search-term triggers, inserts with the driver's executemany in one transaction, then
rebuilds the indexes, the tallies (order_tallies, and order_text_tallies when orders were
loaded: from the caller's counts, or recounted), the search terms (one INSERT ... SELECT
DISTINCT and one trigram-index rebuild instead of a trigger per row), the customers'
trigram table when customers or companies were loaded, and the planner statistics. On
PostgreSQL it inserts in batches through SQLAlchemy Core with the same rebuilds (the
customers' GIN index keeps itself current).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from hubtui.store import customer_search, tally, text_search, text_tally
from hubtui.store.engine import Store

BATCH = 20_000


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
    """`with BulkLoader(store) as load: load.insert("orders", columns, rows)`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.sqlite = store.dialect == "sqlite"
        self._indexes: list[str] = []
        self._counted: dict[tuple[int, int, str, str, str, bool], int] | None = None
        self._text_counted: dict[tuple[Any, ...], int] | None = None
        self._tables: set[str] = set()
        self._sqlite_timestamps = _SqliteTimestamps()

    def next_id(self, table: str) -> int:
        """The first free id of a table, for rows that carry their ids (children refer to them)."""
        if self.sqlite:
            return int(self._cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
        meta = SQLModel.metadata.tables[table]
        return int(self._connection.execute(select(func.coalesce(func.max(meta.c.id), 0))).scalar_one()) + 1

    def timestamp(self, epoch: int) -> Any:
        if self.sqlite:
            return self._sqlite_timestamps(epoch)
        return datetime.fromtimestamp(epoch, timezone.utc)

    def __enter__(self) -> BulkLoader:
        if self.sqlite:
            # Without a rollback journal each page is written once instead of twice (WAL,
            # then checkpoint). Only possible while no other connection is open.
            self.store.engine.dispose()
            self._raw = self.store.engine.raw_connection()
            self._raw.cursor().execute("PRAGMA journal_mode=OFF")
            self._cursor = self._raw.cursor()
            # Rows are generated with their keys already consistent; checking each foreign
            # key would double the insert time.
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY", "threads=2"):
                self._cursor.execute(f"PRAGMA {pragma}")
            self._indexes = [
                sql for (sql,) in self._cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name = 'orders'"
                )
            ]
            for sql in self._indexes:
                name = sql.split()[2] if sql.split()[1].upper() == "INDEX" else sql.split()[3]
                self._cursor.execute(f"DROP INDEX {name}")
            self._cursor.execute("BEGIN IMMEDIATE")
            self._drop_triggers_sqlite()
        else:
            self._connection = self.store.engine.connect()
            self._transaction = self._connection.begin()
            tally.drop_triggers(self._connection)
            text_tally.drop_triggers(self._connection)
            text_search.drop_triggers(self._connection)
        return self

    def _drop_triggers_sqlite(self) -> None:
        shim = _SqliteShim(self._cursor)
        tally.drop_triggers(shim)  # type: ignore[arg-type]
        text_tally.drop_triggers(shim)
        text_search.drop_triggers(shim)
        text_search.drop_fts_triggers(shim)
        customer_search.drop_triggers(shim)

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

    def _update_tallies(self, connection: Any, execute_many) -> None:  # type: ignore[no-untyped-def]
        if self._counted is None:
            tally.rebuild(connection)
        else:
            execute_many(tally.ADD_SQL, tally.add_rows(self._counted))
        if self._text_counted is None:
            if "orders" in self._tables:
                text_tally.rebuild(connection)
        else:
            execute_many(text_tally.ADD_SQL, text_tally.add_rows(self._text_counted))

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
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

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self.sqlite:
            self._finish_sqlite(failed=exc_type is not None)
        else:
            self._finish_postgres(failed=exc_type is not None)

    def _finish_sqlite(self, failed: bool) -> None:
        cursor = self._cursor
        shim = _SqliteShim(cursor)
        try:
            cursor.execute("ROLLBACK" if failed else "COMMIT")
            cursor.execute("BEGIN IMMEDIATE")
            self._drop_triggers_sqlite()
            if not failed:
                self._update_tallies(shim, cursor.executemany)
            for sql in self._indexes:
                cursor.execute(sql)
            if not failed and "orders" in self._tables:
                text_search.fill(shim)  # after the indexes: DISTINCT reads them, not the table
            if not failed and self._tables & {"customers", "companies"}:
                customer_search.rebuild(shim)
            tally.create_triggers(shim)  # type: ignore[arg-type]
            text_tally.create_triggers(shim)
            text_search.create_fts_triggers(shim)
            text_search.create_triggers(shim)
            customer_search.create_triggers(shim)
            cursor.execute("COMMIT")
            if not failed:
                cursor.execute("PRAGMA analysis_limit=2000")  # sampled statistics are enough here
                cursor.execute("ANALYZE")
        finally:
            if self._raw.in_transaction:
                cursor.execute("ROLLBACK")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            self._raw.close()

    def _finish_postgres(self, failed: bool) -> None:
        try:
            if failed:
                self._transaction.rollback()
                return
            for table in sorted(self._tables):
                # Rows that brought their own ids leave PostgreSQL's serial counter behind.
                self._connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
            self._update_tallies(self._connection, lambda sql, rows: self._connection.execute(text(sql), rows))
            if "orders" in self._tables:
                text_search.fill(self._connection)
            tally.create_triggers(self._connection)
            text_tally.create_triggers(self._connection)
            text_search.create_triggers(self._connection)
            self._transaction.commit()
            self._connection.exec_driver_sql("ANALYZE")
            # ANALYZE ran in the transaction SQLAlchemy began for it; closing would roll its
            # statistics back, and the planner would then take customers for 1,000 rows.
            self._connection.commit()
        finally:
            self._connection.close()


class _SqliteShim:
    """Lets the tally helpers, written for SQLAlchemy connections, run on a raw cursor."""

    dialect = type("dialect", (), {"name": "sqlite"})()

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def exec_driver_sql(self, sql: str) -> None:
        self._cursor.execute(sql)
