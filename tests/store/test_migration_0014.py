"""Revision 0014 on a database made by 0013: the month text tallies are filled from the orders
already stored and kept by triggers from then on; a downgrade takes them away again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.services.db_check import check_database
from hubtui.store import schema
from hubtui.store.engine import Store
from tests.services.support import Sql
from tests.services.test_tallies import assert_month_tallies_match


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as con:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def test_down_to_0013_and_up_again_refills_the_month_tallies(demo_db: Path) -> None:
    store = Store(f"sqlite:///{demo_db}")
    try:
        with store.engine.begin() as connection:
            command.downgrade(schema._config(connection), "0013")
        assert not {name for name in _tables(demo_db) if "month_tall" in name}
        Sql(demo_db).execute("UPDATE orders SET status = 'OnHold' WHERE id IN (SELECT id FROM orders LIMIT 5)")
        assert schema.upgrade(store.engine) == schema.HEAD_REVISION
        assert {"order_text_month_tallies", "orders_text_month_tally_insert"} <= _tables(demo_db)
        assert_month_tallies_match(Sql(demo_db))
        Sql(demo_db).execute("UPDATE orders SET placed_at = '2026-01-15 09:00:00.000000' WHERE id IN "
                             "(SELECT id FROM orders ORDER BY id DESC LIMIT 5)")  # moved to another month
        assert_month_tallies_match(Sql(demo_db))
        assert check_database(store) == []
    finally:
        store.dispose()
