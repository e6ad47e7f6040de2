"""Revisions 0002 to 0005 on a database made by revision 0001: `hubtui db upgrade` fills the terms,
indexes the customers and counts the orders per customer (order_text_tallies); 0005 on its own,
from a database at 0004, and back."""

from __future__ import annotations

import sqlite3
from datetime import timezone
from pathlib import Path

from alembic import command

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services.context import open_context
from hubtui.services.order_reads import count_orders, list_orders, quick_filter_counts
from hubtui.store import schema
from hubtui.store.engine import Store
from tests.services.support import Sql, facts, fixed_clock, walk

from tests.services.test_tallies import assert_text_tallies_match

from .oracle import text_oracle
from .test_customer_index import assert_customer_index_complete
from .test_search_terms import assert_index_consistent, recount, terms

COPIED = ("organisations", "microsites", "org_channels", "org_settings", "users", "companies", "customers", "orders")
SEARCHED_INDEXES = {
    "ix_orders_org_email": "customer_email",
    "ix_orders_org_name": "customer_name_key",
    "ix_orders_org_postcode": "shipping_postcode_key",
}


def _at_0001_with_orders(path: Path, template: Path) -> Store:
    """A file created by revision 0001, holding the demo template's orders (copied with SQL)."""
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        command.upgrade(schema._config(connection), "0001")
    store.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("ATTACH DATABASE ? AS template", (str(template),))
    con.execute("BEGIN")
    for table in COPIED:
        con.execute(f"INSERT INTO main.{table} SELECT * FROM template.{table}")
    con.execute("COMMIT")
    con.close()
    return store


def _index_columns(sql: Sql, name: str) -> list[str]:
    return [r["name"] for r in sql.rows(f"PRAGMA index_info({name})")]


def test_upgrade_from_0001_fills_the_terms(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "old.db"
    store = _at_0001_with_orders(path, demo_template)
    sql = Sql(path)
    assert schema.current_revision(store.engine) == "0001"
    assert not sql.rows("SELECT name FROM sqlite_master WHERE name IN ('search_terms', 'search_terms_fts')")
    assert _index_columns(sql, "ix_orders_org_email") == ["org_id", "customer_email"]
    orders = sql.scalar("SELECT COUNT(*) FROM orders")
    assert orders == 2000

    assert schema.upgrade(store.engine) == schema.head_revision() == schema.HEAD_REVISION
    assert _index_columns(sql, "ix_customers_org_first_name") == ["org_id", "first_name_key", "last_name_key"]
    assert_customer_index_complete(sql)

    assert terms(sql) == recount(sql)
    assert len(terms(sql)) > 500
    assert_index_consistent(sql)
    for name, column in SEARCHED_INDEXES.items():
        assert _index_columns(sql, name) == ["org_id", column, "placed_at", "id", "number"]
        assert sql.rows("SELECT stat FROM sqlite_stat1 WHERE idx = ?", (name,)), f"{name} has no statistics"
    assert_text_tallies_match(sql)
    assert sql.scalar("SELECT COUNT(*) FROM orders") == orders

    ctx = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    all_facts = facts(sql)
    for text in ("amelia", "ls1", "e", "12", "zzzz"):
        query = OrderQuery(text=text)
        expected = text_oracle(all_facts, query, ctx.today())
        rows, _ = walk(ctx, query, 41)
        assert [r.number for r in rows] == expected, text
        assert count_orders(ctx, query) == len(expected)
    assert list_orders(ctx, OrderQuery(text="amelia")).rows

    # The triggers came with the upgrade.
    sql.execute("UPDATE orders SET customer_email = 'upgraded.customer@example.com' WHERE id = 5")
    assert terms(sql) == recount(sql)
    assert [r.number for r in list_orders(ctx, OrderQuery(text="upgraded.cus")).rows] == \
        [sql.scalar("SELECT number FROM orders WHERE id = 5")]
    store.dispose()


def test_downgrade_to_0001_and_back(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "round.db"
    store = _at_0001_with_orders(path, demo_template)
    sql = Sql(path)
    schema.upgrade(store.engine)
    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0001")
    assert schema.current_revision(store.engine) == "0001"
    left = {r[0] for r in sql.rows("SELECT name FROM sqlite_master WHERE name LIKE 'search_terms%' "
                                    "OR name LIKE 'orders_terms%'")}
    assert left == set()
    assert _index_columns(sql, "ix_orders_org_postcode") == ["org_id", "shipping_postcode_key"]
    schema.upgrade(store.engine)
    assert terms(sql) == recount(sql)
    assert_index_consistent(sql)
    assert_customer_index_complete(sql)
    store.dispose()


def test_db_upgrade_command_on_an_0001_file(tmp_path: Path, demo_template: Path) -> None:
    """The operator's way: `hubtui db upgrade` (the CLI calls the same schema.upgrade)."""
    from typer.testing import CliRunner

    from hubtui.cli import app

    path = tmp_path / "cli.db"
    _at_0001_with_orders(path, demo_template).dispose()
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    assert schema.HEAD_REVISION in result.output
    sql = Sql(path)
    assert terms(sql) == recount(sql) and terms(sql)
    assert_customer_index_complete(sql)


def _at_0004_with_orders(path: Path, template: Path) -> Store:
    """A file created by revision 0004, holding the demo template's orders (copied with SQL,
    so 0004's own triggers fill its tallies and terms)."""
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        command.upgrade(schema._config(connection), "0004")
    store.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("ATTACH DATABASE ? AS template", (str(template),))
    con.execute("BEGIN")
    for table in COPIED:
        con.execute(f"INSERT INTO main.{table} SELECT * FROM template.{table}")
    con.execute("COMMIT")
    con.close()
    return store


def _text_tally_objects(sql: Sql) -> set[str]:
    return {r[0] for r in sql.rows("SELECT name FROM sqlite_master WHERE name LIKE '%text_tall%'")}


def _assert_counts_right(store: Store) -> None:
    """The quick-filter counts under a text (the tally way and its two days) equal the
    planner's own count of each quick filter with the text."""
    ctx = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    for query in (OrderQuery(text="amelia"), OrderQuery(text="e"), OrderQuery(text="1"),
                  OrderQuery(text="ls1", microsite="bt-uk"), OrderQuery(text="e", period=Period.THIS_YEAR)):
        counts = quick_filter_counts(ctx, query)
        for quick in QuickFilter:
            assert counts[quick] == count_orders(ctx, query.with_changes(quick_filter=quick)), (query, quick)
        assert counts[QuickFilter.ALL] > 0, query


def test_upgrade_from_0004_counts_the_orders_per_customer_and_downgrade_removes_it(
    tmp_path: Path, demo_template: Path,
) -> None:
    path = tmp_path / "0004.db"
    store = _at_0004_with_orders(path, demo_template)
    sql = Sql(path)
    orders = sql.scalar("SELECT COUNT(*) FROM orders")
    before = sql.rows("SELECT * FROM orders ORDER BY id")
    assert schema.current_revision(store.engine) == "0004" and not _text_tally_objects(sql)
    assert _index_columns(sql, "ix_orders_org_email") == ["org_id", "customer_email", "placed_at", "id"]

    assert schema.upgrade(store.engine) == schema.HEAD_REVISION
    assert sql.rows("SELECT * FROM orders ORDER BY id") == before
    assert_text_tallies_match(sql)
    assert sql.scalar("SELECT SUM(n) FROM order_text_tallies") == orders
    for name, column in SEARCHED_INDEXES.items():
        assert _index_columns(sql, name) == ["org_id", column, "placed_at", "id", "number"]
    assert sql.rows("SELECT stat FROM sqlite_stat1 WHERE tbl = 'order_text_tallies'")
    _assert_counts_right(store)
    # The triggers came with the upgrade.
    sql.execute("UPDATE orders SET customer_email = 'upgraded.customer@example.com', status = 'OnHold' "
                "WHERE id IN (5, 6)")
    sql.execute("UPDATE orders SET fraud_score = 99 WHERE id = 7")
    assert_text_tallies_match(sql)
    _assert_counts_right(store)

    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0004")
    assert schema.current_revision(store.engine) == "0004"
    assert not _text_tally_objects(sql)
    assert _index_columns(sql, "ix_orders_org_name") == ["org_id", "customer_name_key", "placed_at", "id"]
    sql.execute("UPDATE orders SET status = 'Approved' WHERE id = 5")  # no trigger left to fail
    assert sql.scalar("SELECT COUNT(*) FROM orders") == orders

    assert schema.upgrade(store.engine) == schema.HEAD_REVISION
    assert_text_tallies_match(sql)
    _assert_counts_right(store)
    store.dispose()
