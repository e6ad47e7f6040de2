"""Revision 0016 on a database made by 0015: the orders' placed index is widened by the columns a
walk tests and groups by, and narrowed again by a downgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.services.db_check import check_database
from hubtui.store import schema
from hubtui.store.engine import Store
from hubtui.store.tables import PLACED_INDEX_COLUMNS


def _columns(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as con:
        return [row[2] for row in con.execute("PRAGMA index_info(ix_orders_org_placed)")]


def test_down_to_0015_and_up_again(demo_db: Path) -> None:
    store = Store(f"sqlite:///{demo_db}")
    try:
        assert _columns(demo_db) == list(PLACED_INDEX_COLUMNS)
        with store.engine.begin() as connection:
            command.downgrade(schema._config(connection), "0015")
        assert _columns(demo_db) == ["org_id", "placed_at", "id"]
        assert schema.upgrade(store.engine) == schema.HEAD_REVISION
        assert _columns(demo_db) == list(PLACED_INDEX_COLUMNS)
        assert check_database(store) == []
    finally:
        store.dispose()
