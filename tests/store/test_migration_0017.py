"""Revision 0017 on a database made by 0016: the character tallies are added and filled from the
orders already stored, and dropped by a downgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.services.db_check import check_database
from hubtui.store import char_tally, schema
from hubtui.store.engine import Store


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as con:
        return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def _held(path: Path, char: str) -> tuple[int, int]:
    """Orders holding `char` by the tally, and by testing every order."""
    with closing(sqlite3.connect(path)) as con:
        kept = con.execute(f"SELECT SUM({char_tally.column_of(char)}) FROM order_char_tallies").fetchone()[0]
        counted = con.execute(f"SELECT SUM({char_tally.holds_sql(char, 'orders', 'sqlite')}) FROM orders").fetchone()[0]
    return kept, counted


def test_down_to_0016_and_up_again(demo_db: Path) -> None:
    made = {char_tally.TABLE, char_tally.DAY_TABLE, *char_tally.ALL_TIME.names, *char_tally.DAYS.names}
    store = Store(f"sqlite:///{demo_db}")
    try:
        assert made <= _tables(demo_db)
        with store.engine.begin() as connection:
            command.downgrade(schema._config(connection), "0016")
        assert not made & _tables(demo_db)
        assert schema.upgrade(store.engine) == schema.HEAD_REVISION
        assert made <= _tables(demo_db)
        for char in "e2w":
            kept, counted = _held(demo_db, char)
            assert kept == counted > 0, char
        assert check_database(store) == []
    finally:
        store.dispose()
