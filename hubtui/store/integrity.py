"""Whether a database is complete: what `PRAGMA integrity_check` cannot see (SPEC 8a).

A file can be sound page by page and still broken for hubtui: an index or a trigger
missing (a filtered list fails with "no such index"; a write no longer updates a tally),
tallies that no longer match the orders (wrong quick-filter counts), search terms or a
trigram index missing rows (a "/" text misses orders or customers), or a number sequence
behind the numbers already used (the next order would take a number that exists).

What the schema defines is taken from the code that makes it: the named indexes of the
models, and the triggers, trigram tables and indexes the store's modules create (their
create functions are run against a recorder, so this list cannot drift from them; a test
compares it with a freshly migrated database). Derived rows are compared with a recount.

`connection` is a SQLAlchemy Connection in a transaction (a read is enough, except for
`raise_sequences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text
from sqlmodel import SQLModel

from hubtui.domain.errors import NumberFormatError
from hubtui.domain.numbers import order_sequence, rma_sequence
from hubtui.store import (  # noqa: F401
    append_only, char_tally, customer_search, day_numbers, day_tally, tables, tally, text_search, text_tally)
from hubtui.store.sequences import ORDER_NUMBERS, RMA_NUMBERS

_CREATED = re.compile(r"CREATE\s+(VIRTUAL\s+TABLE|TRIGGER|(?:UNIQUE\s+)?INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Expected:
    """The objects a complete database of one dialect holds, by name."""

    indexes: frozenset[str]
    triggers: frozenset[str]
    virtual_tables: frozenset[str]  # SQLite's FTS5 tables


class _Recorder:
    """Stands in for a connection: keeps the statements a create function would run."""

    def __init__(self, dialect: str) -> None:
        self.dialect = SimpleNamespace(name=dialect)
        self.statements: list[str] = []

    def exec_driver_sql(self, sql: str, *_args: Any) -> None:
        self.statements.append(sql)


def expected(dialect: str, *, trigram_index: bool = True) -> Expected:
    """What the schema defines for `dialect`. On PostgreSQL the customers' trigram index
    exists only where pg_trgm does (`trigram_index`)."""
    recorder = _Recorder(dialect)
    tally.create_triggers(recorder)  # type: ignore[arg-type]
    text_tally.create_triggers(recorder)
    text_tally.MONTH_TRIGGERS_OF.create(recorder)
    day_tally.create_triggers(recorder)
    char_tally.create_triggers(recorder)
    day_numbers.create_triggers(recorder)
    text_search.create_fts(recorder)
    text_search.create_fts_triggers(recorder)
    text_search.create_triggers(recorder)
    customer_search.create_triggers(recorder)
    if dialect != "postgresql":
        customer_search.rebuild(recorder)  # its CREATE VIRTUAL TABLE
    append_only.create(recorder)  # type: ignore[arg-type]
    made: dict[str, set[str]] = {"index": set(), "trigger": set(), "virtual": set()}
    for sql in recorder.statements:
        for kind, name in _CREATED.findall(sql):
            made["virtual" if kind.upper().startswith("VIRTUAL") else kind.split()[-1].lower()].add(name)
    indexes = {index.name for table in SQLModel.metadata.tables.values() for index in table.indexes if index.name}
    if dialect == "postgresql" and trigram_index:
        indexes.add(customer_search.TRGM_INDEX)
    return Expected(frozenset(indexes | made["index"]), frozenset(made["trigger"]), frozenset(made["virtual"]))


def present(connection: Any) -> Expected:
    """The indexes, triggers and virtual tables the database holds."""
    if connection.dialect.name == "postgresql":
        indexes = {r[0] for r in connection.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
        triggers = {r[0] for r in connection.exec_driver_sql(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()")}
        return Expected(frozenset(indexes), frozenset(triggers), frozenset())
    rows = connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master").all()
    return Expected(
        frozenset(name for kind, name, _ in rows if kind == "index"),
        frozenset(name for kind, name, _ in rows if kind == "trigger"),
        frozenset(name for kind, name, sql in rows if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")),
    )


def _has_pg_trgm(connection: Any) -> bool:
    return connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first() is not None


# --- numbers -------------------------------------------------------------------------------

_HIGHEST = {
    ORDER_NUMBERS: ("SELECT number FROM orders WHERE number LIKE 'BT_______' ORDER BY number DESC LIMIT 1",
                    order_sequence),
    RMA_NUMBERS: ("SELECT number FROM returns WHERE number LIKE 'RMA_______' ORDER BY number DESC LIMIT 1",
                  rma_sequence),
}
_RAISE = ("INSERT INTO sequences (name, value) VALUES (:name, :value) ON CONFLICT (name) "
          "DO UPDATE SET value = excluded.value WHERE sequences.value < excluded.value")


def highest_numbers(connection: Any) -> dict[str, int]:
    """For each number sequence, the highest number stored (0 when none), read from the
    unique index of the numbers (fixed width: the greatest text is the greatest number)."""
    found: dict[str, int] = {}
    for name, (sql, sequence) in _HIGHEST.items():
        number = connection.exec_driver_sql(sql).scalar()
        try:
            found[name] = sequence(number) if number else 0
        except NumberFormatError:
            found[name] = 0
    return found


def raise_sequences(connection: Any) -> None:
    """Move every sequence past the numbers stored (after rows brought their own numbers)."""
    for name, value in highest_numbers(connection).items():
        if value:
            connection.execute(text(_RAISE), {"name": name, "value": value})


# --- the check -----------------------------------------------------------------------------


def problems(connection: Any) -> list[str]:
    """Everything that makes the database incomplete, one line each; [] when it is complete."""
    dialect = connection.dialect.name
    want = expected(dialect, trigram_index=dialect != "postgresql" or _has_pg_trgm(connection))
    have = present(connection)
    found = [f"missing index {name}" for name in sorted(want.indexes - have.indexes)]
    found += [f"missing trigram table {name}" for name in sorted(want.virtual_tables - have.virtual_tables)]
    found += [f"missing trigger {name}" for name in sorted(want.triggers - have.triggers)]
    found += _tally_problems(connection)
    found += _search_problems(connection, have)
    found += _sequence_problems(connection)
    return found


def _compare(label: str, kept: dict[tuple[Any, ...], int], counted: dict[tuple[Any, ...], int]) -> list[str]:
    differing = [key for key in kept.keys() | counted.keys() if kept.get(key, 0) != counted.get(key, 0)]
    if not differing:
        return []
    return [f"{label} do not match a recount of the orders: {len(differing):,} of {len(counted):,} counts differ "
            f"({sum(kept.values()):,} orders counted in them, {sum(counted.values()):,} in the orders table)"]


def _counts(connection: Any, sql: str, *, dates: bool = False) -> dict[tuple[Any, ...], int]:
    """Rows (key..., high_risk, n) as {key: n}, the risk flag a boolean (SQLite stores 0/1),
    zeros left out (a tally row may stay at zero); `dates`: a date as its ISO text, however
    the driver returns it."""
    counts: dict[tuple[Any, ...], int] = {}
    for *key, risk, n in connection.exec_driver_sql(sql):
        if dates:
            key = [value.isoformat() if isinstance(value, date) else value for value in key]
        if n:
            counts[(*key, bool(risk))] = n
    return counts


def _tally_problems(connection: Any) -> list[str]:
    risk = f"fraud_score >= {tally.HIGH_RISK}"
    keys = ", ".join(risk if c == "high_risk" else c for c in tally.KEY.split(", "))
    positions = ", ".join(str(i + 1) for i in range(len(tally.KEY.split(", "))))
    found = _compare("order_tallies",
                     _counts(connection, f"SELECT {tally.KEY}, n FROM order_tallies"),
                     _counts(connection, f"SELECT {keys}, COUNT(*) FROM orders GROUP BY {positions}"))
    for kept in (text_tally.TRIGGERS_OF, text_tally.MONTH_TRIGGERS_OF, day_tally.TRIGGERS_OF):
        columns = [c for c in kept.key if c != "high_risk"] + ["high_risk"]  # the risk last, as _counts reads it
        keys = ", ".join(kept.value(c, "orders", connection.dialect.name) for c in columns)
        positions = ", ".join(str(i + 1) for i in range(len(columns)))
        found += _compare(kept.table,
                          _counts(connection, f"SELECT {', '.join(columns)}, n FROM {kept.table}", dates=True),
                          _counts(connection, f"SELECT {keys}, COUNT(*) FROM orders GROUP BY {positions}", dates=True))
    for kept in char_tally.TALLIES:
        found += _compare(kept.table, _measured(connection, f"SELECT * FROM {kept.table}", len(kept.key)),
                          _measured(connection, kept.counts_sql(connection.dialect.name), len(kept.key)))
    uncovered = connection.exec_driver_sql(day_numbers.uncovered_sql(connection.dialect.name)).scalar()
    if uncovered:
        found.append(f"{day_numbers.TABLE} leaves {uncovered:,} order(s) outside their day's span of numbers")
    return found


def _measured(connection: Any, sql: str, width: int) -> dict[tuple[Any, ...], int]:
    """Rows (key..., counts...) of a tally with counted columns as {(key..., column): count}, the
    risk flag a boolean and a date its ISO text, zeros left out."""
    counts: dict[tuple[Any, ...], int] = {}
    for row in connection.exec_driver_sql(sql):
        key = tuple(value.isoformat() if isinstance(value, date) else bool(value) if isinstance(value, bool) else value
                    for value in row[:width])
        for i, n in enumerate(row[width:]):
            if n:
                counts[(*key, i)] = int(n)
    return counts


def _search_problems(connection: Any, have: Expected) -> list[str]:
    found = []
    for kind, column in text_search.KINDS:
        missing = connection.execute(text(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT org_id, {column} FROM orders WHERE {column} <> '' "
            "EXCEPT SELECT org_id, term FROM search_terms WHERE kind = :kind) AS missing"), {"kind": kind}).scalar()
        if missing:
            found.append(f"search_terms lacks {missing:,} {kind} value(s) of the orders")
    if connection.dialect.name == "postgresql":
        return found
    # FTS5 keeps a row per indexed document in its _docsize table: an index that was never
    # built (or rebuilt) finds nothing however many rows its source holds.
    for table, source in ((text_search.FTS_TABLE, "search_terms"), (customer_search.FTS_TABLE, "customers")):
        if table not in have.virtual_tables:
            continue
        indexed = connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}_docsize").scalar()
        rows = connection.exec_driver_sql(f"SELECT COUNT(*) FROM {source}").scalar()
        if indexed != rows:
            found.append(f"trigram table {table} indexes {indexed:,} of the {rows:,} rows of {source}")
    return found


def _sequence_problems(connection: Any) -> list[str]:
    found = []
    for name, highest in highest_numbers(connection).items():
        value = connection.execute(text("SELECT value FROM sequences WHERE name = :name"), {"name": name}).scalar()
        if highest and (value or 0) < highest:
            found.append(f"sequence {name} is at {value or 0:,}, behind the highest number used ({highest:,})")
    return found
