"""The same services on PostgreSQL: schema, demo load, writes, lists, tallies, concurrency."""

from __future__ import annotations

import multiprocessing
from datetime import timezone

from sqlalchemy import text

from hubtui.store import append_only
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter, matches_quick_filter
from hubtui.services import database
from hubtui.services.context import open_context
from hubtui.services.db_check import check_database
from hubtui.services.demo import load_demo
from hubtui.services.errors import ConflictError
from hubtui.services.order_reads import count_orders, get_order, list_orders, quick_filter_counts
from hubtui.services.order_writes import NewLine, NewOrder, OrderChanges, change_status, place_order, update_details
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, fixed_clock


def _context(store: Store, user: str = "sam"):  # type: ignore[no-untyped-def]
    return open_context(store, user, clock=fixed_clock, tz=timezone.utc)


def _all_numbers(ctx, query: OrderQuery) -> list[str]:  # type: ignore[no-untyped-def]
    numbers, after = [], None
    while True:
        page = list_orders(ctx, query, after=after, limit=40)
        numbers.extend(r.number for r in page.rows)
        if not page.has_after:
            return numbers
        after = page.last


def test_schema_demo_and_lists_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    assert database.upgrade(store) == database.info(store).revision
    load_demo(store, orders=400, seed=5, now=FIXED_NOW)
    info = database.info(store)
    assert info.dialect == "postgresql" and info.row_counts["orders"] == 400
    ctx = _context(store)
    with store.read() as session:
        orders = session.execute(
            text("SELECT number, status, payment_status, order_type, fraud_score, placed_at FROM orders "
                 "WHERE org_id = :org"), {"org": ctx.operator.org_id}
        ).all()
    counts = quick_filter_counts(ctx)
    for quick in QuickFilter:
        expected = {
            o.number for o in orders
            if matches_quick_filter(quick, status=o.status, payment_status=o.payment_status, order_type=o.order_type,
                                    fraud_score=o.fraud_score, placed_on=o.placed_at.astimezone(timezone.utc).date(),
                                    today=FIXED_NOW.date())
        }
        listed = _all_numbers(ctx, OrderQuery(quick_filter=quick))
        assert set(listed) == expected, quick
        assert len(listed) == len(expected)
        assert counts[quick] == len(expected) == count_orders(ctx, OrderQuery(quick_filter=quick)), quick
    store.dispose()


def test_writes_keep_tallies_right_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    load_demo(store, orders=50, seed=2, now=FIXED_NOW)
    ctx = _context(store)
    with store.read() as session:
        customer_id = session.execute(text("SELECT id FROM customers WHERE org_id = :o LIMIT 1"), {"o": ctx.operator.org_id}).scalar()
        stock_code = session.execute(text("SELECT stock_code FROM products WHERE org_id = :o AND active LIMIT 1"), {"o": ctx.operator.org_id}).scalar()
    placed = place_order(ctx, NewOrder(customer_id=customer_id, lines=(NewLine(stock_code, 2),)))
    assert placed.status == "Incomplete" and placed.payment_status == "Pending" and placed.channel_label == "Phone Order"
    paid = record_payment(ctx, placed.number, PaymentDraft("CardOverPhone", "Paid"))
    assert paid.payment_status == "Paid" and paid.status in ("Approved", "AwaitingApproval")
    cancelled = change_status(ctx, paid.number, "Cancelled", reason="CustomerRequest")
    assert cancelled.status == "Cancelled" and cancelled.cancel_reason == "CustomerRequest"
    assert [a.action for a in get_order(ctx, placed.number).activity][:4] == ["status", "status", "payment", "placed"]
    with store.read() as session:
        tallies = dict(session.execute(text(
            "SELECT org_id || '/' || microsite_id || '/' || status || '/' || payment_status || '/' || order_type || '/' || high_risk, n "
            "FROM order_tallies WHERE n <> 0")).all())
        recount = dict(session.execute(text(
            "SELECT org_id || '/' || microsite_id || '/' || status || '/' || payment_status || '/' || order_type || '/' || (fraud_score >= 70), COUNT(*) "
            "FROM orders GROUP BY 1")).all())
    assert tallies == recount
    assert _text_tallies(store) == _text_recount(store)
    with store.write() as session:  # what an order holds, its group and its day, changed by hand
        session.execute(text("UPDATE orders SET customer_email = 'quinn.q@example.com', fraud_score = 95 "
                             "WHERE number = :n"), {"n": placed.number})
        session.execute(text("UPDATE orders SET shipping_postcode_key = 'QQ1', placed_at = placed_at - interval '3 days' "
                             "WHERE id = (SELECT MIN(id) FROM orders)"))
    assert check_database(store) == []  # every tally, the character tallies' every column, recounted
    store.dispose()


_TEXT_KEY = ("org_id, customer_email, customer_name_key, shipping_postcode_key, microsite_id, status, payment_status, "
             "order_type")


def _text_tallies(store: Store) -> list:  # type: ignore[type-arg]
    with store.read() as session:
        return session.execute(text(f"SELECT {_TEXT_KEY}, high_risk, n FROM order_text_tallies "
                                    f"ORDER BY {_TEXT_KEY}, high_risk")).all()


def _text_recount(store: Store) -> list:  # type: ignore[type-arg]
    with store.read() as session:
        return session.execute(text(f"SELECT {_TEXT_KEY}, fraud_score >= 70, COUNT(*) FROM orders "
                                    f"GROUP BY {_TEXT_KEY}, fraud_score >= 70 ORDER BY {_TEXT_KEY}, 9")).all()


def test_text_tallies_through_migration_0005_on_postgres(pg_url: str) -> None:
    """Down to 0004 (the table, its triggers and function go; the searched indexes lose the
    number) and up again (recounted from the orders); hand-written SQL then keeps it a recount."""
    from alembic import command

    from hubtui.store import schema

    store = Store(pg_url)
    load_demo(store, orders=200, seed=4, now=FIXED_NOW)
    assert _text_tallies(store) == _text_recount(store) and sum(r[-1] for r in _text_tallies(store)) == 200
    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0004")
    with store.read() as session:
        assert session.execute(text("SELECT to_regclass('order_text_tallies')")).scalar() is None
        assert session.execute(text("SELECT COUNT(*) FROM pg_proc WHERE proname = 'orders_text_tally'")).scalar() == 0
    with store.write() as session:  # no trigger left to fail
        session.execute(text("UPDATE orders SET status = 'OnHold' WHERE id % 9 = 0"))
    assert schema.upgrade(store.engine) == schema.HEAD_REVISION
    assert _text_tallies(store) == _text_recount(store)
    with store.write() as session:
        session.execute(text("UPDATE orders SET customer_email = 'moved@example.com', fraud_score = 90 "
                             "WHERE id % 4 = 0"))
        session.execute(text("UPDATE orders SET shipping_postcode_key = 'ZZ11ZZ' WHERE id % 5 = 0"))
        append_only.drop(session.connection())  # removing orders means lifting the log's protection first
        session.execute(text("DELETE FROM activity WHERE order_id IN (SELECT id FROM orders WHERE id % 6 = 0) "
                             "OR rma_id IS NOT NULL"))
        for table in ("return_lines", "refunds", "returns"):
            session.execute(text(f"DELETE FROM {table}"))
        for child in ("order_lines", "payments", "order_discounts"):
            session.execute(text(f"DELETE FROM {child} WHERE order_id % 6 = 0"))
        session.execute(text("DELETE FROM orders WHERE id % 6 = 0"))
    assert _text_tallies(store) == _text_recount(store)
    assert all(r[-1] > 0 for r in _text_tallies(store))
    store.dispose()


def _edit_many(url: str, number: str, worker: int, edits: int, start: multiprocessing.synchronize.Event, out) -> None:  # type: ignore[no-untyped-def,name-defined]
    store = Store(url)
    ctx = _context(store, "alice")
    done = conflicts = 0
    start.wait()
    while done < edits:
        current = get_order(ctx, number)
        try:
            # A counter kept in the reference: a lost update would leave it short.
            counter = int(current.customer_reference) + 1
            update_details(ctx, number, OrderChanges(customer_reference=str(counter)), expected_version=current.version)
            done += 1
        except ConflictError:
            conflicts += 1
    out.put((worker, done, conflicts))
    store.dispose()


def test_no_lost_updates_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW)
    ctx = _context(store, "alice")
    with store.read() as session:
        number = session.execute(text(
            "SELECT number FROM orders WHERE org_id = :o AND status = 'Incomplete' ORDER BY id LIMIT 1"), {"o": ctx.operator.org_id}).scalar()
    update_details(ctx, number, OrderChanges(customer_reference="0"), expected_version=get_order(ctx, number).version)
    before = get_order(ctx, number)
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_edit_many, args=(pg_url, number, w, 40, start, out)) for w in range(4)]
    for w in workers:
        w.start()
    start.set()
    results = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    after = get_order(ctx, number)
    assert sorted(r[1] for r in results) == [40, 40, 40, 40]
    assert after.version == before.version + 160
    assert after.customer_reference == "160"
    assert sum(1 for a in get_order(ctx, number, activity_limit=1000).activity if a.action == "edit") == 161
    store.dispose()


def test_phone_order_look_ups_and_a_new_customer_on_postgres(pg_url: str) -> None:
    from hubtui.services.catalogue import company_contacts, search_companies, search_customers, search_products
    from hubtui.services.customers import NewCustomer, create_customer
    from hubtui.services.views import Address

    store = Store(pg_url)
    load_demo(store, orders=50, seed=3, now=FIXED_NOW)
    ctx = _context(store, "alice")
    with store.read() as session:
        email, first, last, phone_key = session.execute(text(
            "SELECT email, first_name_key, last_name_key, phone_key FROM customers WHERE org_id = :o ORDER BY id LIMIT 1"),
            {"o": ctx.operator.org_id}).one()
        code, name = session.execute(text(
            "SELECT stock_code, name FROM products WHERE org_id = :o AND active ORDER BY id LIMIT 1"),
            {"o": ctx.operator.org_id}).one()
    assert [c.email for c in search_customers(ctx, email.upper())] == [email]
    assert email in [c.email for c in search_customers(ctx, f"{first} {last[:2]}", limit=500)]
    assert email in [c.email for c in search_customers(ctx, phone_key[:7], limit=500)]
    assert code in [p.stock_code for p in search_products(ctx, code[:6].lower(), limit=500)]
    assert code in [p.stock_code for p in search_products(ctx, " ".join(name.lower().split()[:2]), limit=500)]
    company = search_companies(ctx, "ltd")[0]
    assert len(company_contacts(ctx, company.id)) == company.contacts

    added = create_customer(ctx, NewCustomer("Zed", "Quirke", "zed@example.com", "07700 900111",
                                             Address("Zed Quirke", "1 High St", "", "Leeds", "LS1 4AP", "GB")))
    assert [c.id for c in search_customers(ctx, "zed q")] == [added.id]
    placed = place_order(ctx, NewOrder(customer_id=added.id, lines=(NewLine(code, 2),)))
    assert (placed.customer_email, placed.shipping.postcode) == ("zed@example.com", "LS1 4AP")


def test_quick_filter_counts_under_every_filter_on_postgres(pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The bar's counts under a period, a text, a microsite and a field, each way of counting
    them (hubtui.store.count_costs), equal count_orders per quick filter."""
    from hubtui.domain.periods import Period
    from hubtui.store import count_costs

    store = Store(pg_url)
    load_demo(store, orders=400, seed=5, now=FIXED_NOW)
    ctx = _context(store, "alice")
    queries = (
        OrderQuery(period=Period.LAST_7_DAYS), OrderQuery(period=Period.THIS_YEAR),
        OrderQuery(text="e", period=Period.LAST_30_DAYS), OrderQuery(text="1", microsite="bt-uk"),
        OrderQuery(text="BT", period=Period.THIS_MONTH, channel="web"), OrderQuery(text="amelia"),
        OrderQuery(text="1"), OrderQuery(text="BT"), OrderQuery(text="e", microsite="bt-ie"),
        OrderQuery(text="a", period=Period.LAST_MONTH), OrderQuery(text="smith", period=Period.LAST_30_DAYS),
    )

    def only(source: str) -> dict[str, object]:  # the tally way from one source; every period all time less the rest
        weights = {name: 0.0 if name == source else 1e9 for name in ("holding", "lacking", "gaps", "scan")}
        return {"TALLY_WEIGHTS": weights, "OUTSIDE_SHARE": 0}

    ways = ({"TALLY": False, "FEW": 10**9}, {"TALLY": False, "FEW": 0, "WALK_SHARE": 10**6, "COMPLEMENT_WEIGHT": 0},
            {"TALLY": False, "FEW": 0, "WALK_SHARE": 0}, only("holding"), only("lacking"), only("gaps"), only("scan"),
            {"MONTHS_WEIGHT": 0, "OUTSIDE_SHARE": 2, "FEW": 0, "MONTH_SCAN_WEIGHT": 1e9},  # the months way, then
            {"MONTHS_WEIGHT": 0, "OUTSIDE_SHARE": 2, "FEW": 0, "MONTH_SCAN_WEIGHT": 0})  # with its rows scanned
    # each with the character tallies off (one-character texts their way too), then as chosen (the chars way)
    ways = (*({**settings, "CHARS": False} for settings in ways), {})
    for settings in ways:
        monkeypatch.undo()
        for name, value in settings.items():
            monkeypatch.setattr(count_costs, name, value)
        for query in queries:
            counts = quick_filter_counts(ctx, query)
            for quick in QuickFilter:
                assert counts[quick] == count_orders(ctx, query.with_changes(quick_filter=quick)), (settings, query, quick)
    assert quick_filter_counts(ctx, OrderQuery(text="e"))[QuickFilter.ALL] == count_orders(ctx, OrderQuery(text="e")) > 0
    store.dispose()


def test_counts_of_number_texts_on_orders_numbered_as_placed_on_postgres(pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The days' spans of numbers are kept by PostgreSQL's triggers, and the numbers way
    (numbers_way.py) counts a text of digits as count_orders does, runs of days and all."""
    from hubtui.domain.periods import Period
    from hubtui.services.order_reads import _scope
    from hubtui.store import day_numbers, numbers_way, quick_counts

    store = Store(pg_url)
    load_demo(store, orders=400, seed=5, now=FIXED_NOW)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE orders SET number = 'X' || number")
        connection.exec_driver_sql(
            "UPDATE orders o SET number = p.n FROM (SELECT id, 'BT' || lpad((ROW_NUMBER() OVER "
            "(ORDER BY placed_at, id))::text, 7, '0') AS n FROM orders) p WHERE p.id = o.id")
        wide = connection.exec_driver_sql(f"SELECT MAX(high) FROM {day_numbers.TABLE}").scalar()
        assert wide.startswith("X"), "the triggers widened the spans to the numbers written"
        day_numbers.rebuild(connection)
    assert check_database(store) == []
    monkeypatch.setattr(numbers_way, "MIN_NUMBERS", 1)
    monkeypatch.setattr(numbers_way, "MIN_RUN", 1)
    monkeypatch.setattr(numbers_way, "RUN_COST", 0.0)
    ctx = _context(store, "alice")
    queries = (OrderQuery(text="10"), OrderQuery(text="00", period=Period.LAST_30_DAYS), OrderQuery(text="BT0"),
               OrderQuery(text="11", microsite="bt-uk", period=Period.THIS_YEAR), OrderQuery(text="01"))
    with store.raw_read() as reader:
        assert quick_counts.plan_counts(reader, queries[0], _scope(ctx, queries[0])).way == "numbers"
    for query in queries:
        counts = quick_filter_counts(ctx, query)
        for quick in QuickFilter:
            assert counts[quick] == count_orders(ctx, query.with_changes(quick_filter=quick)), (query, quick)
    store.dispose()


def test_eight_operators_paying_one_balance_at_once_make_one_payment_on_postgres(pg_url: str) -> None:
    from tests.services.concurrency_worker import race_to_pay

    store = Store(pg_url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW)
    ctx = _context(store, "alice")
    with store.read() as session:
        number = session.execute(text(
            "SELECT number FROM orders WHERE org_id = :o AND status = 'Incomplete' AND order_total > 0 "
            "AND paid_total = 0 ORDER BY id LIMIT 1"), {"o": ctx.operator.org_id}).scalar()
    store.dispose()
    reports = race_to_pay(pg_url, number, 8)
    assert [r["other"] for r in reports if r["other"]] == []
    assert sum(r["paid"] for r in reports) == 1
    assert all("has nothing to pay" in r["refused"] for r in reports if not r["paid"])
    store = Store(pg_url)
    assert len(get_order(_context(store, "alice"), number).payments) == 1
    store.dispose()


def test_a_text_over_its_limit_gets_the_same_refusal_on_postgres(pg_url: str) -> None:
    """PostgreSQL would refuse with its own "value too long"; the service refuses first, as on SQLite."""
    import pytest

    from hubtui.domain.limits import LIMITS
    from hubtui.services.errors import InvalidInput

    store = Store(pg_url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW)
    ctx = _context(store, "alice")
    number = list_orders(ctx, OrderQuery()).rows[0].number
    version = get_order(ctx, number).version
    with pytest.raises(InvalidInput) as refused:
        update_details(ctx, number, OrderChanges(customer_reference="x" * (LIMITS["customer_reference"] + 1)),
                       expected_version=version)
    assert refused.value.field == "customer_reference" and "at most 64 characters" in str(refused.value)
    assert get_order(ctx, number).version == version
    store.dispose()
