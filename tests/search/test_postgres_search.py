"""The "/" filter text on PostgreSQL: bulk-loaded terms, trigger-kept terms, every plan; and the
wizard's customer search through the pg_trgm index, or a scan where the extension is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import timezone

import pytest
from sqlalchemy import text

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services import catalogue, database
from hubtui.services.catalogue import search_customers
from hubtui.services.context import open_context
from hubtui.services.customers import NewCustomer, create_customer
from hubtui.services.demo import load_demo
from hubtui.services.order_reads import count_orders, get_order, list_orders
from hubtui.services.order_writes import NewLine, NewOrder, OrderChanges, place_order, update_details
from hubtui.services.views import Address
from hubtui.store import order_queries
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, fixed_clock
from tests.services.support import Fact

from . import customer_oracle
from .conftest import AWKWARD, PLAN_SETTINGS
from .oracle import text_oracle

TEXTS = ("e", "ed", "amelia", "ls1 ", "%", "_", "'", "müller", "o'brien", 'e"m', "back\\", "12", "BT00001",
         "zzzz-nobody")
RECOUNT = """
    SELECT org_id, 'email', customer_email FROM orders WHERE customer_email <> ''
    UNION SELECT org_id, 'name', customer_name_key FROM orders WHERE customer_name_key <> ''
    UNION SELECT org_id, 'postcode', shipping_postcode_key FROM orders WHERE shipping_postcode_key <> ''
"""


def _facts(store: Store, org_id: int) -> list[Fact]:
    with store.read() as session:
        rows = session.execute(text(
            "SELECT o.id, o.number, m.code, o.placed_at, o.status, o.payment_status, o.order_type, o.fraud_score, "
            "o.channel, o.payment_method, o.customer_email, o.customer_first_name, o.customer_last_name, "
            "o.shipping_postcode, o.order_total FROM orders o JOIN microsites m ON m.id = o.microsite_id "
            "WHERE o.org_id = :org"), {"org": org_id}).all()
    return [Fact(r[0], r[1], r[2], r[3].astimezone(timezone.utc), *r[4:]) for r in rows]


def _numbers(ctx, query: OrderQuery) -> list[str]:  # type: ignore[no-untyped-def]
    numbers, after = [], None
    while True:
        page = list_orders(ctx, query, after=after, limit=29)
        numbers.extend(r.number for r in page.rows)
        if not page.has_after:
            return numbers
        after = page.last


def _terms(store: Store) -> tuple[set[tuple[int, str, str]], set[tuple[int, str, str]]]:
    with store.read() as session:
        stored = {tuple(r) for r in session.execute(text("SELECT org_id, kind, term FROM search_terms"))}
        recount = {tuple(r) for r in session.execute(text(RECOUNT))}
    return stored, recount


def test_text_search_on_postgres(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(pg_url)
    database.upgrade(store)
    load_demo(store, orders=500, seed=4, now=FIXED_NOW)
    ctx = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    org = ctx.operator.org_id
    with store.write() as session:
        for email, first, last, postcode, _ in AWKWARD:
            session.execute(text(
                "INSERT INTO customers (org_id, email, first_name, last_name, first_name_key, last_name_key, phone, "
                "phone_key, line1, line2, city, postcode, country, created_at) VALUES (:org, :email, :first, :last, "
                ":fk, :lk, '', '', '1 Test St', '', 'Testville', :pc, 'GB', :at)"),
                {"org": org, "email": email, "first": first, "last": last, "fk": first.lower(), "lk": last.lower(),
                 "pc": postcode, "at": FIXED_NOW})
        customers = [r[0] for r in session.execute(text(
            "SELECT id FROM customers WHERE org_id = :org AND city = 'Testville' ORDER BY id"), {"org": org})]
        stock_code = session.execute(text(
            "SELECT stock_code FROM products WHERE org_id = :org AND active ORDER BY id LIMIT 1"), {"org": org}).scalar()
    for customer in customers:
        place_order(ctx, NewOrder(customer_id=customer, lines=(NewLine(stock_code, 1),)))

    stored, recount = _terms(store)
    assert stored == recount and len(stored) > 300  # bulk fill plus the insert trigger

    all_facts = _facts(store, org)
    seen_plans = set()
    for setting in PLAN_SETTINGS:
        for name, value in PLAN_SETTINGS[setting].items():
            monkeypatch.setattr(order_queries, name, value)
        for text_ in TEXTS:
            for query in (
                OrderQuery(text=text_),
                OrderQuery(text=text_, quick_filter=QuickFilter.UNFULFILLED),
                OrderQuery(text=text_, period=Period.LAST_30_DAYS, sort=SortKey.TOTAL, descending=False),
            ):
                placed = None
                if query.period is Period.LAST_30_DAYS:
                    from datetime import date

                    placed = (date(2026, 10, 30), date(2026, 11, 29))
                expected = text_oracle(all_facts, query, ctx.today(), placed)
                assert _numbers(ctx, query) == expected, (setting, query.describe())
                assert count_orders(ctx, query) == len(expected), (setting, query.describe())
                with store.raw_read() as reader:
                    match = order_queries.resolve_text(reader, query, order_queries.Scope(org_id=org))
                seen_plans.add(match.plan)
        for text_, found in (("%", True), ("o'brien", True), ('e"m', True), ("zzzz-nobody", False)):
            assert bool(text_oracle(all_facts, OrderQuery(text=text_), ctx.today())) == found
    assert seen_plans == {"none", "top", "ordered", "sparse", "dense"}
    store.dispose()


def test_terms_follow_edits_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    load_demo(store, orders=60, seed=2, now=FIXED_NOW)
    ctx = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    with store.read() as session:
        number = session.execute(text(
            "SELECT number FROM orders WHERE org_id = :o AND status = 'Incomplete' ORDER BY id LIMIT 1"),
            {"o": ctx.operator.org_id}).scalar()
    detail = get_order(ctx, number)
    update_details(ctx, number, OrderChanges(shipping=replace(detail.shipping, postcode="PG9 9ZZ")), expected_version=detail.version)
    assert [r.number for r in list_orders(ctx, OrderQuery(text="g9 9z")).rows] == [number]
    with store.write() as session:
        session.execute(text("UPDATE orders SET customer_email = 'pg.renamed@example.org' WHERE number = :n"),
                        {"n": number})
    assert [r.number for r in list_orders(ctx, OrderQuery(text="pg.ren")).rows] == [number]
    stored, recount = _terms(store)
    # PostgreSQL keeps terms no order uses any more (see text_search.py): never fewer than needed.
    assert recount <= stored
    assert (ctx.operator.org_id, "postcode", "PG99ZZ") in stored
    store.dispose()


# --- the new-order wizard's customer search -------------------------------------------------

CUSTOMER_TEXTS = ("williams", "mith", "dwards 1", "uild mith", "ilder", "son", "amelia ev", "ev", "07 2", "o'b", "%",
                  "example.co", "zzqx")


def _customer_rows(store: Store, org_id: int) -> list[dict]:  # type: ignore[type-arg]
    with store.read() as session:
        return [dict(r._mapping) for r in session.execute(
            text(f"SELECT {customer_oracle.CUSTOMER_ROWS} WHERE c.org_id = :org"), {"org": org_id})]


def _check_customer_search(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any part of a customer's details, against the Python oracle; new and edited rows too."""
    monkeypatch.setattr(catalogue, "SUBSTRING_CANDIDATES", 10**6)  # every match, as the oracle lists them
    alice, bfix = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc), \
        open_context(store, "sam", "BFIX", clock=fixed_clock, tz=timezone.utc)
    org = alice.operator.org_id
    rows = _customer_rows(store, org)
    customer = rows[31]
    tail = customer["phone_key"][-6:]
    for typed in (*CUSTOMER_TEXTS, f"{tail[:3]} {tail[3:]}", tail[-4:], customer["email"][3:12]):
        assert [c.id for c in search_customers(alice, typed, limit=500)] == customer_oracle.expected(rows, typed), typed
    assert customer["id"] in [c.id for c in search_customers(alice, f"{tail[:3]} {tail[3:]}")]
    theirs = _customer_rows(store, bfix.operator.org_id)
    other = next(r for r in theirs if not any(r["email"][2:] in c["email"] for c in rows))
    assert other["id"] in [c.id for c in search_customers(bfix, other["email"][2:])]
    assert search_customers(alice, other["email"][2:]) == ()

    company = next(r for r in rows if r["company"])
    added = create_customer(alice, NewCustomer("Quentin", "Zwolle-Marsh", "q.zm@example.nl", "+44 7700 912345",
                                               Address("Q", "1 High St", "", "Leeds", "LS1 4AP", "GB")))
    for typed in ("wolle", "912 345", "entin zwol"):
        assert added.id in [c.id for c in search_customers(alice, typed)], typed
    with store.write() as session:
        session.execute(text("UPDATE customers SET email = 'renamed.qqz@example.org' WHERE id = :id"), {"id": added.id})
        session.execute(text("UPDATE companies SET name_key = 'quixotic widgets ltd' WHERE name_key = :n"),
                        {"n": company["company"]})
    assert [c.id for c in search_customers(alice, "amed.qqz")] == [added.id]
    assert [c.id for c in search_customers(alice, "zm@exa")] == []
    renamed = {r["id"] for r in _customer_rows(store, org) if r["company"] == "quixotic widgets ltd"}
    assert {c.id for c in search_customers(alice, "xotic wid", limit=500)} == renamed and renamed


def _trigram_index(store: Store) -> bool:
    with store.read() as session:
        return session.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_customers_search_trgm'")).first() \
            is not None


def test_customer_search_on_postgres(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(pg_url)
    load_demo(store, orders=40, seed=7, now=FIXED_NOW)
    assert _trigram_index(store)
    with store.read() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in session.execute(text(
            "EXPLAIN SELECT id FROM customers c WHERE (c.email || ' ' || c.phone_key || ' ' || c.first_name_key "
            "|| ' ' || c.last_name_key) LIKE '%mith%' ESCAPE '!'")))
    assert "ix_customers_search_trgm" in plan
    _check_customer_search(store, monkeypatch)
    store.dispose()


def test_customer_search_without_pg_trgm(postgres, monkeypatch: pytest.MonkeyPatch) -> None:
    """An owner who may not create extensions: the upgrade skips the index, look-ups scan."""
    admin = Store(postgres.create_database("no_trgm"))
    with admin.write() as session:
        session.execute(text("CREATE ROLE plain LOGIN"))
        session.execute(text("GRANT USAGE, CREATE ON SCHEMA public TO plain"))
    admin.dispose()
    store = Store(postgres.url("no_trgm").replace("//hubtui@", "//plain@"))
    load_demo(store, orders=40, seed=7, now=FIXED_NOW)
    assert database.info(store).up_to_date
    assert not _trigram_index(store)
    _check_customer_search(store, monkeypatch)
    store.dispose()
