"""Revision 0018 on a database made by 0017: the days' spans of numbers are added and filled from
the orders already stored, and dropped by a downgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.services.db_check import check_database
from hubtui.store import day_numbers, schema
from hubtui.store.engine import Store


def _names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as con:
        return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def test_down_to_0017_and_up_again(demo_db: Path) -> None:
    made = {day_numbers.TABLE, *day_numbers.TRIGGERS}
    store = Store(f"sqlite:///{demo_db}")
    try:
        assert made <= _names(demo_db)
        with store.engine.begin() as connection:
            command.downgrade(schema._config(connection), "0017")
        assert not made & _names(demo_db)
        assert schema.upgrade(store.engine) == schema.HEAD_REVISION
        assert made <= _names(demo_db)
        with closing(sqlite3.connect(demo_db)) as con:
            kept = con.execute(f"SELECT * FROM {day_numbers.TABLE} ORDER BY 1, 2").fetchall()
            assert kept == sorted(con.execute(day_numbers.spans_sql("sqlite")).fetchall()) and len(kept) > 100
        assert check_database(store) == []
    finally:
        store.dispose()
