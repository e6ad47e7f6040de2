"""Many rows into a table inside the caller's write transaction, without one ORM object each:
for imports, whose files run to hundreds of thousands of rows.

The ORM manages about 11k rows/s (an object, its state, a flush to learn its id); the driver's
executemany several times that. Ids are reserved first, so children can refer to the rows
before they are written: on SQLite the caller holds the write lock (BEGIN IMMEDIATE), so the
ids after the highest are free; on PostgreSQL they come from the table's own sequence, which
other writers use too. Unlike store.bulk, nothing is set aside: the triggers that keep the
tallies and search terms run for each row, and other operators can go on reading.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import DateTime, bindparam, func, select, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel



# A bulk write's page cache on SQLite: the default 2 MiB cannot hold the index pages that
# 100,000 orders' triggers touch, and they are written out and read back again; 16 MiB took
# an import of 100,000 orders from 8.7 s to 7.9 s (more gave no more).
BULK_CACHE_KIB = 16 * 1024


@contextmanager
def bulk_page_cache(session: Session) -> Iterator[None]:
    """A larger page cache for the connection of `session` while a bulk write runs in it."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    (before,) = raw.execute("PRAGMA cache_size").fetchone()  # type: ignore[union-attr]
    raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")  # type: ignore[union-attr]
    try:
        yield
    finally:
        try:
            raw.execute(f"PRAGMA cache_size={int(before)}")  # type: ignore[union-attr]
        except sqlite3.Error:
            pass  # a connection that failed is thrown away, its cache with it


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """`count` ids no other row has or will be given."""
    if count <= 0:
        return []
    meta = SQLModel.metadata.tables[table]
    if session.get_bind().dialect.name == "sqlite":
        first = int(session.execute(select(func.coalesce(func.max(meta.c.id), 0))).scalar_one()) + 1
        return list(range(first, first + count))
    return [int(i) for i in session.execute(
        text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),
        {"n": count}).scalars()]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # As SQLAlchemy's DateTime stores it (SQLITE_TIMESTAMP): the UTC wall time with
        # microseconds, as text; isoformat writes the same, several times quicker than strftime.
        if value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return value.astimezone(timezone.utc).isoformat(" ", "microseconds")[:26]  # less its "+00:00"
    return value


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT each row (values in the order of `columns`) in one executemany."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(_insert_sql(table, tuple(columns)), _sqlite_rows(table, tuple(columns), rows))
        finally:
            cursor.close()
        return
    batch = [dict(zip(columns, row)) for row in rows]
    if batch:
        connection.execute(SQLModel.metadata.tables[table].insert(), batch)


def update_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UPDATE table SET columns[1:] = … WHERE columns[0] = … for each row, in one executemany."""
    key, *changed = columns
    sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in changed)} WHERE {key} = ?"
    ordered = ((*row[1:], row[0]) for row in _sqlite_rows(table, tuple(columns), rows))
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, ordered)
        finally:
            cursor.close()
        return
    batch = [dict(zip(columns, row)) for row in rows]
    if batch:
        meta = SQLModel.metadata.tables[table]
        connection.execute(meta.update().where(meta.c[key] == bindparam(f"_{key}")).values(
            {c: bindparam(c) for c in changed}), [{**r, f"_{key}": r[key]} for r in batch])


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


@cache
def _dated(table: str, columns: tuple[str, ...]) -> tuple[int, ...]:
    """Where the datetimes are among `columns` (SQLite is given them as text)."""
    meta = SQLModel.metadata.tables[table]
    kinds = [meta.c[name].type for name in columns]
    return tuple(i for i, kind in enumerate(kinds) if isinstance(getattr(kind, "impl", kind), DateTime))


def _sqlite_rows(table: str, columns: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    dated = _dated(table, columns)
    # Without datetimes the rows go to the driver as they are (a generator hop a row is 0.6 us)
    return _with_dates_as_text(dated, rows) if dated else rows


def _with_dates_as_text(dated: tuple[int, ...], rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    last: dict[int, tuple[Any, Any]] = {i: (None, None) for i in dated}  # the same moment (the import's now) once
    for row in rows:
        values = list(row)
        for i in dated:
            value = values[i]
            seen, shown = last[i]
            if value is not seen:
                shown = _sqlite_value(value)
                last[i] = (value, shown)
            values[i] = shown
        yield values


__all__ = ["bulk_page_cache", "insert_rows", "reserve_ids", "update_rows"]
