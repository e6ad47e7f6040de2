"""list_orders, count_orders and quick_filter_counts against an oracle over plain SQL."""

from __future__ import annotations

import pytest

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.services.context import Context
from hubtui.services.errors import NotFound
from hubtui.services.order_reads import count_orders, list_orders, quick_filter_counts
from hubtui.services.order_writes import change_status
from hubtui.services.order_payments import PaymentDraft, record_payment

from .support import SharedDemo, Sql, facts, oracle, place, walk

LIMIT = 37


@pytest.fixture(scope="module")
def shared(shared_demo: SharedDemo) -> SharedDemo:
    """The demo plus orders placed and moved through the services today (several share placed_at).

    Built once for the module; the tests below only read.
    """
    alice, sam, catalog = shared_demo.context("alice"), shared_demo.context("sam"), shared_demo.catalog
    orders = [place(alice, catalog, customer=c) for c in catalog.customers[:4]]
    orders.append(place(alice, catalog, microsite="bt-ie", order_type="PreOrder"))
    orders.append(place(alice, catalog, order_type="Exchange"))
    record_payment(alice, orders[0].number, PaymentDraft("Cash", "Paid"))
    record_payment(alice, orders[1].number, PaymentDraft("Bacs", "Declined"))
    shared_demo.sql.execute("UPDATE orders SET fraud_score = 88 WHERE number = ?", (orders[2].number,))
    record_payment(alice, orders[2].number, PaymentDraft("Cheque", "Authorized"))
    change_status(sam, orders[3].number, "Cancelled", reason="Duplicate")
    change_status(sam, orders[5].number, "Approved")
    change_status(sam, orders[5].number, "OnHold")
    change_status(sam, orders[4].number, "Approved")
    change_status(sam, orders[4].number, "AwaitingCustomerFeedback")
    return shared_demo


@pytest.fixture(scope="module")
def busy(shared: SharedDemo) -> Context:
    return shared.context("alice")


@pytest.fixture(scope="module")
def sql(shared: SharedDemo) -> Sql:
    return shared.sql


@pytest.mark.parametrize("quick", list(QuickFilter))
def test_every_quick_filter_pages_through_exactly_the_oracle(quick: QuickFilter, busy: Context, sql: Sql) -> None:
    query = OrderQuery(quick_filter=quick)
    expected = oracle(facts(sql), query, busy.today())
    assert expected, f"the demo data should give {quick} members"

    rows, pages = walk(busy, query, LIMIT)

    numbers = [r.number for r in rows]
    assert len(numbers) == len(set(numbers))
    assert set(numbers) == set(expected)
    assert numbers == expected  # placed_at desc, id desc
    assert len(pages) == -(-len(expected) // LIMIT)
    assert count_orders(busy, query) == len(expected)


@pytest.mark.parametrize("quick", list(QuickFilter))
def test_every_quick_filter_in_one_microsite(quick: QuickFilter, busy: Context, sql: Sql) -> None:
    query = OrderQuery(quick_filter=quick, microsite="bt-ie")
    expected = oracle(facts(sql), query, busy.today())
    rows, _ = walk(busy, query, LIMIT)
    assert [r.number for r in rows] == expected
    assert {r.microsite for r in rows} <= {"bt-ie"}
    assert count_orders(busy, query) == len(expected)


def test_quick_filter_counts_match_the_oracle(busy: Context, sql: Sql) -> None:
    all_facts = facts(sql)
    for microsite in (None, "bt-ie", "bt-uk"):
        counts = quick_filter_counts(busy, microsite=microsite)
        assert set(counts) == set(QuickFilter)
        for quick in QuickFilter:
            expected = oracle(all_facts, OrderQuery(quick_filter=quick, microsite=microsite), busy.today())
            assert counts[quick] == len(expected), (microsite, quick)
    assert quick_filter_counts(busy)[QuickFilter.ALL] == sql.scalar("SELECT COUNT(*) FROM orders WHERE org_id = 1")


def test_counts_are_per_organisation(shared: SharedDemo, sql: Sql) -> None:
    bfix = shared.context("sam", "BFIX")
    all_facts = facts(sql, "BFIX")
    counts = quick_filter_counts(bfix)
    for quick in QuickFilter:
        expected = oracle(all_facts, OrderQuery(quick_filter=quick), bfix.today())
        assert counts[quick] == len(expected)
        assert count_orders(bfix, OrderQuery(quick_filter=quick)) == len(expected)
    rows, _ = walk(bfix, OrderQuery(), 200)
    assert [r.number for r in rows] == oracle(all_facts, OrderQuery(), bfix.today())


def test_unknown_microsite_is_not_found(busy: Context) -> None:
    with pytest.raises(NotFound):
        list_orders(busy, OrderQuery(microsite="bf-uk"))
    with pytest.raises(NotFound):
        quick_filter_counts(busy, microsite="nowhere")


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("quick", [QuickFilter.ALL, QuickFilter.UNFULFILLED, QuickFilter.TODAY])
def test_sorting_with_keyset_pages(quick: QuickFilter, sort: SortKey, descending: bool, busy: Context, sql: Sql) -> None:
    query = OrderQuery(quick_filter=quick, sort=sort, descending=descending)
    expected = oracle(facts(sql), query, busy.today())
    rows, _ = walk(busy, query, LIMIT)
    assert [r.number for r in rows] == expected
    if sort is SortKey.TOTAL:
        totals = [r.order_total for r in rows]
        assert totals == sorted(totals, reverse=descending)


@pytest.mark.parametrize("sort", list(SortKey))
def test_paging_backwards_gives_back_each_previous_page(sort: SortKey, busy: Context) -> None:
    query = OrderQuery(quick_filter=QuickFilter.UNFULFILLED, sort=sort)
    _, pages = walk(busy, query, LIMIT)
    assert len(pages) >= 3
    for index in range(len(pages) - 1, 0, -1):
        previous = list_orders(busy, query, before=pages[index].first, limit=LIMIT)
        assert previous.rows == pages[index - 1].rows
        assert previous.first == pages[index - 1].first and previous.last == pages[index - 1].last
        assert previous.has_after
        assert previous.has_before == (index - 1 > 0)


@pytest.mark.parametrize("sort", list(SortKey))
def test_from_end_is_the_last_page(sort: SortKey, busy: Context, sql: Sql) -> None:
    query = OrderQuery(sort=sort, descending=False)
    expected = oracle(facts(sql), query, busy.today())
    last = list_orders(busy, query, from_end=True, limit=LIMIT)
    assert [r.number for r in last.rows] == expected[-LIMIT:]
    assert (last.has_before, last.has_after) == (True, False)
    # And paging on backwards from there walks to the very first row.
    seen = [r.number for r in last.rows]
    page = last
    while page.has_before:
        page = list_orders(busy, query, before=page.first, limit=LIMIT)
        seen[:0] = [r.number for r in page.rows]
    assert seen == expected


def test_small_result_is_one_page(busy: Context, sql: Sql) -> None:
    query = OrderQuery(quick_filter=QuickFilter.EXCHANGE_ON_HOLD)
    expected = oracle(facts(sql), query, busy.today())
    page = list_orders(busy, query, limit=len(expected))
    assert [r.number for r in page.rows] == expected
    assert (page.has_before, page.has_after) == (False, False)
    ending = list_orders(busy, query, from_end=True, limit=len(expected) + 5)
    assert [r.number for r in ending.rows] == expected
    assert (ending.has_before, ending.has_after) == (False, False)


def test_rows_carry_what_the_list_shows(busy: Context, sql: Sql) -> None:
    page = list_orders(busy, OrderQuery(quick_filter=QuickFilter.TODAY), limit=10)
    assert len(page.rows) == 10, "the check below needs rows to check"
    for row in page.rows:
        stored = sql.order(row.number)
        assert (row.id, row.status, row.payment_status, row.order_total, row.channel, row.fraud_score) == (
            stored["id"], stored["status"], stored["payment_status"], stored["order_total"], stored["channel"],
            stored["fraud_score"],
        )
        assert row.customer_name == f"{stored['customer_first_name']} {stored['customer_last_name']}".strip()
