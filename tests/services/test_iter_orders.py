"""iter_orders: every row of a query, page after page, in the list's order (checked against an
oracle over plain SQL on the demo database)."""

from __future__ import annotations

import itertools

import pytest

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.services import order_reads
from hubtui.services.context import Context
from hubtui.services.order_reads import iter_orders

from .support import SharedDemo, Sql, facts, oracle


@pytest.fixture(scope="module")
def alice(shared_demo: SharedDemo) -> Context:
    return shared_demo.context("alice")


@pytest.fixture(scope="module")
def sql(shared_demo: SharedDemo) -> Sql:
    return shared_demo.sql


@pytest.mark.parametrize("query", [
    OrderQuery(),
    OrderQuery(quick_filter=QuickFilter.UNPAID),
    OrderQuery(sort=SortKey.TOTAL, descending=False),
    OrderQuery(sort=SortKey.STATUS, microsite="bt-ie"),
], ids=["all", "unpaid", "total-ascending", "status-one-microsite"])
@pytest.mark.parametrize("batch", [1, 37, 500, 5000])
def test_every_matching_order_once_in_the_lists_order(query: OrderQuery, batch: int, alice: Context,
                                                      sql: Sql) -> None:
    expected = oracle(facts(sql), query, alice.today())
    assert len(expected) > 37  # so a batch of 37 spans several pages
    numbers = [row.number for row in iter_orders(alice, query, batch=batch)]
    assert numbers == expected


def test_limit_stops_at_that_many_and_asks_for_no_more(alice: Context, sql: Sql,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    list_orders = order_reads.list_orders

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs["limit"])
        return list_orders(*args, **kwargs)

    monkeypatch.setattr(order_reads, "list_orders", counting)
    expected = oracle(facts(sql), OrderQuery(), alice.today())
    rows = list(iter_orders(alice, OrderQuery(), batch=40, limit=100))
    assert [r.number for r in rows] == expected[:100]
    assert asked == [40, 40, 20]  # the last page is only as long as the limit needs


def test_a_consumer_that_stops_reads_no_further_page(alice: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    pages: list[int] = []
    list_orders = order_reads.list_orders

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        pages.append(kwargs["limit"])
        return list_orders(*args, **kwargs)

    monkeypatch.setattr(order_reads, "list_orders", counting)
    first = list(itertools.islice(iter_orders(alice, OrderQuery(), batch=10), 15))
    assert len(first) == 15 and pages == [10, 10]


def test_no_match_yields_nothing(alice: Context) -> None:
    assert list(iter_orders(alice, OrderQuery(email="nobody.here@"), batch=10)) == []


def test_a_batch_below_one_is_refused(alice: Context) -> None:
    with pytest.raises(ValueError):
        next(iter_orders(alice, batch=0))
