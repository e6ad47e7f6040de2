"""The span of numbers each day holds (order_day_numbers) follows every write to orders, whoever
makes it: it always holds every order's number (the database check), widens at once for a new
number, and is made as narrow as the orders allow by a load or a rebuild."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from hubtui.services.db_check import check_database
from hubtui.store import day_numbers, order_upkeep
from hubtui.store.engine import Store


def _spans(con: sqlite3.Connection) -> dict[tuple[int, str], tuple[str, str]]:
    return {(org, day): (low, high) for org, day, low, high in con.execute(f"SELECT * FROM {day_numbers.TABLE}")}


def _counted(con: sqlite3.Connection) -> dict[tuple[int, str], tuple[str, str]]:
    return {(org, day): (low, high) for org, day, low, high in con.execute(day_numbers.spans_sql("sqlite"))}


def _problems(path: Path) -> list[str]:
    store = Store(f"sqlite:///{path}")
    try:
        return check_database(store)
    finally:
        store.dispose()


def test_a_loaded_database_has_each_days_exact_span(demo_db: Path) -> None:
    with closing(sqlite3.connect(demo_db)) as con:
        spans = _spans(con)
        assert spans == _counted(con) and len(spans) > 100
        assert all(low <= high for low, high in spans.values())


def test_hand_written_writes_keep_every_number_inside_its_days_span(demo_db: Path) -> None:
    columns_sql = "PRAGMA table_info(orders)"
    with closing(sqlite3.connect(demo_db)) as con:
        first, second, third = (row[0] for row in con.execute("SELECT id FROM orders WHERE org_id = 1 ORDER BY id LIMIT 3"))
        day = con.execute("SELECT substr(placed_at, 1, 10) FROM orders WHERE id = ?", (first,)).fetchone()[0]
        con.execute("UPDATE orders SET number = 'BT9999990' WHERE id = ?", (first,))
        con.execute("UPDATE orders SET placed_at = '2020-02-03 10:00:00.000000' WHERE id = ?", (second,))
        con.execute("UPDATE orders SET org_id = 2, microsite_id = (SELECT MIN(id) FROM microsites WHERE org_id = 2) "
                    "WHERE id = ?", (third,))
        columns = [row[1] for row in con.execute(columns_sql) if row[1] not in ("id", "number")]
        con.execute(f"INSERT INTO orders (number, {', '.join(columns)}) SELECT 'BT0000000', {', '.join(columns)} "
                    "FROM orders WHERE id = ?", (first,))
        con.commit()
        spans = _spans(con)
        assert spans[(1, day)] == ("BT0000000", "BT9999990")
        assert spans[(1, "2020-02-03")][0] == spans[(1, "2020-02-03")][1]  # the order moved there alone
        con.execute("DELETE FROM orders WHERE number IN ('BT0000000', 'BT9999990')")
        con.commit()
        assert _spans(con)[(1, day)] == ("BT0000000", "BT9999990"), "a span only widens"
    assert _problems(demo_db) == []
    store = Store(f"sqlite:///{demo_db}")
    try:
        with store.engine.begin() as connection:
            day_numbers.rebuild(connection)
    finally:
        store.dispose()
    with closing(sqlite3.connect(demo_db)) as con:
        assert _spans(con) == _counted(con) and _spans(con)[(1, day)][1] < "BT9999990"


def test_orders_inserted_around_the_triggers_widen_their_days(demo_db: Path) -> None:
    """order_upkeep sets the insert triggers aside for many orders, then adds their spans at once."""
    store = Store(f"sqlite:///{demo_db}")
    try:
        with store.engine.begin() as connection:
            columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(orders)")
                       if row[1] not in ("id", "number", "placed_at")]
            listed = ", ".join(columns)
            with order_upkeep.inserting_orders(connection):
                for number, placed in (("BT9000001", "2026-11-27 09:00:00.000000"),
                                       ("BT9000002", "2019-05-05 09:00:00.000000")):
                    connection.execute(text(
                        f"INSERT INTO orders (number, placed_at, {listed}) SELECT :number, :placed, {listed} "
                        "FROM orders WHERE org_id = 1 ORDER BY id LIMIT 1"), {"number": number, "placed": placed})
            connection.exec_driver_sql("UPDATE sequences SET value = 9000002 WHERE name = 'order_number'")
    finally:
        store.dispose()
    with closing(sqlite3.connect(demo_db)) as con:
        spans = _spans(con)
        assert spans[(1, "2026-11-27")][1] == "BT9000001"
        assert spans[(1, "2019-05-05")] == ("BT9000002", "BT9000002")
    assert _problems(demo_db) == []


def test_the_check_names_an_order_outside_its_days_span(demo_db: Path) -> None:
    with closing(sqlite3.connect(demo_db)) as con:
        con.execute(f"UPDATE {day_numbers.TABLE} SET high = low WHERE rowid = (SELECT MIN(rowid) FROM {day_numbers.TABLE})")
        con.commit()
    assert any(day_numbers.TABLE in problem for problem in _problems(demo_db))
