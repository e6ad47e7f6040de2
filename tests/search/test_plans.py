"""SQLite's plans for the reads that rest on the searched-column indexes and the text tallies.

Revision 0005 widened ix_orders_org_email, _name and _postcode by the order number. The list
pages of a text (the top plan) and of a lone prefix search must still read their candidates
from those indexes alone, and the quick-filter counts must find the tally rows through their
indexes and test a number without reading order rows. EXPLAIN QUERY PLAN of the statements the
services actually run (recorded on RawRead) says which index each step reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.periods import Period
from hubtui.services.order_reads import _scope, list_orders, quick_filter_counts
from hubtui.store import order_queries
from hubtui.store.engine import RawRead
from tests.services.support import SharedDemo


@contextmanager
def recorded() -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []
    original = RawRead.all

    def all_(self: RawRead, sql: str, params: Any = ()) -> Any:
        statements.append((sql, params))
        return original(self, sql, params)

    RawRead.all = all_  # type: ignore[method-assign]
    try:
        yield statements
    finally:
        RawRead.all = original  # type: ignore[method-assign]


def plan_of(demo: SharedDemo, sql: str, params: Any) -> list[str]:
    con = sqlite3.connect(demo.sql.path)
    try:
        return [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        con.close()


def run(demo: SharedDemo, action: Callable[[], object], marker: str) -> list[str]:
    """The plan of the one statement `action` runs that contains `marker`."""
    with recorded() as statements:
        action()
    (sql, params), *others = [(s, p) for s, p in statements if marker in s]
    assert not others, marker
    return plan_of(demo, sql, params)


def run_each(demo: SharedDemo, action: Callable[[], object], marker: str) -> list[list[str]]:
    """The plans of every statement `action` runs that contains `marker` (one at least)."""
    with recorded() as statements:
        action()
    found = [plan_of(demo, s, p) for s, p in statements if marker in s]
    assert found, marker
    return found


def test_a_texts_first_page_reads_its_candidates_from_the_indexes_alone(search_demo: SharedDemo) -> None:
    ctx = search_demo.context()
    query = OrderQuery(text="amelia")
    with search_demo.store.raw_read() as reader:
        assert order_queries.resolve_text(reader, query, _scope(ctx, query)).plan == "top"  # type: ignore[union-attr]
    steps = run(search_demo, lambda: list_orders(ctx, query), "LEFT JOIN microsites")
    assert any("COVERING INDEX ix_orders_org_email (org_id=? AND customer_email=?)" in s for s in steps), steps
    assert any("COVERING INDEX ix_orders_org_name (org_id=? AND customer_name_key=?)" in s for s in steps), steps


def test_a_lone_email_prefix_reads_its_page_from_the_index_alone(search_demo: SharedDemo) -> None:
    ctx = search_demo.context()
    steps = run(search_demo, lambda: list_orders(ctx, OrderQuery(email="amelia.e")), "LEFT JOIN microsites")
    assert any("COVERING INDEX ix_orders_org_email (org_id=? AND customer_email>? AND customer_email<?)" in s
               for s in steps), steps


@pytest.mark.parametrize("kind, index", [("email", "sqlite_autoindex_order_text_tallies_1"),
                                         ("name", "ix_order_text_tallies_name")])
def test_the_counts_of_a_text_sum_its_tally_rows_through_their_indexes(
    search_demo: SharedDemo, kind: str, index: str,
) -> None:
    ctx = search_demo.context()
    steps = run(search_demo, lambda: quick_filter_counts(ctx, OrderQuery(text="amelia")),
                "FROM order_text_tallies o NOT INDEXED WHERE o.rowid IN")
    assert any(f"COVERING INDEX {index}" in s for s in steps), (kind, steps)
    assert not any(s.startswith("SCAN") and "json_each" not in s for s in steps), steps


def test_the_counts_of_a_text_that_starts_numbers_test_them_in_the_index(
    search_demo: SharedDemo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """"1" through the tally rows lacking it: of their orders, those whose number it starts
    come from a searched-column index that carries the number, before any order row."""
    from hubtui.store import count_costs

    monkeypatch.setattr(count_costs, "TALLY_WEIGHTS", {"holding": 1e9, "lacking": 0.0, "gaps": 1e9, "scan": 1e9})
    monkeypatch.setattr(count_costs, "CHARS", False)  # else the character tallies count it
    ctx = search_demo.context()
    steps = run(search_demo, lambda: quick_filter_counts(ctx, OrderQuery(text="1")), "CASE WHEN number <")
    assert any("COVERING INDEX ix_orders_org_" in s for s in steps), steps


def test_a_number_under_a_period_is_read_from_the_number_index(search_demo: SharedDemo) -> None:
    """The searched-column indexes carry the number and placed_at: left to itself, SQLite
    read one of them whole (skipping through every e-mail) for a number under a period at
    1,000,000 orders. Here its statistics would pick the number index anyway, so the
    statement must also name it."""
    ctx = search_demo.context()
    query = OrderQuery(text="bt00001", period=Period.LAST_30_DAYS)
    with recorded() as statements:
        list_orders(ctx, query)
    (sql, params), = [(s, p) for s, p in statements if "LEFT JOIN microsites" in s]
    assert f"orders INDEXED BY {order_queries.NUMBER_INDEX} WHERE number BETWEEN" in sql
    steps = plan_of(search_demo, sql, params)
    assert any(f"INDEX {order_queries.NUMBER_INDEX} (number>? AND number<?)" in s for s in steps), steps
    assert not any("ANY(" in s for s in steps), steps


def test_a_text_starting_most_numbers_walks_a_short_period(search_demo: SharedDemo) -> None:
    """"BT0" starts every number of the demo, and the index on number has no placed_at: reading
    its candidates by number read every order to test the period (540 ms over today at
    1,000,000 orders). The period's orders are walked instead, and the page is the same."""
    ctx = search_demo.context()
    query = OrderQuery(text="BT0", period=Period.TODAY)
    with search_demo.store.raw_read() as reader:
        assert order_queries.resolve_text(reader, query, _scope(ctx, query)).plan == "dense"  # type: ignore[union-attr]
        narrow = OrderQuery(text="bt00001", period=Period.LAST_30_DAYS)
        assert order_queries.resolve_text(reader, narrow, _scope(ctx, narrow)).plan != "dense"  # type: ignore[union-attr]
    with recorded() as statements:
        page = list_orders(ctx, query)
    assert page.rows and all(row.number.startswith("BT0") for row in page.rows)
    assert not any(f"INDEXED BY {order_queries.NUMBER_INDEX}" in sql for sql, _ in statements), statements


def test_the_orders_outside_a_texts_numbers_are_weighed_as_all_of_them_under_a_period(
    search_demo: SharedDemo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The complement's driver "numbers the text cannot start" reads every order in those gaps to
    test the period: "2" over today read 890,000 rows at 1,000,000 orders to find 4,000. Weighed
    as the period's share of them, it was taken; as all of them, it is not."""
    from hubtui.store import lacking_orders

    monkeypatch.setattr(lacking_orders, "TALLY_ROWS", 0)  # the other driver, through the values, left out
    ctx = search_demo.context()
    query = OrderQuery(text="2", period=Period.TODAY)
    scope = _scope(ctx, query)
    with search_demo.store.raw_read() as reader:
        match = order_queries.text_terms(reader, query.text, scope.org_id)
        assert match is not None and match.needles.numbers
        # 20 orders in the period, 1% of the organisation's: the gaps hold about 94% of 2,000.
        driver = lacking_orders.cheapest_driver(reader, match, scope, in_scope=20, share=0.01, cap=100)
    assert driver is None or "g.number" not in (driver.sql or ""), driver


def test_a_scan_of_the_month_tallies_reads_only_the_months_rows(
    search_demo: SharedDemo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A text most values hold is counted over whole months by testing every row of those months:
    through the index on (org_id, month), never a pass over every month's rows."""
    from hubtui.store import count_costs, quick_counts, text_tally

    for name, value in {"MONTHS_WEIGHT": 0, "MONTH_SCAN_WEIGHT": 0, "OUTSIDE_SHARE": 2, "FEW": 0,
                        "CHARS": False}.items():
        monkeypatch.setattr(count_costs, name, value)
    ctx = search_demo.context()
    query = OrderQuery(text="e", period=Period.LAST_MONTH)
    with search_demo.store.raw_read() as reader:
        plan = quick_counts.plan_counts(reader, query, _scope(ctx, query))
    assert (plan.way, plan.source) == ("months", "scan"), plan
    steps = run(search_demo, lambda: quick_filter_counts(ctx, query), f"INDEXED BY {text_tally.MONTH_ORDER_INDEX}")
    assert any(f"INDEX {text_tally.MONTH_ORDER_INDEX} (org_id=? AND month>? AND month<?)" in s for s in steps), steps


def test_a_dense_text_is_counted_from_the_placed_index_alone(
    search_demo: SharedDemo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The placed index carries every column a text is tested on and the counts group by (schema
    0016): the quick counts' walk of a period for a text most orders hold reads no order row. It is
    walked a class of day at a time (grouped_counts.grouped): each of those reads reads none."""
    from hubtui.store import count_costs

    for name, value in {"TALLY": False, "FEW": 0, "WALK_SHARE": 0, "CHARS": False}.items():  # the walk
        monkeypatch.setattr(count_costs, name, value)
    ctx = search_demo.context()
    marker = "FROM orders o INDEXED BY ix_orders_org_placed"
    period = OrderQuery(text="e", period=Period.LAST_30_DAYS, microsite="bt-uk")
    walks = [run_each(search_demo, lambda q=query: quick_filter_counts(ctx, q), marker)
             for query in (OrderQuery(text="e"), period)]
    # another day, yesterday and today: each its own range of the index
    assert [len(plans) >= 3 for plans in walks] == [True, True], walks
    covering = "COVERING INDEX ix_orders_org_placed"
    assert all(any(covering in s for s in steps) for plans in walks for steps in plans), walks
