"""SPEC 8a: a wait for a lock is bounded the same way on SQLite and PostgreSQL, then one clear line.

Another connection holds the order (PostgreSQL: SELECT ... FOR UPDATE in an open transaction;
SQLite: an open write transaction); `hubtui orders status` / `orders pay` on that order gives up
after the bound (HUBTUI_LOCK_TIMEOUT_MS here, so the test need not wait 15 s) with the same
sentence on both stores, exit status 1, and nothing changed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timezone
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_writes import change_status
from hubtui.store import faults
from hubtui.store.engine import BUSY_TIMEOUT_MS, LOCK_TIMEOUT_ENV, Store
from tests.cli.helpers import assert_handled_error, clean_env, run
from tests.conftest import FIXED_NOW, LOGIN, fixed_clock

BOUND_MS = 1000
# A child `hubtui` spends 1-3 s starting; the default bound (15 s) must not fit in bound + margin.
MARGIN_S = 9.0
SAFETY_S = 40.0  # longer than any bound used here
PENDING = ("SELECT number FROM orders WHERE status = 'Incomplete' AND payment_status = 'Pending' AND order_total > 0 "
           "AND fraud_score < 70 ORDER BY id LIMIT 1")
STATE = ("SELECT o.status, o.payment_status, o.paid_total, o.version, "
         "(SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id), "
         "(SELECT COUNT(*) FROM activity a WHERE a.order_id = o.id) FROM orders o WHERE o.number = ")

COMMANDS = {
    "status": lambda number: ["orders", "status", number, "Approved"],
    "pay": lambda number: ["orders", "pay", number, "--method", "CardOverPhone", "--status", "Paid"],
}


# --------------------------------------------------------------------------- the two stores, one holder each


@pytest.fixture(scope="module")
def pg_template(postgres) -> str:  # type: ignore[no-untyped-def]
    """A PostgreSQL database with demo data, built once a module set-up; each test works on a
    copy of it. Work stealing can split this module across a worker's other modules, so the
    fixture may run again on the same server: the earlier template goes first."""
    with psycopg.connect(_plain(postgres.url("hubtui")), autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "lock_wait_template"')
    url = postgres.create_database("lock_wait_template")
    store = Store(url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW, login_name=LOGIN)
    store.dispose()
    return url


_copies = iter(range(1, 1000))


@pytest.fixture
def pg_db(postgres, pg_template: str) -> str:  # type: ignore[no-untyped-def]
    name = f"lock_wait_{next(_copies)}"
    with psycopg.connect(_plain(postgres.url("hubtui")), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE lock_wait_template')
    return postgres.url(name)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def pg_row_lock(url: str) -> Iterator[str]:
    """Another operator's transaction holding an Incomplete order's row (FOR UPDATE, not committed).

    Should the bound not work, the holder is ended after SAFETY_S, so the test fails on the time
    it measured instead of hanging."""
    holder = psycopg.connect(_plain(url))
    number = holder.execute(PENDING).fetchone()[0]
    holder.execute("SELECT id FROM orders WHERE number = %s FOR UPDATE", (number,))
    pid = holder.info.backend_pid

    def end_holder() -> None:
        with psycopg.connect(_plain(url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    safety = threading.Timer(SAFETY_S, end_holder)
    safety.start()
    try:
        yield number
    finally:
        safety.cancel()
        with suppress(psycopg.Error):
            holder.rollback()
        holder.close()


def pg_state(url: str, number: str) -> tuple:
    with psycopg.connect(_plain(url)) as reader:
        return reader.execute(STATE + "%s", (number,)).fetchone()


@pytest.fixture
def sqlite_db(demo_db: Path) -> Path:
    """A private copy of the SQLite demo database (tests/conftest.py)."""
    return demo_db


@contextmanager
def sqlite_write_lock(path: Path) -> Iterator[str]:
    """Another program's write transaction, open (SQLite locks the whole database for writing)."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        number = holder.execute(PENDING).fetchone()[0]
        holder.execute("BEGIN IMMEDIATE")  # holds the write lock until ROLLBACK
        try:
            yield number
        finally:
            holder.execute("ROLLBACK")
    finally:
        holder.close()


def sqlite_state(path: Path, number: str) -> tuple:
    with sqlite3.connect(path) as reader:
        return reader.execute(STATE + "?", (number,)).fetchone()


# --------------------------------------------------------------------------- the CLI


def _timed_cli(args: list[str], tmp_path: Path) -> tuple[float, object]:
    env = clean_env(tmp_path, **{LOCK_TIMEOUT_ENV: str(BOUND_MS)})
    started = time.monotonic()
    ran = run([*args, "--user", "alice"], env)
    return time.monotonic() - started, ran


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_row_lock_on_postgres_is_waited_for_only_so_long(command: str, pg_db: str, tmp_path: Path) -> None:
    with pg_row_lock(pg_db) as number:
        before = pg_state(pg_db, number)
        took, ran = _timed_cli([*COMMANDS[command](number), "--db", pg_db], tmp_path)
        assert_handled_error(ran, faults.LOCKED)
        assert BOUND_MS / 1000 <= took < BOUND_MS / 1000 + MARGIN_S, f"{command} took {took:.1f} s"
    assert pg_state(pg_db, number) == before
    # Once the other operator is done, the same command goes through.
    ran = run([*COMMANDS[command](number), "--db", pg_db, "--user", "alice"], clean_env(tmp_path))
    assert ran.code == 0, ran.explain()
    assert pg_state(pg_db, number) != before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_write_lock_on_sqlite_is_waited_for_only_so_long(command: str, sqlite_db: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{sqlite_db}"
    with sqlite_write_lock(sqlite_db) as number:
        before = sqlite_state(sqlite_db, number)
        took, ran = _timed_cli([*COMMANDS[command](number), "--db", url], tmp_path)
        assert_handled_error(ran, faults.LOCKED)
        assert BOUND_MS / 1000 <= took < BOUND_MS / 1000 + MARGIN_S, f"{command} took {took:.1f} s"
    assert sqlite_state(sqlite_db, number) == before
    ran = run([*COMMANDS[command](number), "--db", url, "--user", "alice"], clean_env(tmp_path))
    assert ran.code == 0, ran.explain()


def test_a_lock_timeout_that_is_not_a_number_is_refused_in_one_line(sqlite_db: Path, tmp_path: Path) -> None:
    ran = run(["orders", "list", "--db", f"sqlite:///{sqlite_db}", "--user", "alice"],
              clean_env(tmp_path, **{LOCK_TIMEOUT_ENV: "soon"}))
    assert_handled_error(ran, LOCK_TIMEOUT_ENV, "milliseconds")


# --------------------------------------------------------------------------- the services, timed closely


def _context(store: Store):  # type: ignore[no-untyped-def]
    return open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)


@pytest.mark.parametrize("change", ["status", "pay"])
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_wait_is_the_bound_on_both_stores(dialect: str, change: str,
                                              request: pytest.FixtureRequest) -> None:
    bound_ms = 400
    if dialect == "sqlite":
        path = request.getfixturevalue("sqlite_db")
        url, hold, state = f"sqlite:///{path}", sqlite_write_lock(path), lambda n: sqlite_state(path, n)
    else:
        url = request.getfixturevalue("pg_db")
        hold, state = pg_row_lock(url), lambda n: pg_state(url, n)
    store = Store(url, lock_timeout=bound_ms)
    ctx = _context(store)
    try:
        with hold as number:
            before = state(number)
            started = time.monotonic()
            with pytest.raises(OperationalError) as failed:
                if change == "status":
                    change_status(ctx, number, "Approved")
                else:
                    record_payment(ctx, number, PaymentDraft("CardOverPhone", "Paid"))
            took = time.monotonic() - started
        assert faults.fault_message(failed.value) == faults.LOCKED
        assert faults.one_line(failed.value) == faults.LOCKED
        assert bound_ms / 1000 <= took < bound_ms / 1000 + 1.5, f"waited {took:.2f} s for a {bound_ms} ms bound"
        assert state(number) == before
    finally:
        store.dispose()


def test_both_stores_get_the_same_default_bound_on_every_connection(pg_db: str, sqlite_db: Path,
                                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(LOCK_TIMEOUT_ENV, raising=False)
    assert BUSY_TIMEOUT_MS == 15_000
    sqlite_store, pg_store = Store(f"sqlite:///{sqlite_db}"), Store(pg_db)
    try:
        # Two connections at once: the pool's second one is set up too.
        with sqlite_store.engine.connect() as one, sqlite_store.engine.connect() as two:
            assert [c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in (one, two)] == [15000, 15000]
        with pg_store.engine.connect() as one, pg_store.engine.connect() as two:
            assert [c.execute(text("SHOW lock_timeout")).scalar() for c in (one, two)] == ["15s", "15s"]
        with pg_store.raw_read() as reader:
            assert reader.scalar("SHOW lock_timeout") == "15s"
    finally:
        sqlite_store.dispose()
        pg_store.dispose()
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "2500")
    sqlite_store, pg_store = Store(f"sqlite:///{sqlite_db}"), Store(pg_db)
    try:
        with sqlite_store.read_connection() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500
        with pg_store.read_connection() as connection:
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "2500ms"
    finally:
        sqlite_store.dispose()
        pg_store.dispose()


def test_options_in_a_postgres_url_are_kept_beside_the_bound(pg_db: str) -> None:
    store = Store(pg_db + "?options=-c%20statement_timeout%3D7000", lock_timeout=1234)
    try:
        with store.read_connection() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "7s"
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "1234ms"
    finally:
        store.dispose()


def test_the_classifier_knows_each_stores_lock_error() -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5  # type: ignore[attr-defined]
    assert faults.fault_message(busy) == faults.LOCKED
    assert faults.fault_message(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")) \
        == faults.LOCKED
    assert faults.fault_message(psycopg.errors.DeadlockDetected("deadlock detected")) == faults.LOCKED
    assert faults.fault_message(psycopg.errors.UniqueViolation("duplicate key")) is None
    # Wrapped, as SQLAlchemy raises it, or as the cause of another error.
    wrapped = OperationalError("UPDATE orders ...", {}, psycopg.errors.LockNotAvailable("lock timeout"))
    assert faults.fault_message(wrapped) == faults.LOCKED and "\n" not in faults.one_line(wrapped)
    try:
        try:
            raise wrapped
        except OperationalError as error:
            raise RuntimeError("while saving") from error
    except RuntimeError as outer:
        assert faults.fault_message(outer) == faults.LOCKED
