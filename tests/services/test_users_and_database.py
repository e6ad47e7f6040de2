"""The users service (who may add whom) and database.info."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from hubtui.domain.errors import PermissionDenied
from hubtui.services import database
from hubtui.services.context import open_context
from hubtui.services.demo import DEMO_USERS
from hubtui.services.errors import InvalidInput, UnknownUser
from hubtui.services.users import UserView, add_user, list_users
from hubtui.store.engine import Store

from .support import Catalog, Sql, place
from tests.conftest import LOGIN


def user_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as con:
        return list(con.execute("SELECT name, role FROM users ORDER BY name"))


def store_path(store: Store) -> Path:
    return Path(store.engine.url.database)


def test_first_user_needs_no_actor_then_only_an_admin(empty_store: Store) -> None:
    path = store_path(empty_store)
    first = add_user(empty_store, None, "root", "admin", full_name="Root User")
    assert first == UserView("root", "admin", "Root User", None, True)
    assert user_rows(path) == [("root", "admin")]

    with pytest.raises(UnknownUser):
        add_user(empty_store, None, "bob", "agent")
    with pytest.raises(UnknownUser):
        add_user(empty_store, "nobody", "bob", "agent")
    assert user_rows(path) == [("root", "admin")]

    add_user(empty_store, "root", "bob", "agent")
    add_user(empty_store, "root", "sue", "supervisor")
    for actor in ("bob", "sue"):
        with pytest.raises(PermissionDenied):
            add_user(empty_store, actor, "eve", "admin")
    assert user_rows(path) == [("bob", "agent"), ("root", "admin"), ("sue", "supervisor")]
    assert [(u.name, u.role, u.active) for u in list_users(empty_store)] == [
        ("bob", "agent", True), ("root", "admin", True), ("sue", "supervisor", True),
    ]


def test_duplicate_name_is_refused(empty_store: Store) -> None:
    add_user(empty_store, None, "root", "admin")
    with pytest.raises(InvalidInput) as refused:
        add_user(empty_store, "root", "root", "agent")
    assert refused.value.field == "name"
    assert user_rows(store_path(empty_store)) == [("root", "admin")]


@pytest.mark.parametrize("role", ["", "Admin", "superuser", "agent ", "AGENT"])
def test_bad_role_is_refused(role: str, empty_store: Store) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_user(empty_store, None, "root", role)
    assert refused.value.field == "role"
    assert user_rows(store_path(empty_store)) == []


@pytest.mark.parametrize(
    "name", ["", "Bob", "a b", "-bob", ".bob", "bob!", "x" * 65, "bøb", "bob/../x"],
    ids=["empty", "upper", "space", "dash", "dot", "bang", "65-long", "non-ascii", "slash"],
)
def test_bad_name_is_refused(name: str, empty_store: Store) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_user(empty_store, None, name, "agent")
    assert refused.value.field == "name"
    assert user_rows(store_path(empty_store)) == []


@pytest.mark.parametrize("name", ["a", "x" * 64, "j.smith", "j_smith-2", "0perator"], ids=["a", "64-long", "dot", "mixed", "digit"])
def test_good_names_are_accepted(name: str, empty_store: Store) -> None:
    add_user(empty_store, None, name, "agent")
    assert user_rows(store_path(empty_store)) == [(name, "agent")]


def test_name_with_a_trailing_newline_is_refused(empty_store: Store) -> None:
    try:
        with pytest.raises(InvalidInput):
            add_user(empty_store, None, "bob\n", "agent")
    finally:
        assert user_rows(store_path(empty_store)) == []


def test_admin_adds_a_user_to_an_organisation(demo_store: Store, sql: Sql) -> None:
    added = add_user(demo_store, "admin", "newbie", "agent", org_code="bfix")
    assert added.default_org == "BFIX"
    assert sql.one("SELECT u.role, o.code FROM users u JOIN organisations o ON o.id = u.default_org_id "
                   "WHERE u.name = 'newbie'")[:] == ("agent", "BFIX")
    assert open_context(demo_store, "newbie").operator.org_code == "BFIX"
    with pytest.raises(InvalidInput) as refused:
        add_user(demo_store, "admin", "other", "agent", org_code="NOPE")
    assert refused.value.field == "org"
    assert sql.scalar("SELECT COUNT(*) FROM users WHERE name = 'other'") == 0
    with pytest.raises(PermissionDenied):
        add_user(demo_store, "sam", "other", "agent")


def test_a_deactivated_admin_may_not_add_users(demo_store: Store, sql: Sql) -> None:
    sql.execute("UPDATE users SET active = 0 WHERE name = 'admin'")
    with pytest.raises(UnknownUser):
        open_context(demo_store, "admin")
    try:
        with pytest.raises((UnknownUser, PermissionDenied)):
            add_user(demo_store, "admin", "sneaky", "admin")
    finally:
        assert sql.scalar("SELECT COUNT(*) FROM users WHERE name = 'sneaky'") == 0


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        return {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in SQLModel.metadata.tables}


def test_info_of_the_demo(demo_store: Store, demo_db: Path, context_for, catalog: Catalog) -> None:
    info = database.info(demo_store)
    assert info.dialect == "sqlite"
    assert info.revision == info.head and info.up_to_date
    assert info.revision == sqlite3.connect(demo_db).execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert info.row_counts == table_counts(demo_db)
    assert info.row_counts["orders"] == 2000
    assert info.row_counts["users"] == len({name for name, _, _ in DEMO_USERS} | {LOGIN})  # and who loaded it
    assert info.row_counts["organisations"] == 2

    place(context_for("alice"), catalog, n_lines=3)
    after = database.info(demo_store)
    assert after.row_counts["orders"] == 2001
    assert after.row_counts["order_lines"] == info.row_counts["order_lines"] + 3
    assert after.row_counts["activity"] == info.row_counts["activity"] + 1
    assert after.row_counts == table_counts(demo_db)


def test_info_of_an_empty_schema_and_of_no_schema(empty_store: Store, tmp_path: Path) -> None:
    info = database.info(empty_store)
    assert info.up_to_date
    assert set(info.row_counts) == set(SQLModel.metadata.tables)
    assert set(info.row_counts.values()) == {0}
    assert not database.has_orders(empty_store) and not database.has_organisations(empty_store)

    bare = Store(f"sqlite:///{tmp_path / 'bare.db'}")
    try:
        nothing = database.info(bare)
        assert (nothing.revision, nothing.row_counts, nothing.up_to_date) == (None, {}, False)
        assert nothing.head == info.head
    finally:
        bare.dispose()


def test_info_hides_a_password() -> None:
    assert database.safe_url("postgresql://hub:secret@db.example/hub") == "postgresql://hub:***@db.example/hub"
