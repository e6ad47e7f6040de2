"""quick_filter_counts under every other filter of the list, against an oracle over plain SQL.

Each query's twelve counts must equal, for every quick filter, the orders the oracle (plain
sqlite3 facts, the domain's quick-filter rule, the text rule of tests/search/oracle.py)
lists for that quick filter plus the query's other filters. Every query is read with the
limits of hubtui.store.count_costs set so that each way of counting is used (direct,
complement, walk, months; the tally way from each of its sources, with every period counted as all
time less the rest; and the choice production makes at a smaller scale).
"""

from __future__ import annotations

from datetime import date, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services.context import Context, open_context
from hubtui.services.errors import NotFound
from hubtui.services.order_reads import _scope, count_orders, quick_filter_counts
from hubtui.store import count_costs, order_queries, quick_counts
from tests.search.oracle import text_matches

from .support import Fact, SharedDemo, Sql, facts, fixed_clock, in_quick_filter, matches, place

TODAY = date(2026, 11, 28)  # the fixtures' clock
DAY = timedelta(days=1)
# [from, to) worked out by hand for the fixed clock.
PERIODS = {
    Period.TODAY: (TODAY, TODAY + DAY),
    Period.YESTERDAY: (TODAY - DAY, TODAY),
    Period.LAST_7_DAYS: (date(2026, 11, 22), TODAY + DAY),
    Period.LAST_30_DAYS: (date(2026, 10, 30), TODAY + DAY),
    Period.THIS_MONTH: (date(2026, 11, 1), date(2026, 12, 1)),
    Period.LAST_MONTH: (date(2026, 10, 1), date(2026, 11, 1)),
    Period.THIS_YEAR: (date(2026, 1, 1), date(2027, 1, 1)),
}
CUSTOM = OrderQuery(period=Period.CUSTOM, date_from=date(2026, 9, 15), date_to=date(2026, 10, 20))

QUERIES = [
    OrderQuery(),
    OrderQuery(microsite="bt-ie"),
    *(OrderQuery(period=period) for period in PERIODS),
    CUSTOM,
    OrderQuery(date_to=date(2026, 11, 20)),
    OrderQuery(period=Period.LAST_7_DAYS, microsite="bt-uk"),
    # the "/" text: narrow, a name, broad, a digit, order numbers, nothing
    OrderQuery(text="amelia"), OrderQuery(text="smith"), OrderQuery(text="ls1"), OrderQuery(text="e"),
    OrderQuery(text="1"), OrderQuery(text="BT"), OrderQuery(text="bt00001"), OrderQuery(text="zzzz-nobody"),
    OrderQuery(text="e", period=Period.LAST_7_DAYS), OrderQuery(text="1", period=Period.THIS_MONTH),
    OrderQuery(text="amelia", period=Period.THIS_YEAR), OrderQuery(text="e", period=Period.YESTERDAY),
    OrderQuery(text="e", date_from=date(2026, 9, 15), date_to=date(2026, 10, 20)),
    OrderQuery(text="e", microsite="bt-ie"), OrderQuery(text="a", microsite="bt-uk", period=Period.LAST_30_DAYS),
    # whole months, a month less both its ends, months with a part of each end
    OrderQuery(text="amelia", period=Period.LAST_MONTH), OrderQuery(text="smith", period=Period.LAST_30_DAYS),
    OrderQuery(text="ls1", date_from=date(2026, 10, 3), date_to=date(2026, 10, 28)),
    OrderQuery(text="a", date_from=date(2026, 8, 20), date_to=date(2026, 11, 10), microsite="bt-ie"),
    # numbers with a microsite, a period holding nearly every order, one and two digits
    OrderQuery(text="1", microsite="bt-ie"), OrderQuery(text="BT", microsite="bt-uk"), OrderQuery(text="12"),
    OrderQuery(text="amelia", microsite="bt-ie", period=Period.THIS_YEAR), OrderQuery(text="0"),
    # one character however typed, over periods and today alone
    OrderQuery(text=" W "), OrderQuery(text="7", period=Period.LAST_MONTH, microsite="bt-uk"),
    OrderQuery(text="s", period=Period.TODAY), OrderQuery(text="Z", period=Period.THIS_YEAR, microsite="bt-ie"),
    # advanced-search fields, alone and with the rest
    OrderQuery(status="Delivered"), OrderQuery(channel="web", text="e"), OrderQuery(email="a", period=Period.THIS_MONTH),
    OrderQuery(postcode="s", microsite="bt-uk"), OrderQuery(number="BT0000123"), OrderQuery(name="o", text="1"),
    OrderQuery(payment_status="Paid", order_type="Standard", text="BT"), OrderQuery(payment_method="Cheque"),
    # the query's own quick filter and sort do not change the counts
    OrderQuery(quick_filter=QuickFilter.UNPAID, text="e", sort=SortKey.TOTAL, descending=False),
]



def _only(source: str) -> dict[str, float]:
    return {name: 0.0 if name == source else 1e9 for name in ("holding", "lacking", "gaps", "scan")}


# Limits of hubtui.store.count_costs (and the planner's term cap) that force each way.
# The tally settings make every period all time less the rest, and prefer one source
# (another when that one cannot answer: "gaps" needs a text that may be an order number).
# The character tallies count a one-character text wherever they may ("chars", "chosen"); the
# other settings turn them off so that such a text is counted their way too; likewise the numbers
# way (test_number_counts.py), which needs more orders than the demo has.
WAYS = {
    "direct": {"TALLY": False, "FEW": 10**9, "NUMBERS_WEIGHT": 0, "CHARS": False, "NUMBERS": False},
    "complement": {"TALLY": False, "FEW": 0, "WALK_SHARE": 10**6, "COMPLEMENT_WEIGHT": 0, "CHARS": False, "NUMBERS": False},
    "walk": {"TALLY": False, "FEW": 0, "WALK_SHARE": 0, "CHARS": False, "NUMBERS": False},
    "holding": {"TALLY_WEIGHTS": _only("holding"), "OUTSIDE_SHARE": 0, "CHARS": False, "NUMBERS": False},
    "lacking": {"TALLY_WEIGHTS": _only("lacking"), "OUTSIDE_SHARE": 0, "CHARS": False, "NUMBERS": False},
    "gaps": {"TALLY_WEIGHTS": _only("gaps"), "OUTSIDE_SHARE": 0, "CHARS": False, "NUMBERS": False},
    "scan": {"TALLY_WEIGHTS": _only("scan"), "OUTSIDE_SHARE": 0, "CHARS": False, "NUMBERS": False},
    # a text over a period from the month tallies wherever a whole month can be taken
    "months": {"MONTHS_WEIGHT": 0, "OUTSIDE_SHARE": 2, "FEW": 0, "MONTH_SCAN_WEIGHT": 1e9, "CHARS": False, "NUMBERS": False},
    # the same with every row of the whole months read, the text tested on each
    "months scan": {"MONTHS_WEIGHT": 0, "MONTH_SCAN_WEIGHT": 0, "OUTSIDE_SHARE": 2, "FEW": 0,
                    "TALLY_WEIGHTS": _only("holding"), "CHARS": False, "NUMBERS": False},
    # one-character texts from the character tallies, the hours they leave walked
    "chars": {"FEW": 0, "WALK_SHARE": 0, "TALLY": False, "NUMBERS": False},
    "chosen": {"FEW": 40, "TERM_CAP": 20},  # decided by probes and estimates, as at 1,000,000 orders
    "chosen without chars": {"FEW": 40, "TERM_CAP": 20, "CHARS": False, "NUMBERS": False},  # as before the character tallies
}


@pytest.fixture(params=list(WAYS))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in WAYS[request.param].items():
        monkeypatch.setattr(order_queries if name == "TERM_CAP" else count_costs, name, value)
    return request.param


@pytest.fixture(scope="module")
def shared(shared_demo: SharedDemo) -> SharedDemo:
    """The demo plus orders placed today through the services, one of them in bt-ie."""
    alice, catalog = shared_demo.context("alice"), shared_demo.catalog
    place(alice, catalog)
    place(alice, catalog, microsite="bt-ie", order_type="PreOrder")
    return shared_demo


@pytest.fixture(scope="module")
def ctx(shared: SharedDemo) -> Context:
    return shared.context("alice")


@pytest.fixture(scope="module")
def all_facts(shared: SharedDemo) -> list[Fact]:
    return facts(shared.sql)


def placed_range(query: OrderQuery, today: date = TODAY) -> tuple[date, date] | None:
    if query.period is not None and query.period is not Period.CUSTOM:
        start, end = PERIODS[query.period]
        shift = today - TODAY
        return start + shift, end + shift
    if query.date_from or query.date_to:
        return query.date_from or date.min, (query.date_to + DAY) if query.date_to else date.max
    return None


def expected_counts(
    all_facts: list[Fact], query: OrderQuery, today: date = TODAY, tz: tzinfo = timezone.utc,
) -> dict[QuickFilter, int]:
    placed = placed_range(query, today)
    every = query.with_changes(quick_filter=QuickFilter.ALL)
    kept = [f for f in all_facts if matches(f, every, today, placed, tz) and text_matches(f, query.text)]
    return {quick: sum(1 for f in kept if in_quick_filter(f, quick, today, tz)) for quick in QuickFilter}


@pytest.mark.parametrize("query", QUERIES, ids=[q.describe() for q in QUERIES])
def test_counts_follow_every_filter(query: OrderQuery, way: str, ctx: Context, all_facts: list[Fact]) -> None:
    assert quick_filter_counts(ctx, query) == expected_counts(all_facts, query), query.describe()


def test_counts_agree_with_count_orders_per_filter(ctx: Context, all_facts: list[Fact]) -> None:
    """count_orders of each quick filter (the list's header) is the bar's count, and the oracle's;
    for a one-character text both come from the character tallies."""
    queries = (OrderQuery(text="e", period=Period.LAST_30_DAYS), OrderQuery(text="amelia", microsite="bt-uk"),
               OrderQuery(channel="web", period=Period.THIS_MONTH), OrderQuery(text="7", microsite="bt-ie"))
    assert all(quick_filter_counts(ctx, query)[QuickFilter.ALL] > 0 for query in queries), "counts worth comparing"
    for query in queries:
        counts = quick_filter_counts(ctx, query)
        expected = expected_counts(all_facts, query)
        for quick in QuickFilter:
            assert counts[quick] == count_orders(ctx, query.with_changes(quick_filter=quick)) == expected[quick], (
                query, quick)


def test_the_ways_really_are_used(shared: SharedDemo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the parametrisation above: each setting must count the queries the way it names."""
    ctx = shared.context("alice")

    def ways(setting: str) -> set[str]:
        monkeypatch.undo()
        for name, value in WAYS[setting].items():
            monkeypatch.setattr(order_queries if name == "TERM_CAP" else count_costs, name, value)
        found = set()
        with shared.store.raw_read() as reader:
            for query in QUERIES:
                plan = quick_counts.plan_counts(reader, query, _scope(ctx, query.with_changes(
                    quick_filter=QuickFilter.ALL)))
                found.add(plan.way)
                if plan.source:
                    found.add(f"{plan.source}{' less the rest' if plan.outside else ''}")
        return found

    assert ways("direct") == {"indexed", "none", "direct", "walk"}
    assert {"chars", "walk"} <= ways("chars") and "tally" not in ways("chars")
    assert "chars" in ways("chosen")
    assert "complement" in ways("complement")  # every text without fields; with them, direct
    assert ways("walk") == {"indexed", "none", "walk"}
    for source in ("holding", "lacking", "gaps", "scan"):
        assert {"tally", source, f"{source} less the rest"} <= ways(source), source
    assert {"tally", "holding", "lacking", "direct", "walk"} <= ways("chosen without chars")
    assert "months" in ways("months")
    assert {"months", "scan"} <= ways("months scan")


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/New_York"])
def test_today_and_yesterday_are_the_operators_days(zone: str, shared: SharedDemo, all_facts: list[Fact]) -> None:
    tz = ZoneInfo(zone)
    local = open_context(shared.store, "alice", clock=fixed_clock, tz=tz)
    today = local.today()
    queries = (OrderQuery(text="e"), OrderQuery(period=Period.LAST_7_DAYS), OrderQuery(text="amelia"))
    assert [quick_filter_counts(local, q) for q in queries] == [
        expected_counts(all_facts, q, today, tz) for q in queries], zone


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_periods_in_a_zone_whose_days_are_not_utc_days(zone: str, shared: SharedDemo, all_facts: list[Fact]) -> None:
    """The day tallies hold UTC days: an operator's day starting at 18:30 or 05:00 UTC has its
    ends counted from the orders, the whole days between from the tallies."""
    tz = ZoneInfo(zone)
    local = open_context(shared.store, "alice", clock=fixed_clock, tz=tz)
    today = local.today()
    queries = [OrderQuery(period=period) for period in PERIODS] + [
        OrderQuery(period=Period.LAST_30_DAYS, microsite="bt-ie"), OrderQuery(text="e", period=Period.LAST_7_DAYS),
        OrderQuery(text="amelia", period=Period.LAST_30_DAYS), OrderQuery(text="smith", period=Period.LAST_MONTH),
        OrderQuery(text="1", period=Period.THIS_MONTH, microsite="bt-uk"),
    ]
    assert [quick_filter_counts(local, q) for q in queries] == [
        expected_counts(all_facts, q, today, tz) for q in queries], zone


def test_the_older_forms_still_answer(ctx: Context, all_facts: list[Fact]) -> None:
    """Callers from before the query (start-up prefetch, tests): no argument, or a microsite code."""
    assert quick_filter_counts(ctx) == expected_counts(all_facts, OrderQuery())
    assert quick_filter_counts(ctx, "bt-ie") == quick_filter_counts(ctx, microsite="bt-ie") == expected_counts(
        all_facts, OrderQuery(microsite="bt-ie"))
    with pytest.raises(NotFound):
        quick_filter_counts(ctx, OrderQuery(microsite="nowhere", text="e"))


def test_tally_counts_follow_writes(alice: Context, sql: Sql) -> None:
    """The counts over all time come from order_text_tallies, those of one character from the
    character tallies: hand-written SQL that moves an order out of a text, into another status
    and out of an organisation is counted at once."""
    queries = (OrderQuery(text="amelia"), OrderQuery(text="ll"), OrderQuery(text="e"),
               OrderQuery(text="1", microsite="bt-uk"), OrderQuery(text="z", period=Period.LAST_30_DAYS))
    with alice.store.raw_read() as reader:
        assert [quick_counts.plan_counts(reader, q, _scope(alice, q)).way for q in queries] == [
            "tally", "tally", "chars", "chars", "chars"]
    amelias = [r[0] for r in sql.rows("SELECT id FROM orders WHERE org_id = 1 AND customer_name_key LIKE 'amelia%' "
                                      "AND customer_email LIKE 'amelia%' ORDER BY id LIMIT 3")]
    sql.execute("UPDATE orders SET customer_email = 'zed@example.com', customer_first_name = 'Zed', "
                "customer_last_name = 'Zed', customer_name_key = 'zed zed' WHERE id = ?", (amelias[0],))
    sql.execute("UPDATE orders SET status = 'OnHold', fraud_score = 80 WHERE id = ?", (amelias[1],))
    sql.execute("UPDATE orders SET org_id = 2, microsite_id = (SELECT MIN(id) FROM microsites WHERE org_id = 2) "
                "WHERE id = ?", (amelias[2],))
    for query in queries:
        assert quick_filter_counts(alice, query) == expected_counts(facts(sql), query), query.describe()


def test_counts_follow_a_write(alice: Context, sql: Sql) -> None:
    """Nothing stands between a write and the next count (a private copy of the demo)."""
    query = OrderQuery(text="e", period=Period.TODAY)
    before = quick_filter_counts(alice, query)
    number = sql.scalar("SELECT number FROM orders WHERE org_id = 1 AND fraud_score < 70 "
                        "AND placed_at >= '2026-11-28' AND instr(customer_email, 'e') > 0 LIMIT 1")
    sql.execute("UPDATE orders SET fraud_score = 95 WHERE number = ?", (number,))
    after = quick_filter_counts(alice, query)
    assert after[QuickFilter.HIGH_RISK] == before[QuickFilter.HIGH_RISK] + 1
    assert after == expected_counts(facts(sql), query)


def test_a_walk_under_a_microsite_is_weighed_as_the_organisations_orders_it_reads(
        ctx: Context, all_facts: list[Fact], monkeypatch: pytest.MonkeyPatch) -> None:
    """No index holds the microsite: a walk of bt-ie's last 30 days reads every order of the
    organisation in them, so reading its 60 candidates by id costs less (at 1,000,000 orders:
    13 ms against 98)."""
    monkeypatch.setattr(count_costs, "FEW", 40)
    monkeypatch.setattr(count_costs, "MONTHS", False)
    query = OrderQuery(text="jo", period=Period.LAST_30_DAYS, microsite="bt-ie")
    with ctx.store.raw_read() as reader:
        assert quick_counts.plan_counts(reader, query, _scope(ctx, query)).way == "direct"
    assert quick_filter_counts(ctx, query) == expected_counts(all_facts, query)
