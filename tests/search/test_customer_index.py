"""The customers' trigram table stays exactly the searchable values of the customers.

Every way customers arrive (the demo, the services, hand-written SQL, the bulk loader, an
upgrade of an older file) goes through the triggers or a rebuild; a recount from customers
and companies with plain SQL is the oracle.
"""

from __future__ import annotations

import sqlite3
from datetime import timezone
from pathlib import Path

import pytest
from alembic import command

from hubtui.services.catalogue import search_customers
from hubtui.services.context import open_context
from hubtui.store import schema
from hubtui.store.bulk import BulkLoader
from hubtui.store.engine import Store
from tests.services.support import Sql, fixed_clock

RECOUNT = (
    "SELECT c.id, c.email, c.phone_key, c.first_name_key, c.last_name_key, COALESCE(co.name_key, '') "
    "FROM customers c LEFT JOIN companies co ON co.id = c.company_id"
)
TRIGGERS = {"customers_fts_insert", "customers_fts_update", "customers_fts_delete", "companies_fts_rename"}
COLUMNS = ("org_id", "email", "first_name", "last_name", "first_name_key", "last_name_key", "phone", "phone_key",
           "line1", "line2", "city", "postcode", "country", "created_at")


def indexed(sql: Sql) -> set[tuple]:  # type: ignore[type-arg]
    return {tuple(r) for r in sql.rows("SELECT rowid, email, phone, first_name, last_name, company FROM customers_fts")}


def recount(sql: Sql) -> set[tuple]:  # type: ignore[type-arg]
    return {tuple(r) for r in sql.rows(RECOUNT)}


def assert_customer_index_complete(sql: Sql) -> None:
    """The table holds every customer's current values, FTS5's own check passes, and the
    triggers that keep it so are in place."""
    assert indexed(sql) == recount(sql)
    sql.execute("INSERT INTO customers_fts (customers_fts) VALUES ('integrity-check')")
    assert {r[0] for r in sql.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")} >= TRIGGERS


def fts_ids(sql: Sql, needle: str) -> set[int]:
    phrase = '"' + needle.replace('"', '""') + '"'
    return {r[0] for r in sql.rows("SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?", (phrase,))}


def test_the_demo_load_indexes_every_customer(demo_db: Path) -> None:
    sql = Sql(demo_db)
    assert_customer_index_complete(sql)
    assert len(indexed(sql)) == sql.scalar("SELECT COUNT(*) FROM customers") == 300
    with_company = {r[0] for r in sql.rows("SELECT id FROM customers WHERE company_id IS NOT NULL")}
    assert fts_ids(sql, " ltd") == with_company and with_company


def test_a_new_file_gets_the_table_and_its_triggers(empty_store: Store, tmp_path: Path) -> None:
    sql = Sql(tmp_path / "empty.db")
    assert indexed(sql) == set()
    assert_customer_index_complete(sql)


def test_hand_written_sql_keeps_the_index(demo_db: Path) -> None:
    sql = Sql(demo_db)
    org = sql.org_id("BTOOLS")
    sql.execute(f"INSERT INTO customers ({', '.join(COLUMNS)}) VALUES (?, 'h.w@example.org', 'Hand', 'Written', "
                "'hand', 'written', '', '0123456789', '', '', '', '', 'GB', '2026-11-01 10:00:00.000000')", (org,))
    new = sql.scalar("SELECT id FROM customers WHERE email = 'h.w@example.org'")
    company = sql.scalar("SELECT id FROM companies WHERE org_id = ? ORDER BY id LIMIT 1", (org,))
    sql.execute("UPDATE customers SET company_id = ?, first_name_key = 'handy' WHERE id = ?", (company, new))
    sql.execute("UPDATE companies SET name_key = 'renamed & co' WHERE id = ?", (company,))
    assert new in fts_ids(sql, "renamed & co") and new in fts_ids(sql, "andy")
    gone = sql.scalar("SELECT id FROM customers WHERE org_id = ? AND id NOT IN (SELECT customer_id FROM orders "
                      "WHERE customer_id IS NOT NULL) ORDER BY id LIMIT 1", (org,))
    sql.execute("DELETE FROM customers WHERE id = ?", (gone,))
    assert_customer_index_complete(sql)


def _bulk_customers(org: int, n: int, loader: BulkLoader) -> list[tuple]:  # type: ignore[type-arg]
    at = loader.timestamp(1_764_000_000)
    return [(org, f"bulk.{i}@loader.example", "Bulk", f"Loaded{i}", "bulk", f"loaded{i}", "", f"0113496{i:04d}",
             "1 Road", "", "Leeds", "LS1 1AA", "GB", at) for i in range(n)]


def _bulk_row_tail() -> tuple:  # type: ignore[type-arg]
    return ("After", "Load", "after", "load", "", "0113490000", "1 Road", "", "Leeds", "LS1 1AA", "GB",
            "2026-11-01 10:00:00.000000")


def test_the_bulk_loader_rebuilds_the_table_once(demo_db: Path) -> None:
    sql = Sql(demo_db)
    org = sql.org_id("BTOOLS")
    store = Store(f"sqlite:///{demo_db}")
    with BulkLoader(store) as loader:
        loader.insert("customers", COLUMNS, _bulk_customers(org, 500, loader))
        # Mid-load the sync triggers are gone: no row is indexed one at a time.
        con = loader._cursor  # noqa: SLF001 - the loader's own transaction
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'customers_fts_insert'").fetchall()
    assert_customer_index_complete(sql)
    assert len(fts_ids(sql, "loader.example")) == 500
    found = search_customers(open_context(store, "alice", clock=fixed_clock, tz=timezone.utc), "aded49")
    assert {c.email for c in found} >= {"bulk.49@loader.example", "bulk.499@loader.example"}
    sql.execute(f"INSERT INTO customers ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                (org, "after.load@example.com") + _bulk_row_tail())
    assert "after.load@example.com" in {r[1] for r in indexed(sql)}  # the triggers came back
    assert_customer_index_complete(sql)
    store.dispose()


def test_a_failed_bulk_load_leaves_the_index_as_it_was(demo_db: Path) -> None:
    sql = Sql(demo_db)
    before = indexed(sql)
    store = Store(f"sqlite:///{demo_db}")
    with pytest.raises(RuntimeError):
        with BulkLoader(store) as loader:
            loader.insert("customers", COLUMNS, _bulk_customers(sql.org_id("BTOOLS"), 50, loader))
            raise RuntimeError("the file ended early")
    store.dispose()
    assert indexed(sql) == before
    assert_customer_index_complete(sql)


def _at_revision(path: Path, template: Path, revision: str) -> Store:
    """A file created by `revision`, holding the demo template's customers (copied with SQL)."""
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        command.upgrade(schema._config(connection), revision)
    store.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("ATTACH DATABASE ? AS template", (str(template),))
    con.execute("BEGIN")
    for table in ("organisations", "microsites", "org_channels", "org_settings", "users", "companies", "customers"):
        con.execute(f"INSERT INTO main.{table} SELECT * FROM template.{table}")
    con.execute("COMMIT")
    con.close()
    return store


def test_upgrade_from_0003_indexes_the_customers_and_downgrade_removes_it(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "0003.db"
    store = _at_revision(path, demo_template, "0003")
    sql = Sql(path)
    assert not sql.rows("SELECT name FROM sqlite_master WHERE name LIKE 'customers_fts%'")

    assert schema.upgrade(store.engine) == schema.head_revision()
    ctx = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    assert_customer_index_complete(sql)
    assert len(indexed(sql)) == 300
    assert [c.email for c in search_customers(ctx, "williams32")] == \
        [sql.scalar("SELECT email FROM customers WHERE org_id = ? AND email LIKE '%williams32@%'",
                    (sql.org_id("BTOOLS"),))]

    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0003")
    assert not sql.rows("SELECT name FROM sqlite_master WHERE name LIKE 'customers_fts%' "
                        "OR name = 'companies_fts_rename'")
    sql.execute("UPDATE customers SET email = 'after.downgrade@example.com' WHERE id = 3")  # no trigger left to fail
    schema.upgrade(store.engine)
    assert_customer_index_complete(sql)
    store.dispose()
