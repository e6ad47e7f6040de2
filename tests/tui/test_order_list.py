"""The order list: quick filters, the '/' text filter, sorting, microsites, paging, empty results.

Every check compares what the table and status line show with the service's own answer for the
same OrderQuery and context (list_orders / count_orders / quick_filter_counts), so the tests stay
right when the store's queries change underneath. Keys are real key presses; waits are on the
list having painted a new page and settled (not reading, total known).
"""

from __future__ import annotations

import threading

from textual.widgets import Input

from hubtui.widgets.commands import KEY_LABELS, QUICK_FILTER_KEYS, QUICK_FILTER_SHORT
from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services import order_reads
from hubtui.services.order_reads import count_orders, list_orders, quick_filter_counts
from hubtui.services.reference import microsites
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import (
    SIZE,
    SMALL,
    WAIT_LIMIT_S,
    active_quick_labels,
    assert_list_shows,
    error_notifications,
    go_to_row,
    list_settled,
    list_status,
    notifications,
    orders_table,
    press_and_wait,
    region_text,
    start_list,
    static_text,
    table_numbers,
    type_text,
    visible_text,
    wait_for,
)

QUICK_KEYS = list(zip(QuickFilter, QUICK_FILTER_KEYS))


def bar_label(quick: QuickFilter, key: str, count: int) -> str:
    return f"{KEY_LABELS.get(key, key)}:{QUICK_FILTER_SHORT[quick]} {count:,}"


async def test_every_quick_filter_key_shows_the_services_first_page_and_counts(make_app, alice):
    counts = quick_filter_counts(alice)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        table = orders_table(screen)
        bar = screen.query_one(QuickFilterBar)
        assert app.focused is table
        await wait_for(pilot, lambda: bar.counts is not None, "the quick-filter counts")
        assert bar.counts == counts
        shown = static_text(bar)
        for quick, key in QUICK_KEYS:
            assert bar_label(quick, key, counts[quick]) in shown
        assert active_quick_labels(bar) == [bar_label(QuickFilter.ALL, "1", counts[QuickFilter.ALL])]

        # End on "all": pressing the key of the filter already active changes nothing.
        for quick, key in QUICK_KEYS[1:] + QUICK_KEYS[:1]:
            await press_and_wait(pilot, screen, key, what=f"the '{quick}' list after pressing {key}")
            query = OrderQuery(quick_filter=quick)
            assert screen.order_query == query, key
            page, total = list_orders(alice, query), count_orders(alice, query)
            assert total == counts[quick], f"count_orders and quick_filter_counts disagree on {quick}"
            assert_list_shows(screen, page, total)
            assert bar.active == quick
            assert active_quick_labels(bar) == [bar_label(quick, key, counts[quick])]
            assert bar.counts == counts
            if page.rows:
                assert page.rows[0].number in visible_text(app)
            assert app.focused is table


async def test_slash_filter_applies_the_text_and_escape_returns_to_the_full_list(make_app, alice):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        field = screen.query_one("#filter-text", Input)
        assert not field.display
        await pilot.press("slash")
        assert field.display
        assert app.focused is field

        painted = screen.pages_painted
        await type_text(pilot, "wood")
        assert field.value == "wood"
        await pilot.press("enter")
        query = OrderQuery(text="wood")
        await wait_for(pilot, lambda: screen.order_query == query and screen.pages_painted > painted
                       and list_settled(screen), "the list filtered by 'wood'")
        assert app.focused is orders_table(screen), "enter goes back to the list"
        assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))
        assert error_notifications(app) == []

        await press_and_wait(pilot, screen, "escape", what="the full list after esc")
        assert screen.order_query == OrderQuery()
        assert not field.display
        assert field.value == ""
        assert app.focused is orders_table(screen)
        assert_list_shows(screen, list_orders(alice, OrderQuery()), count_orders(alice, OrderQuery()))


# Quotes, SQL LIKE wildcards, a backslash, non-ASCII letters, and keys that are bindings on the list.
# (Pilot cannot type symbols outside ASCII such as ✓ or €: it sends the key without its character.)
AWKWARD_TEXTS = ["O'Brien\"", "100%_", "Zoë Ünï\\", "1o]G/j"]


async def test_slash_filter_survives_awkward_text(make_app, alice):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        field = screen.query_one("#filter-text", Input)
        for text in AWKWARD_TEXTS:
            if screen.order_query != OrderQuery():
                await press_and_wait(pilot, screen, "escape", what="the full list after esc")
            await pilot.press("slash")
            assert app.focused is field
            painted = screen.pages_painted
            await type_text(pilot, text)
            assert field.value == text, "every key went into the filter, none ran a list command"
            await pilot.press("enter")
            query = OrderQuery(text=text)
            await wait_for(pilot, lambda: screen.order_query == query and screen.pages_painted > painted
                           and list_settled(screen), f"the list filtered by {text!r}")
            assert app.is_running
            assert error_notifications(app) == [], text
            assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))


async def test_sort_keys_cycle_date_total_status_and_reverse(make_app, alice):
    steps = [
        ("o", SortKey.TOTAL, True, "sort: total ↓"),
        ("o", SortKey.STATUS, False, "sort: status ↑"),
        ("o", SortKey.PLACED, True, "sort: date ↓"),
        ("O", SortKey.PLACED, False, "sort: date ↑"),
        ("O", SortKey.PLACED, True, "sort: date ↓"),
    ]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        assert "sort: date ↓" in list_status(screen)
        for key, sort, descending, label in steps:
            await press_and_wait(pilot, screen, key, what=f"the list sorted by {sort} after {key}")
            query = OrderQuery(sort=sort, descending=descending)
            assert screen.order_query == query
            assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))
            assert label in list_status(screen)
            assert app.focused is orders_table(screen)


async def test_m_cycles_the_microsites_and_their_counts(make_app, alice):
    codes = [choice.value for choice in microsites(alice)]
    assert len(codes) >= 2
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        bar = screen.query_one(QuickFilterBar)
        await wait_for(pilot, lambda: screen.microsites == codes, "the microsites to be read")
        for code in [*codes, None]:
            await press_and_wait(pilot, screen, "m", what=f"the {code or 'all-microsites'} list")
            query = OrderQuery(microsite=code)
            assert screen.order_query == query
            assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))
            expected = quick_filter_counts(alice, code)
            await wait_for(pilot, lambda: bar.counts == expected,
                           f"the quick-filter bar to show quick_filter_counts for {code}")
            assert f"1:All {expected[QuickFilter.ALL]:,}" in static_text(bar)
            assert (code or "all microsites") in screen.sub_title
            assert {row.microsite for row in list_orders(alice, query).rows} <= ({code} if code else set(codes))


def _an_empty_quick_filter(context_for) -> tuple[str, str, QuickFilter]:
    """(organisation, microsite, quick filter) of the demo that holds no order."""
    for org in ("BTOOLS", "BFIX"):
        ctx = context_for("alice", org)
        for code in (choice.value for choice in microsites(ctx)):
            counts = quick_filter_counts(ctx, code)
            for quick in QuickFilter:
                if counts[quick] == 0:
                    return org, code, quick
    raise AssertionError("every quick filter of every demo microsite holds orders")


async def test_a_filter_with_no_matches_says_so_with_the_active_filters(make_app, context_for):
    org, microsite, quick = _an_empty_quick_filter(context_for)
    alice = context_for("alice", org)
    empty = OrderQuery(quick_filter=quick, microsite=microsite)
    assert count_orders(alice, empty) == 0
    said = f"No orders match: filter {quick.value}, microsite {microsite}."
    app = make_app("alice", org)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        await wait_for(pilot, lambda: microsite in screen.microsites, "the microsites to be read")
        for _ in range(len(screen.microsites) + 1):
            if screen.order_query.microsite == microsite:
                break
            await press_and_wait(pilot, screen, "m", what="the next microsite")
        await press_and_wait(pilot, screen, QUICK_FILTER_KEYS[list(QuickFilter).index(quick)],
                             what=f"the {quick.value} list")
        assert screen.order_query == empty
        assert table_numbers(screen) == []
        assert list_orders(alice, empty).rows == ()
        status = list_status(screen)
        assert status.strip() == said
        assert said in visible_text(app)
        await pilot.press("enter", "j", "k")  # nothing to open or move to; nothing breaks
        assert app.screen is screen
        assert error_notifications(app) == []
        assert app.focused is orders_table(screen)
        await pilot.press("p")  # nothing to pay: said, not silently ignored
        await wait_for(pilot, lambda: any("list is empty" in str(n.message) for n in notifications(app)),
                       "the empty list's answer to p")
        assert app.screen is screen


async def test_paging_with_j_k_pgdn_brackets_g_and_shift_g(make_app, alice):
    query = OrderQuery()
    total = count_orders(alice, query)
    first = list_orders(alice, query)
    assert first.has_after and len(first.rows) == 50
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        table = orders_table(screen)
        assert_list_shows(screen, first, total)

        await pilot.press("j")
        assert table.cursor_row == 1
        assert table.highlighted_number() == first.rows[1].number
        await pilot.press("k")
        assert table.cursor_row == 0

        # j at the last row of a page reads the next page.
        await go_to_row(pilot, screen, last=True)
        assert table.cursor_row == 49
        assert table_numbers(screen) == [row.number for row in first.rows], "no page change inside a page"
        await press_and_wait(pilot, screen, "j", what="page 2 after j on the last row")
        second = list_orders(alice, query, after=first.last)
        assert_list_shows(screen, second, total, rows_before=50)
        assert f"51–100 of {total:,}" in list_status(screen)
        assert table.cursor_row == 0
        assert app.focused is table

        # PgDn moves down a screenful inside the page; at the last row it reads the next page.
        await pilot.press("pagedown")
        assert 0 < table.cursor_row < 49
        assert table_numbers(screen) == [row.number for row in second.rows]
        await go_to_row(pilot, screen, last=True)
        assert table.cursor_row == 49
        await press_and_wait(pilot, screen, "pagedown", what="page 3 after PgDn on the last row")
        third = list_orders(alice, query, after=second.last)
        assert_list_shows(screen, third, total, rows_before=100)

        await press_and_wait(pilot, screen, "right_square_bracket", what="page 4 after ]")
        fourth = list_orders(alice, query, after=third.last)
        assert_list_shows(screen, fourth, total, rows_before=150)

        await press_and_wait(pilot, screen, "left_square_bracket", what="page 3 after [")
        back = list_orders(alice, query, before=fourth.first)
        assert [r.number for r in back.rows] == [r.number for r in third.rows]
        assert_list_shows(screen, back, total, rows_before=100)

        await press_and_wait(pilot, screen, "g", what="the first page after g")
        assert_list_shows(screen, first, total)

        await press_and_wait(pilot, screen, "G", what="the last page after G")
        last = list_orders(alice, query, from_end=True)
        assert not last.has_after
        assert_list_shows(screen, last, total, rows_before=total - len(last.rows))
        assert f"{total - len(last.rows) + 1:,}–{total:,} of {total:,}" in list_status(screen)
        assert table.cursor_row == len(last.rows) - 1, "G lands on the oldest order"

        # k at the top of the last page reads the page before it.
        await go_to_row(pilot, screen, last=False)
        assert table.cursor_row == 0
        await press_and_wait(pilot, screen, "k", what="the page before the last after k on the top row")
        before_last = list_orders(alice, query, before=last.first)
        assert_list_shows(screen, before_last, total, rows_before=total - len(last.rows) - len(before_last.rows))
        assert table.row_count <= 100


async def test_refresh_keeps_the_page_and_the_highlighted_order(make_app, alice):
    query = OrderQuery()
    total = count_orders(alice, query)
    first = list_orders(alice, query)
    second = list_orders(alice, query, after=first.last)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        table = orders_table(screen)
        await press_and_wait(pilot, screen, "right_square_bracket", what="page 2")
        await pilot.press("j", "j")
        assert table.highlighted_number() == second.rows[2].number
        await press_and_wait(pilot, screen, "r", what="the list read again after r")
        assert table.highlighted_number() == second.rows[2].number
        assert_list_shows(screen, second, total, rows_before=50)


async def test_quick_filter_labels_stay_whole_at_80_columns(make_app, alice):
    counts = quick_filter_counts(alice)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await start_list(pilot)
        bar = screen.query_one(QuickFilterBar)
        await wait_for(pilot, lambda: bar.counts is not None, "the quick-filter counts")
        shown = region_text(app, bar)
        for quick, key in QUICK_KEYS:
            assert bar_label(quick, key, counts[quick]) in shown, f"{quick} is split across lines:\n{shown}"


async def test_slash_and_text_in_one_burst_all_go_into_the_filter(make_app, alice):
    """"/" runs once it has bubbled back up from the list; letters typed right behind it
    wait for it, or j, k, 1-9 would still run list commands on the way to the box."""
    from textual import events

    text = "jk5 Evans"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        field = screen.query_one("#filter-text", Input)
        before = (screen.order_query, orders_table(screen).cursor_row)
        for key in ("slash", *text):
            app.post_message(events.Key({"slash": "slash", " ": "space"}.get(key, key),
                                        {"slash": "/"}.get(key, key)))
        await wait_for(pilot, lambda: field.value == text, f"{text!r} in the filter box")
        assert (screen.order_query.quick_filter, orders_table(screen).cursor_row) == (
            before[0].quick_filter, before[1]), "no letter ran a list command"


def header_line(app) -> str:
    """The header as painted: the organisation and the sub-title."""
    return visible_text(app).splitlines()[0]


def assert_bar_shows(app, bar, counts) -> None:
    shown = region_text(app, bar)
    for quick, key in QUICK_KEYS:
        assert bar_label(quick, key, counts[quick]) in shown, f"{quick} is not painted as {counts[quick]}:\n{shown}"


async def test_d_counts_every_quick_filter_in_the_period_and_the_header_names_it(make_app, alice):
    everyone = quick_filter_counts(alice)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        bar = screen.query_one(QuickFilterBar)
        for period, words in ((Period.TODAY, "today"), (Period.YESTERDAY, "yesterday"),
                              (Period.LAST_7_DAYS, "last 7 days")):
            await press_and_wait(pilot, screen, "D", what=f"the list of {words}")
            query = OrderQuery(period=period)
            assert screen.order_query == query
            expected = quick_filter_counts(alice, query)
            assert expected[QuickFilter.ALL] < everyone[QuickFilter.ALL], "the period no longer narrows the demo"
            await wait_for(pilot, lambda: bar.counts == expected, f"the counts of {words}")
            assert_bar_shows(app, bar, expected)
            total = count_orders(alice, query)
            assert expected[QuickFilter.ALL] == total
            assert screen.sub_title == f"All · {total:,} orders · {words} · all microsites · alice"
            assert f"· {words} ·" in header_line(app)
            assert f"period: {words}" in list_status(screen)


async def test_esc_clears_the_text_and_keeps_the_period(make_app, alice):
    """D then "/wood": esc takes the text away and leaves the period, as it leaves the microsite."""
    last_week = OrderQuery(period=Period.LAST_7_DAYS)
    wood = last_week.with_changes(text="wood")
    assert 0 < count_orders(alice, wood) < count_orders(alice, last_week), "the demo no longer narrows by 'wood'"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        await pilot.press("D", "D", "D")
        await wait_for(pilot, lambda: screen.order_query == last_week and list_settled(screen), "the last 7 days")
        await pilot.press("slash")
        await type_text(pilot, "wood")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.order_query == wood and list_settled(screen), "the list of 'wood'")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.order_query == last_week and list_settled(screen), "the week after esc")
        assert screen.query_one("#filter-text", Input).value == ""
        assert_list_shows(screen, list_orders(alice, last_week), count_orders(alice, last_week))
        assert "· last 7 days ·" in header_line(app)


async def test_slash_text_counts_every_quick_filter_and_one_order_reads_as_one(make_app, alice):
    number = list_orders(alice, OrderQuery()).rows[7].number
    assert count_orders(alice, OrderQuery(text=number)) == 1, "the number should match only itself"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        bar = screen.query_one(QuickFilterBar)
        field = screen.query_one("#filter-text", Input)
        for text in ("e", number):
            if field.value:
                await press_and_wait(pilot, screen, "escape", what="the full list after esc")
            await pilot.press("slash")
            await type_text(pilot, text)
            await pilot.press("enter")
            query = OrderQuery(text=text)
            expected = quick_filter_counts(alice, query)
            await wait_for(pilot, lambda: screen.order_query == query and list_settled(screen)
                           and bar.counts == expected, f"the list and its counts filtered by {text!r}")
            assert_bar_shows(app, bar, expected)
            assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))
        assert screen.sub_title == "All · 1 order · all microsites · alice"
        assert "All · 1 order · all microsites" in header_line(app)


async def test_counts_not_known_yet_show_as_such_and_a_stale_answer_is_dropped(make_app, alice, monkeypatch):
    """The count for "wood" is held in its worker: the list still comes at once, the bar shows
    "…" for every filter (whole, within three lines at 80 columns), and when the operator has
    moved on, the held answer, once let go, does not replace the counts of the list on show."""
    from hubtui.screens.orders import OrdersScreen, counts_key

    real = order_reads.quick_filter_counts
    held, release, finished = threading.Event(), threading.Event(), threading.Event()

    def held_for_wood(ctx, query=None, **kwargs):
        if isinstance(query, OrderQuery) and query.text == "wood":
            held.set()
            release.wait(WAIT_LIMIT_S * 2)
            try:
                return real(ctx, query, **kwargs)
            finally:
                finished.set()
        return real(ctx, query, **kwargs)

    monkeypatch.setattr(order_reads, "quick_filter_counts", held_for_wood)
    wood = OrderQuery(text="wood")
    app = make_app()
    try:
        async with app.run_test(size=SMALL) as pilot:
            screen = await start_list(pilot)
            bar = screen.query_one(QuickFilterBar)
            everyone = real(alice)
            await wait_for(pilot, lambda: bar.counts == everyone, "the counts of every order")

            await pilot.press("slash")
            await type_text(pilot, "wood")
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.order_query == wood and list_settled(screen) and held.is_set(),
                           "the list filtered by 'wood', its counts held")
            assert table_numbers(screen) == [row.number for row in list_orders(alice, wood).rows]
            assert bar.counts is None
            shown = region_text(app, bar)
            assert len(shown.splitlines()) <= 3
            for quick, key in QUICK_KEYS:
                assert f"{KEY_LABELS.get(key, key)}:{QUICK_FILTER_SHORT[quick]} …" in shown, shown
            assert f"{everyone[QuickFilter.ALL]:,}" not in shown, "a count of another query is on show"

            await press_and_wait(pilot, screen, "escape", what="the full list after esc")
            await wait_for(pilot, lambda: bar.counts == everyone, "the counts of every order again")
            release.set()
            await wait_for(pilot, lambda: finished.is_set() and not any(
                w.group == "quick-counts" and not w.is_finished for w in screen.workers), "the held count to end")
            await pilot.pause()
            assert bar.counts == everyone and screen.counts_shown == counts_key(OrderQuery())

            # An answer for a query no longer on show is dropped whatever brought it.
            screen.post_message(OrdersScreen.QuickCountsLoaded(counts_key(wood), {f: 7 for f in QuickFilter}))
            await pilot.pause()
            assert bar.counts == everyone
            assert_bar_shows(app, bar, everyone)
    finally:
        release.set()
