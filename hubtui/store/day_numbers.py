"""The span of order numbers each UTC day holds: the lowest and highest number of the orders an
organisation placed on each day, in `order_day_numbers`, kept by triggers on orders.

A "/" text of digits starts order numbers as well as finding values ("07": BT0700000-BT0799999,
a tenth of the numbers at 1,000,000 orders), and the orders in such a range were read one by one
to be counted (100-200 ms). Orders are numbered as they are placed, so each day's numbers lie in
a narrow span: a day whose span lies inside a range holds the text in every order (its counts are
the day tallies'), and any other day can hold only the part of the range its span meets
(numbers_way.py reads them so).

A span only widens: an order deleted, or moved to another day, leaves the spans as they were. A
day's span may then be wider than its numbers, never narrower, and every use above stays exact.
Numbers compare as text in the database's own order; the readers compare in Python only numbers
of the one well-formed shape ("BT" and seven digits), which sort alike in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

TABLE = "order_day_numbers"
FUNCTION = "orders_day_numbers"
TRIGGERS = (f"{FUNCTION}_insert", f"{FUNCTION}_update")
WATCHED = ("org_id", "placed_at", "number")
WELL_FORMED = re.compile(r"BT[0-9]{7}", re.ASCII)


def _day(row: str, dialect: str) -> str:
    # SQLite stores placed_at as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (as day_tally.py reads it).
    return f"substr({row}.placed_at, 1, 10)" if dialect == "sqlite" else f"(({row}.placed_at AT TIME ZONE 'UTC')::date)"


def _widen(dialect: str) -> str:
    lowest, highest = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")
    return (f"ON CONFLICT (org_id, day) DO UPDATE SET low = {lowest}({TABLE}.low, excluded.low), "
            f"high = {highest}({TABLE}.high, excluded.high) "
            f"WHERE excluded.low < {TABLE}.low OR excluded.high > {TABLE}.high")


def _add_new(dialect: str) -> str:
    return (f"INSERT INTO {TABLE} (org_id, day, low, high) VALUES (NEW.org_id, {_day('NEW', dialect)}, NEW.number, "
            f"NEW.number) {_widen(dialect)};")


def _statements(dialect: str) -> list[str]:
    insert, update = TRIGGERS
    columns = ", ".join(WATCHED)
    if dialect == "postgresql":
        run = f"EXECUTE FUNCTION {FUNCTION}()"
        old = ", ".join(f"OLD.{c}" for c in WATCHED)
        new = ", ".join(f"NEW.{c}" for c in WATCHED)
        return [
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$\nBEGIN\n  {_add_new(dialect)}\n"
            "  RETURN NULL;\nEND $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {insert} AFTER INSERT ON orders FOR EACH ROW {run}",
            f"CREATE TRIGGER {update} AFTER UPDATE OF {columns} ON orders FOR EACH ROW "
            f"WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) {run}",
        ]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON orders BEGIN\n  {_add_new(dialect)}\nEND",
        f"CREATE TRIGGER {update} AFTER UPDATE OF {columns} ON orders\nWHEN {changed}\nBEGIN\n  {_add_new(dialect)}\nEND",
    ]


def create_triggers(connection: Any) -> None:
    for sql in _statements(connection.dialect.name):
        connection.exec_driver_sql(sql)


def drop_triggers(connection: Any) -> None:
    suffix = " ON orders" if connection.dialect.name == "postgresql" else ""
    for name in TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")


def drop_function(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def spans_sql(dialect: str, where: str = "") -> str:
    """SELECT (org_id, day, low, high) of the orders (`where`: which of them), as the table holds."""
    day = _day("orders", dialect)
    return f"SELECT org_id, {day}, MIN(number), MAX(number) FROM orders {where}GROUP BY org_id, {day}"


def add_after_sql(dialect: str) -> str:
    """The orders with an id above :after, their days' spans widened to hold them, in one statement
    (a bulk load, order_upkeep). Its WHERE also keeps SQLite from reading ON CONFLICT as a join's."""
    return f"INSERT INTO {TABLE} (org_id, day, low, high) {spans_sql(dialect, 'WHERE orders.id > :after ')} {_widen(dialect)}"


def rebuild(connection: Any) -> None:
    """The spans made again from the orders, as narrow as they can be (an upgrade, a repair)."""
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {TABLE} (org_id, day, low, high) {spans_sql(connection.dialect.name)}")


def uncovered_sql(dialect: str) -> str:
    """SELECT COUNT(*) of the orders no span holds (`hubtui db check`: none)."""
    return (f"SELECT COUNT(*) FROM orders o LEFT JOIN {TABLE} d ON d.org_id = o.org_id AND d.day = {_day('o', dialect)} "
            "WHERE d.org_id IS NULL OR o.number < d.low OR o.number > d.high")


@dataclass(frozen=True)
class DaySpan:
    day: date
    low: str
    high: str

    @property
    def well_formed(self) -> bool:
        return bool(WELL_FORMED.fullmatch(self.low) and WELL_FORMED.fullmatch(self.high))


def spans(reader: Any, org_id: int, first: date | None, end: date | None) -> list[DaySpan]:
    """The spans of the organisation's days in [first, end) (None: open), by day."""
    sql = f"SELECT day, low, high FROM {TABLE} WHERE org_id = :org_id"
    params: dict[str, Any] = {"org_id": org_id}
    if first is not None:
        sql += " AND day >= :first"
        params["first"] = first.isoformat() if reader.sqlite else first
    if end is not None:
        sql += " AND day < :end"
        params["end"] = end.isoformat() if reader.sqlite else end
    return [DaySpan(day if isinstance(day, date) else date.fromisoformat(day), low, high)
            for day, low, high in reader.all(sql + " ORDER BY day", params)]


__all__ = ["TABLE", "TRIGGERS", "DaySpan", "add_after_sql", "create_triggers", "drop_function", "drop_triggers",
           "rebuild", "spans", "spans_sql", "uncovered_sql"]
