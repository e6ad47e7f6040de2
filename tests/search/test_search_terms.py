"""The search-terms table and its trigram index stay exactly the distinct values of the orders.

Every write path (services, hand-written SQL, the bulk loader) goes through the triggers or
the loader's refill; a recount from the orders table is the oracle.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace

import pytest

from hubtui.store import append_only
from hubtui.domain.order_query import OrderQuery
from hubtui.services.context import Context
from hubtui.services.order_reads import count_orders, get_order, list_orders
from hubtui.services.order_writes import OrderChanges, update_details
from hubtui.services.views import Address
from hubtui.store.engine import Store
from tests.services.support import Catalog, Sql, place

RECOUNT = """
    SELECT org_id, 'email', customer_email FROM orders WHERE customer_email <> ''
    UNION SELECT org_id, 'name', customer_name_key FROM orders WHERE customer_name_key <> ''
    UNION SELECT org_id, 'postcode', shipping_postcode_key FROM orders WHERE shipping_postcode_key <> ''
"""


def terms(sql: Sql) -> set[tuple[int, str, str]]:
    return {tuple(r) for r in sql.rows("SELECT org_id, kind, term FROM search_terms")}


def recount(sql: Sql) -> set[tuple[int, str, str]]:
    return {tuple(r) for r in sql.rows(RECOUNT)}


def assert_index_consistent(sql: Sql) -> None:
    """FTS5's own check that the trigram index holds exactly the content table's rows."""
    sql.execute("INSERT INTO search_terms_fts (search_terms_fts) VALUES ('integrity-check')")
    assert sql.scalar("SELECT COUNT(*) FROM search_terms_fts") == sql.scalar("SELECT COUNT(*) FROM search_terms")


def fts_terms(sql: Sql, needle: str) -> set[str]:
    phrase = '"' + needle.replace('"', '""') + '"'
    return {r[0] for r in sql.rows(
        "SELECT t.term FROM search_terms_fts f JOIN search_terms t ON t.id = f.rowid WHERE search_terms_fts MATCH ?",
        (phrase,))}


def test_the_demo_load_fills_the_terms(sql: Sql) -> None:
    stored = terms(sql)
    assert stored == recount(sql)
    assert {kind for _, kind, _ in stored} == {"email", "name", "postcode"}
    assert len({org for org, _, _ in stored}) == 2
    assert_index_consistent(sql)
    assert fts_terms(sql, "example.co") == {t for _, k, t in stored if "example.co" in t}


def test_a_new_order_adds_its_terms_and_is_found(alice: Context, catalog: Catalog, sql: Sql) -> None:
    sql.execute(
        "INSERT INTO customers (org_id, email, first_name, last_name, first_name_key, last_name_key, phone, "
        "phone_key, line1, line2, city, postcode, country, created_at) VALUES (?, 'quinta.zwolle@example.nl', "
        "'Quinta', 'Zwölle', 'quinta', 'zwölle', '', '', '1 Dijk', '', 'Utrecht', 'QX9 9QX', 'GB', "
        "'2026-11-01 10:00:00.000000')", (catalog.org_id,))
    customer = sql.scalar("SELECT id FROM customers WHERE email = 'quinta.zwolle@example.nl'")
    assert list_orders(alice, OrderQuery(text="zwölle")).rows == ()
    placed = place(alice, catalog, customer=customer)
    for text in ("zwolle@", "quinta zw", "ZWÖLLE", "qx9 9", "x99q"):
        assert [r.number for r in list_orders(alice, OrderQuery(text=text)).rows] == [placed.number], text
        assert count_orders(alice, OrderQuery(text=text)) == 1
    assert {(catalog.org_id, "email", "quinta.zwolle@example.nl"), (catalog.org_id, "name", "quinta zwölle"),
            (catalog.org_id, "postcode", "QX99QX")} <= terms(sql)
    assert terms(sql) == recount(sql)
    assert_index_consistent(sql)


def test_changing_the_post_code_moves_the_term(alice: Context, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    old_key = sql.order(placed.number)["shipping_postcode_key"]
    others = sql.scalar("SELECT COUNT(*) FROM orders WHERE shipping_postcode_key = ? AND number <> ?",
                        (old_key, placed.number))
    detail = get_order(alice, placed.number)
    new = Address("Ann Other", "2 New Road", "", "Leeds", "zz7 1qj", "GB")
    update_details(alice, placed.number, OrderChanges(shipping=new), expected_version=detail.version)

    assert [r.number for r in list_orders(alice, OrderQuery(text="ZZ7 1Q")).rows] == [placed.number]
    assert (catalog.org_id, "postcode", "ZZ71QJ") in terms(sql)
    # The old key stays only while another order still has it.
    assert ((catalog.org_id, "postcode", old_key) in terms(sql)) == (others > 0)
    assert terms(sql) == recount(sql)
    assert_index_consistent(sql)


def test_the_last_order_with_a_term_takes_it_away(alice: Context, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    detail = get_order(alice, placed.number)
    update_details(alice, placed.number, OrderChanges(shipping=replace(detail.shipping, postcode="QQ1 1QQ")),
                   expected_version=detail.version)
    detail = get_order(alice, placed.number)
    update_details(alice, placed.number, OrderChanges(shipping=replace(detail.shipping, postcode="QQ2 2QQ")),
                   expected_version=detail.version)
    stored = terms(sql)
    assert (catalog.org_id, "postcode", "QQ11QQ") not in stored
    assert (catalog.org_id, "postcode", "QQ22QQ") in stored
    assert fts_terms(sql, "QQ1") == set() and fts_terms(sql, "QQ2") == {"QQ22QQ"}
    assert list_orders(alice, OrderQuery(text="qq1")).rows == ()
    assert_index_consistent(sql)


def test_hand_written_sql_keeps_the_terms(demo_store: Store, alice: Context, sql: Sql) -> None:
    """Imports or repairs may write SQL directly: the triggers follow updates and deletes."""
    before = terms(sql)
    with demo_store.write() as session:
        session.connection().exec_driver_sql(
            "UPDATE orders SET customer_email = 'renamed' || id || '@example.org', "
            "customer_name_key = 'renamed person' WHERE id % 9 = 0")
        session.connection().exec_driver_sql("UPDATE orders SET org_id = org_id WHERE id % 5 = 0")  # no change
        doomed = "(SELECT id FROM orders WHERE id % 13 = 0)"
        append_only.drop(session.connection())  # removing orders means lifting the log's protection first
        for sql_text in (
            f"DELETE FROM activity WHERE order_id IN {doomed}",
            f"DELETE FROM return_lines WHERE rma_id IN (SELECT id FROM returns WHERE order_id IN {doomed})",
            f"DELETE FROM activity WHERE rma_id IN (SELECT id FROM returns WHERE order_id IN {doomed})",
            f"DELETE FROM returns WHERE order_id IN {doomed} OR replacement_order_id IN {doomed}",
            f"DELETE FROM refunds WHERE order_id IN {doomed}",
            f"DELETE FROM attachments WHERE order_id IN {doomed}",
            f"DELETE FROM order_lines WHERE order_id IN {doomed}",
            f"DELETE FROM payments WHERE order_id IN {doomed}",
            f"DELETE FROM order_discounts WHERE order_id IN {doomed}",
        ):
            session.connection().exec_driver_sql(sql_text)
        session.connection().exec_driver_sql("DELETE FROM orders WHERE id % 13 = 0")
    after = terms(sql)
    assert after == recount(sql)
    assert after != before
    assert_index_consistent(sql)
    renamed = sql.scalar("SELECT COUNT(*) FROM orders WHERE org_id = ? AND customer_name_key = 'renamed person'",
                         (alice.operator.org_id,))
    assert renamed > 0
    assert count_orders(alice, OrderQuery(text="renamed pers")) == renamed


def test_the_triggers_and_index_are_in_place(sql: Sql) -> None:
    names = {r[0] for r in sql.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"orders_terms_insert", "orders_terms_update", "orders_terms_delete",
            "search_terms_fts_insert", "search_terms_fts_delete"} <= names
    assert "fts5" in sql.scalar("SELECT sql FROM sqlite_master WHERE name = 'search_terms_fts'").lower()
    with pytest.raises(sqlite3.IntegrityError):
        # One row per (org, kind, term): the triggers rely on the unique index.
        sql.execute("INSERT INTO search_terms (org_id, kind, term) SELECT org_id, kind, term FROM search_terms LIMIT 1")


def test_after_a_bulk_load_the_triggers_work_again(empty_store: Store) -> None:
    """The loader drops the term triggers, fills the table once, and puts the triggers back."""
    from datetime import datetime, timezone

    from hubtui.services.demo import load_demo

    load_demo(empty_store, orders=300, seed=3, now=datetime(2026, 11, 28, 12, tzinfo=timezone.utc))
    sql = Sql(empty_store.url.removeprefix("sqlite:///"))  # type: ignore[arg-type]
    assert terms(sql) == recount(sql)
    assert_index_consistent(sql)
    sql.execute("UPDATE orders SET customer_email = 'after.load@example.com' WHERE id = (SELECT MIN(id) FROM orders)")
    assert fts_terms(sql, "after.lo") == {"after.load@example.com"}
    assert terms(sql) == recount(sql)


@pytest.fixture
def alice(context_for: Callable[..., Context]) -> Context:
    return context_for("alice")


@pytest.fixture
def sql(demo_db) -> Sql:  # type: ignore[no-untyped-def]
    return Sql(demo_db)


@pytest.fixture
def catalog(sql: Sql) -> Catalog:
    return Catalog.of(sql, "BTOOLS")
