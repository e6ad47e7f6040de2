"""The store's foundations: migrations match the models, SQLite is set up as promised."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text
from sqlmodel import SQLModel

from hubtui.store import append_only
from hubtui.store import schema, tables  # noqa: F401
from hubtui.store.engine import Store
from hubtui.store.sequences import ORDER_NUMBERS, peek, take_next


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    schema.upgrade(store.engine)
    with store.engine.connect() as connection:
        opts = {"compare_type": True, "include_object": schema.include_object}
        differences = compare_metadata(MigrationContext.configure(connection, opts=opts), SQLModel.metadata)
    assert differences == []
    assert schema.current_revision(store.engine) == schema.head_revision()


def test_new_file_is_created_and_an_outdated_one_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    schema.ensure_current(store.engine)  # creates folder, file and schema
    assert (tmp_path / "sub" / "new.db").exists()
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    with pytest.raises(schema.SchemaOutdated, match="hubtui db upgrade"):
        schema.ensure_current(store.engine)


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    schema.ensure_current(store.engine)
    with store.read() as session:
        pragma = lambda name: session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def test_writes_begin_immediate_and_reads_do_not(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    schema.ensure_current(store.engine)
    statements: list[str] = []

    @event.listens_for(store.engine, "connect")
    def trace(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.set_trace_callback(statements.append)

    store.engine.dispose()
    with store.write() as session:
        session.execute(text("SELECT 1"))
    with store.read() as session:
        session.execute(text("SELECT 2"))
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_a_write_transaction_holds_the_lock_from_its_first_read(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer cannot start while the first is open."""
    path = tmp_path / "lock.db"
    store = Store(f"sqlite:///{path}")
    schema.ensure_current(store.engine)
    with store.write() as session:
        session.execute(text("SELECT COUNT(*) FROM orders"))
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    schema.ensure_current(store.engine)
    with pytest.raises(RuntimeError):
        with store.write() as session:
            take_next(session, ORDER_NUMBERS)
            raise RuntimeError("boom")
    with store.write() as session:
        assert peek(session, ORDER_NUMBERS) == 0
        assert take_next(session, ORDER_NUMBERS) == 1
        assert take_next(session, ORDER_NUMBERS, 5) == 2
        assert peek(session, ORDER_NUMBERS) == 6


def _tallies_and_recount(store: Store) -> tuple[list, list]:  # type: ignore[type-arg]
    with store.read() as session:
        tallies = session.execute(text(
            "SELECT org_id, microsite_id, status, payment_status, order_type, high_risk, n FROM order_tallies "
            "WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6")).all()
        recount = session.execute(text(
            "SELECT org_id, microsite_id, status, payment_status, order_type, fraud_score >= 70, COUNT(*) FROM orders "
            "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6")).all()
    return tallies, recount


def test_demo_tallies_match_a_recount(demo_store: Store) -> None:
    tallies, recount = _tallies_and_recount(demo_store)
    assert tallies == recount
    assert sum(r[-1] for r in tallies) == 2000


def test_tally_triggers_follow_updates_and_deletes(demo_store: Store) -> None:
    with demo_store.write() as session:
        session.execute(text("UPDATE orders SET status = 'Cancelled', fraud_score = 95 WHERE id % 7 = 0"))
        append_only.drop(session.connection())  # removing orders means lifting the log's protection first
        session.execute(text("DELETE FROM activity WHERE order_id IN (SELECT id FROM orders WHERE id % 11 = 0)"))
        session.execute(text("DELETE FROM return_lines WHERE rma_id IN (SELECT id FROM returns WHERE order_id % 11 = 0)"))
        session.execute(text("DELETE FROM activity WHERE rma_id IN (SELECT id FROM returns WHERE order_id % 11 = 0)"))
        session.execute(text("DELETE FROM refunds WHERE order_id % 11 = 0"))
        session.execute(text("DELETE FROM returns WHERE order_id % 11 = 0"))
        for child in ("order_lines", "payments", "order_discounts", "attachments"):
            session.execute(text(f"DELETE FROM {child} WHERE order_id IN (SELECT id FROM orders WHERE id % 11 = 0)"))
        session.execute(text("DELETE FROM orders WHERE id % 11 = 0"))
    tallies, recount = _tallies_and_recount(demo_store)
    assert tallies == recount


def test_text_tally_triggers_follow_updates_and_deletes(demo_store: Store) -> None:
    """Hand-written SQL (no service) moves orders between customers, post codes, statuses and
    organisations, and deletes some: order_text_tallies stays a recount, with no row at zero."""
    key = ("org_id, customer_email, customer_name_key, shipping_postcode_key, microsite_id, status, "
           "payment_status, order_type")

    def tallies_and_recount() -> tuple[list, list]:  # type: ignore[type-arg]
        with demo_store.read() as session:
            kept = session.execute(text(
                f"SELECT {key}, high_risk, n FROM order_text_tallies ORDER BY {key}, high_risk")).all()
            recount = session.execute(text(
                f"SELECT {key}, fraud_score >= 70, COUNT(*) FROM orders GROUP BY {key}, fraud_score >= 70 "
                f"ORDER BY {key}, fraud_score >= 70")).all()
        return kept, recount

    kept, recount = tallies_and_recount()
    assert kept == recount and sum(r[-1] for r in kept) == 2000
    with demo_store.write() as session:
        session.execute(text("UPDATE orders SET customer_email = 'moved@example.com' WHERE id % 5 = 0"))
        session.execute(text("UPDATE orders SET customer_name_key = 'ann other', shipping_postcode_key = 'ZZ11ZZ' "
                             "WHERE id % 7 = 0"))
        session.execute(text("UPDATE orders SET status = 'Cancelled', fraud_score = 95 WHERE id % 3 = 0"))
        session.execute(text("UPDATE orders SET fraud_score = fraud_score + 1 WHERE id % 4 = 0"))  # risk unchanged
        session.execute(text("UPDATE orders SET microsite_id = (SELECT MIN(id) FROM microsites m "
                             "WHERE m.org_id = orders.org_id) WHERE id % 6 = 0"))
    kept, recount = tallies_and_recount()
    assert kept == recount
    with demo_store.write() as session:
        append_only.drop(session.connection())  # removing orders means lifting the log's protection first
        session.execute(text("DELETE FROM activity WHERE rma_id IS NOT NULL OR order_id % 2 = 0"))
        for table in ("return_lines", "refunds", "returns"):
            session.execute(text(f"DELETE FROM {table}"))
        for child in ("order_lines", "payments", "order_discounts", "attachments"):
            session.execute(text(f"DELETE FROM {child} WHERE order_id % 2 = 0"))
        session.execute(text("DELETE FROM orders WHERE id % 2 = 0"))
    kept, recount = tallies_and_recount()
    assert kept == recount and sum(r[-1] for r in kept) == 1000


def test_the_startup_head_constant_is_alembics_head() -> None:
    assert schema.HEAD_REVISION == schema.head_revision()
