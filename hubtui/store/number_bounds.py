"""The lowest and highest order number placed in each UTC month, per organisation, in
`order_month_numbers`: a band that triggers widen and never narrow, so a deleted or moved
order leaves it wider, never wrong.

A text of one to three digits may start a hundred thousand order numbers ("2": BT02xxxxx,
BT002xxxx...): which of them lie in a period cannot be told without reading them (550 ms at
1,000,000 orders for a month). Numbers are given as orders are placed, so a month's numbers
are a narrow band; a range of numbers that misses the bands of every month a period touches
has no order in the period, and the quick counts leave it out (quick_counts.py). Orders
imported with numbers of their own only widen a band: the ranges are then kept, and counted
as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hubtui.domain.month_cover import month_key

TABLE = "order_month_numbers"
TRIGGERS = ("orders_month_numbers_insert", "orders_month_numbers_update")
_FUNCTION = "orders_month_numbers"
_WATCHED = "org_id, number, placed_at"


def month_sql(row: str, dialect: str) -> str:
    """The UTC 'YYYY-MM' of a row's placed_at (SQLite stores it as UTC text)."""
    if dialect == "sqlite":
        return f"substr({row}.placed_at, 1, 7)"
    return f"to_char({row}.placed_at AT TIME ZONE 'UTC', 'YYYY-MM')"


def _widen(dialect: str) -> str:
    low, high = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")
    return (f"ON CONFLICT (org_id, month) DO UPDATE SET low = {low}({TABLE}.low, excluded.low), "
            f"high = {high}({TABLE}.high, excluded.high)")


def _add_new(dialect: str) -> str:
    return (f"INSERT INTO {TABLE} (org_id, month, low, high) "
            f"VALUES (NEW.org_id, {month_sql('NEW', dialect)}, NEW.number, NEW.number) {_widen(dialect)};")


def create_triggers(connection: Any) -> None:
    dialect = connection.dialect.name
    insert, update = TRIGGERS
    if dialect == "postgresql":
        connection.exec_driver_sql(f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger AS $$\nBEGIN\n"
                                   f"  {_add_new(dialect)}\n  RETURN NULL;\nEND $$ LANGUAGE plpgsql")
        connection.exec_driver_sql(f"CREATE TRIGGER {insert} AFTER INSERT ON orders "
                                   f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()")
        connection.exec_driver_sql(f"CREATE TRIGGER {update} AFTER UPDATE OF {_WATCHED} ON orders "
                                   f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()")
        return
    connection.exec_driver_sql(f"CREATE TRIGGER {insert} AFTER INSERT ON orders BEGIN\n  {_add_new(dialect)}\nEND")
    connection.exec_driver_sql(f"CREATE TRIGGER {update} AFTER UPDATE OF {_WATCHED} ON orders BEGIN\n"
                               f"  {_add_new(dialect)}\nEND")


def drop_triggers(connection: Any) -> None:
    suffix = " ON orders" if connection.dialect.name == "postgresql" else ""
    for name in TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")


def drop_function(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")


def _select(dialect: str, where: str) -> str:
    month = month_sql("orders", dialect)
    return (f"SELECT org_id, {month}, MIN(number), MAX(number) FROM orders {where} GROUP BY org_id, {month}")


def rebuild(connection: Any) -> None:
    """The bands of the orders stored (an upgrade, or a bulk load)."""
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {TABLE} (org_id, month, low, high) "
                               + _select(connection.dialect.name, ""))


def add_after_sql(dialect: str) -> str:
    """The orders with an id above :after, widening the bands in one statement."""
    return (f"INSERT INTO {TABLE} (org_id, month, low, high) "
            + _select(dialect, "WHERE orders.id > :after") + " " + _widen(dialect))


def outside_bands_sql(dialect: str) -> str:
    """How many orders lie outside their month's band (a complete database has none)."""
    return (f"SELECT COUNT(*) FROM orders o LEFT JOIN {TABLE} b ON b.org_id = o.org_id "
            f"AND b.month = {month_sql('o', dialect)} WHERE b.org_id IS NULL OR o.number < b.low OR o.number > b.high")


def ranges_placed(reader: Any, org_id: int, low: datetime | None, high: datetime | None,
                  ranges: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Those of the number `ranges` that meet the band of a month the period [low, high) touches."""
    first = month_key(low) if low is not None else "0000-00"
    last = month_key(high - timedelta(microseconds=1)) if high is not None else "9999-99"
    bands = reader.all(f"SELECT low, high FROM {TABLE} WHERE org_id = :org_id AND month >= :first "
                       "AND month <= :last", {"org_id": org_id, "first": first, "last": last})
    return tuple((a, b) for a, b in ranges if any(a <= band_high and b >= band_low for band_low, band_high in bands))


__all__ = ["TABLE", "TRIGGERS", "add_after_sql", "create_triggers", "drop_function", "drop_triggers",
           "month_sql", "outside_bands_sql", "ranges_placed", "rebuild"]
