"""Revision 0015 on a database made by 0014: the index of the month text tallies by month comes
and goes with it, and a scan of a month's rows reads it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.services.db_check import check_database
from hubtui.store import schema
from hubtui.store.engine import Store

INDEX = "ix_order_text_month_tallies_month"


def _indexes(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as con:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_down_to_0014_and_up_again(demo_db: Path) -> None:
    store = Store(f"sqlite:///{demo_db}")
    try:
        assert INDEX in _indexes(demo_db)
        with store.engine.begin() as connection:
            command.downgrade(schema._config(connection), "0014")
        assert INDEX not in _indexes(demo_db)
        assert schema.upgrade(store.engine) == schema.HEAD_REVISION
        assert INDEX in _indexes(demo_db)
        assert check_database(store) == []
    finally:
        store.dispose()
