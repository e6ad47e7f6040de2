"""Revision 0006 on a database made by 0005: every existing user may go on acting in every
organisation (as before the memberships existed), the refusals table and the append-only
triggers come with it, and a downgrade takes them away again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command

from hubtui.store import schema
from hubtui.store.engine import Store


def _at_0005_with_users(path: Path, template: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        command.upgrade(schema._config(connection), "0005")
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("ATTACH DATABASE ? AS template", (str(template),))
        con.execute("BEGIN")
        for table in ("organisations", "users"):
            con.execute(f"INSERT INTO main.{table} SELECT * FROM template.{table}")
        con.execute("COMMIT")
    return store


def _rows(path: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(path)) as con:
        return con.execute(query).fetchall()


def test_upgrade_to_0006_keeps_every_user_acting_everywhere(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "0005.db"
    store = _at_0005_with_users(path, demo_template)
    users = _rows(path, "SELECT id FROM users ORDER BY id")
    organisations = _rows(path, "SELECT id FROM organisations ORDER BY id")
    assert len(users) >= 5 and len(organisations) == 2

    assert schema.upgrade(store.engine) == schema.HEAD_REVISION
    assert _rows(path, "SELECT user_id, org_id FROM user_organisations ORDER BY user_id, org_id") == [
        (u, o) for (u,) in users for (o,) in organisations]
    assert _rows(path, "SELECT COUNT(*) FROM refusals") == [(0,)]
    with closing(sqlite3.connect(path)) as con, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("INSERT INTO activity (org_id, at, user_name, action, summary) "
                    "VALUES (1, '2026-11-30 12:00:00', 'alice', 'note', 'kept')")
        con.commit()
        con.execute("DELETE FROM activity")

    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0005")
    names = {name for (name,) in _rows(path, "SELECT name FROM sqlite_master")}
    assert not names & {"user_organisations", "refusals", "activity_no_update", "activity_no_delete"}
    store.dispose()
