"""The "/" filter text (OrderQuery.text) against a Python oracle, through every read plan.

Each text is read with the limits of order_queries set so that the top/sparse plans, the
dense plan and the count-decided mix are all used (PLAN_SETTINGS in conftest.py); pages
walked with keysets, backwards too, and counts must all equal the oracle.
"""

from __future__ import annotations

from datetime import date

import pytest

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services.context import Context
from hubtui.services.errors import NotFound
from hubtui.services.order_reads import count_orders, list_orders
from hubtui.store import order_queries
from tests.services.support import Fact, SharedDemo, Sql, facts, walk

from .oracle import text_matches, text_oracle

LIMIT = 23
TODAY = date(2026, 11, 28)  # the fixtures' clock
PERIODS = {  # [from, to) worked out by hand for the fixed clock
    Period.LAST_7_DAYS: (date(2026, 11, 22), date(2026, 11, 29)),
    Period.THIS_MONTH: (date(2026, 11, 1), date(2026, 12, 1)),
    Period.YESTERDAY: (date(2026, 11, 27), date(2026, 11, 28)),
}

# (text, found): True/False where the awkward customers or the number rule decide it,
# None where it depends on the generated demo data.
TEXTS = [
    # one character
    ("e", True), ("E", True), ("z", None), ("%", True), ("_", True), ("'", True), ('"', True), ("\\", True),
    ("1", True), ("ü", True), ("#", False),
    # two characters
    ("ed", None), ("zq", False), ("ls", None), ("12", True), ("o'", True), ("%1", True), ("a_", True),
    ("bt", True), (" k ", None),
    # three and more (the trigram index)
    ("edw", None), ("amelia.", None), ("AMELIA S", None), ("example.co", True), ("acme", None),
    ("zzzz-nobody", False), ("müller", True), ("MÜLLER", True), ("o'brien", True), ("O'BRIEN SMITH", True),
    ("zoë o'", True), ("%percent", True), ("_under", True), ("r_s", True), ('e"m', True), ('quote"mark', True),
    ("back\\sl", True), ("back\\slash test", True), ("a_1", True), ("%12ab", True), ("d02 x", True),
    ("d02x285", True), ("' OR 1=1 --", False), ('"edw"', False), ("near", True), ("or-and", True),
    ("NEAR(", False), ("e* OR x", False), ("-and", True), ("x:y", False), ("^ne", False),
    # order numbers
    ("BT0000123", True), ("bt00001", True), ("0000123", True), ("123", True), ("1999", True), ("bt 12", True),
    ("BT", True), ("BT9", True), ("BT99999", False), ("bt0999", False), ("12345678", False), ("bt0000123@", True),
]


def _facts(demo: SharedDemo) -> list[Fact]:
    return facts(demo.sql)


@pytest.fixture(scope="module")
def ctx(search_demo: SharedDemo) -> Context:
    return search_demo.context("alice")


@pytest.fixture(scope="module")
def all_facts(search_demo: SharedDemo) -> list[Fact]:
    return _facts(search_demo)


def assert_matches_oracle(ctx: Context, all_facts: list[Fact], query: OrderQuery, placed: tuple[date, date] | None = None) -> list[str]:
    """Every page, walked forwards, and the count agree with the oracle; returns it."""
    expected = text_oracle(all_facts, query, TODAY, placed)
    rows, _ = walk(ctx, query, LIMIT)
    assert [r.number for r in rows] == expected, query.describe()
    assert count_orders(ctx, query) == len(expected), query.describe()
    return expected


@pytest.mark.parametrize(("text", "found"), TEXTS, ids=[repr(t) for t, _ in TEXTS])
def test_text_matches_the_oracle(text: str, found: bool | None, plan_setting: str, ctx: Context,
                                 all_facts: list[Fact]) -> None:
    expected = assert_matches_oracle(ctx, all_facts, OrderQuery(text=text))
    if found is not None:
        assert bool(expected) == found, "the fixture data no longer decides this text"
    if text.strip() not in ("e", "E", "BT", "bt"):
        assert len(expected) < len(all_facts)


def test_demo_dependent_texts_mostly_find_something(all_facts: list[Fact]) -> None:
    texts = [t for t, found in TEXTS if found is None]
    hits = [t for t in texts if any(text_matches(f, t) for f in all_facts)]
    assert len(hits) >= len(texts) - 1, set(texts) - set(hits)


def test_the_plan_settings_really_use_every_plan(search_demo: SharedDemo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the parametrisation above: each setting must send texts down the plan it names."""
    from .conftest import PLAN_SETTINGS

    scope = order_queries.Scope(org_id=search_demo.catalog.org_id)
    queries = (
        OrderQuery(), OrderQuery(quick_filter=QuickFilter.ON_HOLD), OrderQuery(quick_filter=QuickFilter.UNPAID),
        OrderQuery(channel="web"), OrderQuery(sort=SortKey.TOTAL, quick_filter=QuickFilter.UNFULFILLED),
    )

    def plans(setting: str, counting: bool = False) -> set[str]:
        for name, value in PLAN_SETTINGS[setting].items():
            monkeypatch.setattr(order_queries, name, value)
        found = set()
        with search_demo.store.raw_read() as reader:
            for text, _ in TEXTS:
                for query in queries:
                    match = order_queries.resolve_text(reader, query.with_changes(text=text), scope, counting=counting)
                    found.add(match.plan if match else "blank")
        return found

    assert plans("indexed") == {"none", "top", "ordered", "sparse"}
    assert plans("dense") == {"none", "dense"}
    assert plans("probed") == {"none", "top", "ordered", "sparse", "dense"}
    assert plans("indexed", counting=True) == {"none", "top", "sparse"}
    assert plans("probed", counting=True) == {"none", "top", "sparse", "dense"}


@pytest.mark.parametrize("quick", list(QuickFilter))
@pytest.mark.parametrize("text", ["e", "ed", "amelia", "ls1", "12", "o'brien"])
def test_text_with_each_quick_filter(quick: QuickFilter, text: str, plan_setting: str, ctx: Context,
                                     all_facts: list[Fact]) -> None:
    assert_matches_oracle(ctx, all_facts, OrderQuery(quick_filter=quick, text=text))


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("text", ["e", "ls", "amelia", "1"])
def test_text_with_a_period_and_other_fields(period: Period, text: str, plan_setting: str, ctx: Context,
                                             all_facts: list[Fact]) -> None:
    placed = PERIODS[period]
    assert_matches_oracle(ctx, all_facts, OrderQuery(period=period, text=text), placed)
    assert_matches_oracle(ctx, all_facts, OrderQuery(period=period, text=text, microsite="bt-uk", channel="web"), placed)
    assert_matches_oracle(ctx, all_facts, OrderQuery(quick_filter=QuickFilter.UNFULFILLED, period=period, text=text), placed)


@pytest.mark.parametrize("text", ["e", "smith", "sw1", "BT00001"])
def test_text_with_search_fields(text: str, plan_setting: str, ctx: Context, all_facts: list[Fact]) -> None:
    queries = (
        OrderQuery(text=text, email="a"),
        OrderQuery(text=text, name="o"),
        OrderQuery(text=text, postcode="s"),
        OrderQuery(text=text, status="Delivered"),
        OrderQuery(text=text, payment_status="Paid", order_type="Standard"),
        OrderQuery(text=text, number="BT0000123"),
        OrderQuery(text=text, microsite="bt-ie"),
    )
    assert all(query.text == text for query in queries)
    for query in queries:
        assert_matches_oracle(ctx, all_facts, query)


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("text", ["e", "amelia", "12"])
def test_text_with_every_sort(sort: SortKey, descending: bool, text: str, plan_setting: str, ctx: Context,
                              all_facts: list[Fact]) -> None:
    assert_matches_oracle(ctx, all_facts, OrderQuery(text=text, sort=sort, descending=descending))
    assert_matches_oracle(ctx, all_facts, OrderQuery(text=text, sort=sort, descending=descending,
                                     quick_filter=QuickFilter.UNFULFILLED))


@pytest.mark.parametrize("text", ["e", "smith", "12"])
def test_paging_backwards_from_the_end(text: str, plan_setting: str, ctx: Context, all_facts: list[Fact]) -> None:
    query = OrderQuery(text=text)
    expected = text_oracle(all_facts, query, TODAY)
    assert len(expected) > 2 * LIMIT
    pages = [list_orders(ctx, query, from_end=True, limit=LIMIT)]
    while pages[-1].has_before:
        assert len(pages) < 1000
        pages.append(list_orders(ctx, query, before=pages[-1].first, limit=LIMIT))
    numbers = [r.number for page in reversed(pages) for r in page.rows]
    assert numbers == expected
    assert pages[0].has_after is False and all(p.has_after for p in pages[1:])
    # And forwards again from a page in the middle.
    middle = pages[len(pages) // 2]
    after = list_orders(ctx, query, after=middle.last, limit=LIMIT)
    start = expected.index(middle.rows[-1].number) + 1
    assert [r.number for r in after.rows] == expected[start:start + LIMIT]


def test_special_characters_are_plain_text(ctx: Context, sql: Sql) -> None:
    percent = sql.scalar("SELECT number FROM orders WHERE customer_email = '%percent@example.com'")
    under = sql.scalar("SELECT number FROM orders WHERE customer_email = '_under_score@example.com'")
    quote = sql.scalar("""SELECT number FROM orders WHERE customer_email = 'quote"mark@example.com'""")
    assert [r.number for r in list_orders(ctx, OrderQuery(text="%")).rows] == [percent]
    assert [r.number for r in list_orders(ctx, OrderQuery(text="%perc")).rows] == [percent]
    assert [r.number for r in list_orders(ctx, OrderQuery(text="_under")).rows] == [under]
    assert [r.number for r in list_orders(ctx, OrderQuery(text='e"m')).rows] == [quote]
    assert [r.number for r in list_orders(ctx, OrderQuery(text="back\\")).rows] == [quote]
    assert list_orders(ctx, OrderQuery(text="%%")).rows == ()
    assert count_orders(ctx, OrderQuery(text="' OR 'a'='a")) == 0


@pytest.fixture(scope="module")
def sql(search_demo: SharedDemo) -> Sql:
    return search_demo.sql


def test_blank_text_filters_nothing(ctx: Context, all_facts: list[Fact]) -> None:
    everything = assert_matches_oracle(ctx, all_facts, OrderQuery(quick_filter=QuickFilter.UNPAID))
    for blank in ("", "   ", "\t"):
        assert assert_matches_oracle(ctx, all_facts, OrderQuery(quick_filter=QuickFilter.UNPAID, text=blank)) == everything


def test_other_organisations_orders_never_match(search_demo: SharedDemo) -> None:
    bfix = search_demo.context("alice", "BFIX")
    bfix_facts = facts(search_demo.sql, "BFIX")
    for text in ("müller", "%", "e", "12"):
        expected = text_oracle(bfix_facts, OrderQuery(text=text), TODAY)
        rows, _ = walk(bfix, OrderQuery(text=text), LIMIT)
        assert [r.number for r in rows] == expected
    # The awkward customers belong to BTOOLS only.
    assert list_orders(bfix, OrderQuery(text="%percent")).rows == ()


def test_an_unknown_microsite_is_still_reported(ctx: Context) -> None:
    with pytest.raises(NotFound, match="nowhere"):
        list_orders(ctx, OrderQuery(text="e", microsite="nowhere"))
    with pytest.raises(NotFound, match="nowhere"):
        count_orders(ctx, OrderQuery(text="e", microsite="nowhere"))


@pytest.mark.parametrize("fields", [{"email": "a"}, {"email": "AMELIA."}, {"postcode": "s"}, {"postcode": "ls1 "},
                                    {"name": "o"}, {"name": "müller"}, {"email": "%"}])
def test_prefix_searches_read_through_either_plan(fields: dict[str, str], plan_setting: str, ctx: Context,
                                                  all_facts: list[Fact]) -> None:
    """The advanced search's lone prefix field takes its page from its covering index (top) while
    few orders match, and walks the date index otherwise; both must list the oracle."""
    assert_matches_oracle(ctx, all_facts, OrderQuery(**fields))
    assert_matches_oracle(ctx, all_facts, OrderQuery(**fields, descending=False))
    assert_matches_oracle(ctx, all_facts, OrderQuery(**fields, period=Period.THIS_MONTH), PERIODS[Period.THIS_MONTH])
    assert_matches_oracle(ctx, all_facts, OrderQuery(**fields, quick_filter=QuickFilter.UNPAID))
    query = OrderQuery(**fields)
    pages = [list_orders(ctx, query, from_end=True, limit=LIMIT)]
    while pages[-1].has_before:
        pages.append(list_orders(ctx, query, before=pages[-1].first, limit=LIMIT))
    assert [r.number for page in reversed(pages) for r in page.rows] == text_oracle(all_facts, query, TODAY)
