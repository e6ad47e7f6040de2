"""SPEC 8 on PostgreSQL: memberships choose the organisation, refusals are written down,
and the activity log and the refusals refuse UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

from datetime import timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hubtui.domain.errors import PermissionDenied
from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.users import add_user
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW


@pytest.fixture
def store(pg_url: str) -> Store:
    store = Store(pg_url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW, login_name="admin")
    return store


def _rows(store: Store, table: str) -> list:  # type: ignore[type-arg]
    with store.read() as session:
        return session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()


def test_memberships_and_refusals_on_postgres(store: Store) -> None:
    add_user(store, "admin", "bob", "agent", member_of=("BTOOLS",))
    assert open_context(store, "bob", tz=timezone.utc).operator.org_code == "BTOOLS"
    with pytest.raises(PermissionDenied, match="bob does not belong to BFIX"):
        open_context(store, "bob", "BFIX", login="bob", tz=timezone.utc)
    with pytest.raises(PermissionDenied, match="'bob' may not act as 'admin'"):
        open_context(store, "admin", login="bob", tz=timezone.utc)
    assert [(r.login, r.user_name, r.org_code, r.action) for r in _rows(store, "refusals")] == [
        ("bob", "bob", "BFIX", "sign in"), ("bob", "admin", "", "sign in")]


@pytest.mark.parametrize("table", ["activity", "refusals"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET user_name = 'someone-else'", "DELETE FROM {table}",
                                       "TRUNCATE {table} CASCADE"])
def test_the_logs_are_append_only_on_postgres(store: Store, table: str, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        open_context(store, "admin", login="alice", tz=timezone.utc)
    before = _rows(store, table)
    assert before
    with pytest.raises(DBAPIError, match="append-only"):
        with store.write() as session:
            session.execute(text(statement.format(table=table)))
    assert _rows(store, table) == before
