"""The quick-filter counts of a text that starts order numbers, on orders numbered as they were
placed (as the services number them), against the oracle of test_quick_counts.

The demo counts its numbers from the newest order back; this module's copy of it is numbered
again in the order of placing, so that a text's number ranges fall on a few days and the numbers
way (numbers_way.py) cuts the period at them: runs of days counted whole, the days at the ranges'
ends read by number or walked, the rest counted by each of the other ways. Another copy numbered
without regard to the dates shows the way standing aside.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services.context import open_context
from hubtui.services.order_reads import _scope, count_orders, quick_filter_counts
from hubtui.store import count_costs, day_numbers, numbers_way, order_queries, quick_counts
from hubtui.store.engine import Store

from .support import Catalog, Fact, SharedDemo, Sql, facts, fixed_clock
from .test_quick_counts import WAYS, expected_counts

TEXTS = ("0", "00", "1", "12", "2", "BT", "bt00001", "0001", "10", " 1 ")
QUERIES = [
    *(OrderQuery(text=text) for text in TEXTS),
    *(OrderQuery(text=text, period=period) for text in ("1", "0", "12") for period in Period if period is not Period.CUSTOM),
    OrderQuery(text="1", microsite="bt-ie"), OrderQuery(text="0", microsite="bt-uk", period=Period.LAST_30_DAYS),
    OrderQuery(text="12", period=Period.CUSTOM, date_from=date(2026, 8, 1), date_to=date(2026, 8, 20)),
    OrderQuery(text="2", date_from=date(2026, 10, 2)), OrderQuery(text="1", date_to=date(2026, 9, 9)),
]
# The numbers way with every run counted whole, or none (their days read); the days read by
# number, or walked; under it, the rest counted the way each setting of test_quick_counts names.
SETTINGS = {
    "runs, by number": ({"MIN_NUMBERS": 1, "MIN_RUN": 1, "RUN_COST": 0.0, "NUMBERED_ROW_COST": 0.0}, {}, "chosen"),
    "runs, walked": ({"MIN_NUMBERS": 1, "MIN_RUN": 1, "RUN_COST": 0.0, "WALKED_ENTRY_COST": 0.0}, {}, "walk"),
    "no runs": ({"MIN_NUMBERS": 1, "MIN_RUN": 10**9}, {}, "direct"),
    "runs, tally": ({"MIN_NUMBERS": 1, "MIN_RUN": 1, "RUN_COST": 0.0}, {}, "holding"),
    "runs, months": ({"MIN_NUMBERS": 1, "MIN_RUN": 1, "RUN_COST": 0.0}, {}, "months"),
}


def _renumbered(demo_template: Path, folder: Path, order: str) -> SharedDemo:
    """A copy of the demo whose orders are numbered BT0000001 on in `order` (an ORDER BY)."""
    path = folder / "demo.db"
    shutil.copyfile(demo_template, path)
    sql = Sql(path)
    # Out of the way of the unique index first; the triggers keep every tally right meanwhile.
    sql.execute("UPDATE orders SET number = 'X' || number")
    sql.execute("UPDATE orders SET number = (SELECT 'BT' || printf('%07d', n) FROM (SELECT id, ROW_NUMBER() OVER "
                f"(ORDER BY {order}) AS n FROM orders) p WHERE p.id = orders.id)")
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        day_numbers.rebuild(connection)  # the renumbering widened every span: as narrow as the numbers allow
    return SharedDemo(store, sql, Catalog.of(sql, "BTOOLS"))


@pytest.fixture(scope="module")
def placed(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedDemo]:
    demo = _renumbered(demo_template, tmp_path_factory.mktemp("numbered-as-placed"), "placed_at, id")
    yield demo
    demo.sql.close()
    demo.store.dispose()


@pytest.fixture(scope="module")
def placed_facts(placed: SharedDemo) -> list[Fact]:
    return facts(placed.sql)


@pytest.fixture(params=list(SETTINGS))
def setting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    way_limits, costs, others = SETTINGS[request.param]
    for name, value in {**WAYS[others], "NUMBERS": True, **costs}.items():
        monkeypatch.setattr(order_queries if name == "TERM_CAP" else count_costs, name, value)
    for name, value in way_limits.items():
        monkeypatch.setattr(numbers_way, name, value)
    return request.param


@pytest.mark.parametrize("query", QUERIES, ids=[q.describe() for q in QUERIES])
def test_counts_of_number_texts(query: OrderQuery, setting: str, placed: SharedDemo, placed_facts: list[Fact]) -> None:
    assert quick_filter_counts(placed.context("alice"), query) == expected_counts(placed_facts, query), query.describe()


def test_the_lists_count_of_each_quick_filter_comes_from_the_same_counts(
    placed: SharedDemo, placed_facts: list[Fact], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """count_orders (the list's header) of a text the numbers way counts is the bar's count, and
    the oracle's, without the planner's count of the orders."""
    for name, value in SETTINGS["runs, by number"][0].items():
        monkeypatch.setattr(numbers_way, name, value)

    def planner_count(*_: object) -> int:
        raise AssertionError("counted by the planner")

    monkeypatch.setattr(order_queries, "count", planner_count)
    ctx = placed.context("alice")
    queries = (OrderQuery(text="10"), OrderQuery(text="00", period=Period.LAST_30_DAYS, microsite="bt-uk"))
    expected = {(q.text, f): n for q in queries for f, n in expected_counts(placed_facts, q).items()}
    got = {(q.text, f): count_orders(ctx, q.with_changes(quick_filter=f)) for q in queries for f in QuickFilter}
    assert all(expected[(q.text, QuickFilter.ALL)] > 0 for q in queries), "counts worth comparing"
    assert got == expected


def test_the_numbers_way_cuts_where_it_should(placed: SharedDemo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the settings above: runs and days read both ways are met, and a text over few
    numbers, or a database numbered without regard to the dates, is left to the other ways."""
    ctx = placed.context("alice")
    seen: set[str] = set()
    for name in ("runs, by number", "runs, walked", "no runs"):
        monkeypatch.undo()
        limits, _, _ = SETTINGS[name]
        for key, value in limits.items():
            monkeypatch.setattr(numbers_way, key, value)
        with placed.store.raw_read() as reader:
            for query in QUERIES:
                plan = quick_counts.plan_counts(reader, query, _scope(ctx, query))
                if plan.way == "numbers":
                    seen |= {"runs"} if plan.whole_days else set()
                    seen |= {"by number" if day.by_number else "walked" for day in plan.days}
    assert seen == {"runs", "by number", "walked"}
    monkeypatch.undo()
    with placed.store.raw_read() as reader:
        assert quick_counts.plan_counts(reader, OrderQuery(text="1234"), _scope(ctx, OrderQuery())).way != "numbers"


def test_numbers_given_without_regard_to_dates_leave_the_other_ways(
    placed: SharedDemo, demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in SETTINGS["runs, by number"][0].items():
        monkeypatch.setattr(numbers_way, name, value)
    shuffled = _renumbered(demo_template, tmp_path, "(id * 7919) % 2003, id")
    query = OrderQuery(text="12")
    ways = []
    try:
        for demo in (placed, shuffled):
            with demo.store.raw_read() as reader:
                ways.append(quick_counts.plan_counts(reader, query, _scope(demo.context("alice"), query)).way)
    finally:
        shuffled.sql.close()
        shuffled.store.dispose()
    assert ways[0] == "numbers" and ways[1] != "numbers", ways


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_the_operators_days_need_not_be_utc_days(zone: str, placed: SharedDemo, placed_facts: list[Fact],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbers_way, "MIN_NUMBERS", 1)
    monkeypatch.setattr(numbers_way, "MIN_RUN", 1)
    monkeypatch.setattr(numbers_way, "RUN_COST", 0.0)
    tz = ZoneInfo(zone)
    local = open_context(placed.store, "alice", clock=fixed_clock, tz=tz)
    queries = [OrderQuery(text="1"), OrderQuery(text="1", period=Period.LAST_30_DAYS),
               OrderQuery(text="0", period=Period.YESTERDAY), OrderQuery(text="12", period=Period.THIS_MONTH)]
    assert [quick_filter_counts(local, q) for q in queries] == [
        expected_counts(placed_facts, q, local.today(), tz) for q in queries], zone
