"""SPEC 8 identity and organisation rules as a matrix, refusals written down, and the logs
append-only: against a real SQLite file through the services."""

from __future__ import annotations

import sqlite3
from datetime import timezone

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.services.context import open_context
from hubtui.services.errors import NotFound, UnknownUser
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_writes import add_note
from hubtui.services.users import add_user
from hubtui.store.engine import Store

from .support import Sql


def _refusals(sql: Sql) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(r) for r in sql.rows("SELECT login, user_name, org_code, action, subject, reason FROM refusals "
                                       "ORDER BY id")]


def _sign_in(store: Store, user: str, org: str | None = None, **identity):  # type: ignore[no-untyped-def]
    return open_context(store, user, org, tz=timezone.utc, **identity)


@pytest.fixture
def bob(demo_store: Store) -> str:
    """An agent who belongs to BTOOLS only."""
    add_user(demo_store, "admin", "bob", "agent", member_of=("BTOOLS",))
    return "bob"


# who may act as whom: (login, acting as, vouched) -> allowed
IDENTITY_MATRIX = [
    ("alice", "alice", False, True),  # themselves
    ("admin", "alice", False, True),  # an admin login may act as anyone
    ("alice", "admin", False, False),  # an agent may not become an admin
    ("wendy", "alice", False, False),  # nor may a warehouse login become an agent
    ("sam", "alice", False, False),  # a supervisor is not an admin
    ("mallory", "alice", False, False),  # a login hubtui does not know
    ("", "alice", False, False),  # a process without a login name
    ("mallory", "alice", True, True),  # an administrator's config file names alice
]


@pytest.mark.parametrize(("login", "user", "vouched", "allowed"), IDENTITY_MATRIX)
def test_who_may_act_as_whom(demo_store: Store, sql: Sql, login: str, user: str, vouched: bool, allowed: bool) -> None:
    if allowed:
        ctx = _sign_in(demo_store, user, login=login, vouched=vouched)
        assert ctx.operator.user_name == user
        assert ctx.operator.login == ("" if login == user else login)
        assert _refusals(sql) == []
        return
    with pytest.raises(PermissionDenied, match=f"may not act as '{user}'"):
        _sign_in(demo_store, user, login=login, vouched=vouched)
    [(who, as_whom, _org, action, _subject, reason)] = _refusals(sql)
    assert (who, as_whom, action) == (login, user, "sign in") and "only an admin may" in reason


def test_an_unknown_user_is_not_a_refusal_to_audit_but_an_error(demo_store: Store) -> None:
    with pytest.raises(UnknownUser, match="Unknown user 'nobody'"):
        _sign_in(demo_store, "nobody", login="nobody")


@pytest.mark.parametrize(("org", "expected"), [(None, "BTOOLS"), ("BTOOLS", "BTOOLS"), ("btools", "BTOOLS"),
                                               ("BFIX", None)])
def test_org_chooses_only_among_the_users_organisations(demo_store: Store, sql: Sql, bob: str, org: str | None,
                                                       expected: str | None) -> None:
    if expected:
        assert _sign_in(demo_store, bob, org, login=bob).operator.org_code == expected
        assert _refusals(sql) == []
        return
    with pytest.raises(PermissionDenied, match="bob does not belong to BFIX; choose one of BTOOLS"):
        _sign_in(demo_store, bob, org, login=bob)
    [(login, user, org_code, action, _subject, _reason)] = _refusals(sql)
    assert (login, user, org_code, action) == ("bob", "bob", "BFIX", "sign in")


def test_an_admin_acting_as_someone_keeps_to_their_organisations(demo_store: Store, bob: str) -> None:
    with pytest.raises(PermissionDenied, match="does not belong to BFIX"):
        _sign_in(demo_store, bob, "BFIX", login="admin")
    assert _sign_in(demo_store, "alice", "BFIX", login="admin").operator.org_code == "BFIX"


def test_an_unknown_organisation_is_said_so(demo_store: Store) -> None:
    with pytest.raises(NotFound, match="Unknown organisation 'NOPE'"):
        _sign_in(demo_store, "alice", "NOPE")


def test_the_default_organisation_is_used_only_when_a_member(demo_store: Store, sql: Sql) -> None:
    add_user(demo_store, "admin", "fixer", "agent", member_of=("BFIX",), org_code=None)
    assert _sign_in(demo_store, "fixer").operator.org_code == "BFIX"
    add_user(demo_store, "admin", "nowhere", "agent", member_of=("BFIX",), org_code="BTOOLS")
    # --default-org makes them a member of it too
    assert _sign_in(demo_store, "nowhere").operator.org_code == "BTOOLS"
    assert _sign_in(demo_store, "nowhere", "BFIX").operator.org_code == "BFIX"


def test_a_user_added_without_organisations_belongs_to_every_one(demo_store: Store) -> None:
    add_user(demo_store, "admin", "everywhere", "supervisor")
    assert {_sign_in(demo_store, "everywhere", code).operator.org_code for code in ("BTOOLS", "BFIX")} == {
        "BTOOLS", "BFIX"}


def test_only_an_admin_login_adds_users_and_the_attempt_is_written_down(demo_store: Store, sql: Sql) -> None:
    with pytest.raises(PermissionDenied, match="'alice' may not act as 'admin'"):
        add_user(demo_store, "admin", "eve", "admin", login="alice")
    with pytest.raises(PermissionDenied):
        add_user(demo_store, "alice", "eve", "admin", login="alice")  # herself, but an agent
    assert sql.scalar("SELECT COUNT(*) FROM users WHERE name = 'eve'") == 0
    assert [(r[0], r[1], r[3], r[4]) for r in _refusals(sql)] == [
        ("alice", "admin", "add user", "eve"), ("alice", "alice", "add user", "eve")]
    add_user(demo_store, "admin", "eve", "agent", login="admin")
    assert sql.scalar("SELECT COUNT(*) FROM users WHERE name = 'eve'") == 1


def test_a_refused_write_changes_nothing_and_is_written_down(demo_store: Store, sql: Sql) -> None:
    wendy = _sign_in(demo_store, "wendy", login="wendy")
    number = sql.scalar("SELECT number FROM orders WHERE payment_status = 'Pending' AND status = 'Incomplete' "
                        "ORDER BY id LIMIT 1")
    def money_and_log() -> tuple[list, list]:  # type: ignore[type-arg]
        return ([tuple(r) for r in sql.rows("SELECT * FROM payments ORDER BY id")],
                [tuple(r) for r in sql.rows("SELECT * FROM activity ORDER BY id")])

    before = money_and_log()
    with pytest.raises(PermissionDenied):
        record_payment(wendy, number, PaymentDraft(method="CardOverPhone", status="Paid", amount=100,
                                                          reference="AUTH1"))
    assert money_and_log() == before
    [(login, user, org, action, subject, reason)] = _refusals(sql)
    assert (login, user, org, action, subject) == ("wendy", "wendy", "BTOOLS", "record payment", number)
    assert "payment" in reason.lower()


def test_an_allowed_write_writes_no_refusal(demo_store: Store, sql: Sql) -> None:
    number = sql.scalar("SELECT number FROM orders ORDER BY id LIMIT 1")
    add_note(_sign_in(demo_store, "wendy", login="wendy"), number, "Checked the parcel")
    assert _refusals(sql) == []


@pytest.mark.parametrize("table", ["activity", "refusals"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET user_name = 'someone-else'", "DELETE FROM {table}"])
def test_the_logs_refuse_updates_and_deletes(demo_store: Store, sql: Sql, table: str, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        _sign_in(demo_store, "admin", login="alice")  # at least one refusal row
    before = [tuple(r) for r in sql.rows(f"SELECT * FROM {table} ORDER BY id")]
    assert before
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        sql.execute(statement.format(table=table))
    assert [tuple(r) for r in sql.rows(f"SELECT * FROM {table} ORDER BY id")] == before
