"""The Price Match screen by keys (issue 14): `M` opens it, digits filter by verdict with the
counts the service gives, `o` sorts by spread, `/` finds a stock code, enter shows a product's
price history, `a` applies one suggestion and `space`…`a` the selected ones (typed in a burst
or slowly, the same), esc on the confirmation changes nothing, `e` records a channel price, and
an agent's `a` is greyed and says why. What the store holds is read back through the services."""

from __future__ import annotations

import pytest

from hubtui.domain.money import format_money
from hubtui.domain.permissions import Permission, why_not
from hubtui.domain.price_match import PriceMatchQuery, VerdictKind
from hubtui.screens.apply_dialog import ApplyDialog
from hubtui.screens.channel_price_dialog import ChannelPriceDialog
from hubtui.screens.price_history import PriceHistoryDialog
from hubtui.screens.price_match import PriceMatchScreen
from hubtui.services.price_match import price_history, price_match_counts, price_match_page
from hubtui.widgets.commands import PriceMatchFilter
from hubtui.widgets.form_field import FormField
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import SIZE, SMALL, burst, list_status, notifications, type_text, visible_text, wait_for
from .price_match_support import (
    open_price_match,
    press_and_settle,
    row_of,
    settle,
    shown_codes,
    suggested_codes,
)


def gbp(amount: int) -> str:
    return format_money(amount, "GBP", grouping=True)


def codes_of(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.stock_code for row in page.rows]


async def test_m_opens_it_and_a_digit_filters_by_verdict_with_the_services_counts(make_app, context_for):
    sam = context_for("sam")
    counts = price_match_counts(sam, PriceMatchQuery())
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        bar = screen.query_one(QuickFilterBar)
        assert bar.counts[PriceMatchFilter.all] == counts.all
        assert {k: bar.counts.get(PriceMatchFilter(k.value), 0) for k in VerdictKind} == \
            {k: counts.by_verdict.get(k, 0) for k in VerdictKind}
        assert shown_codes(screen) == codes_of(price_match_page(sam, PriceMatchQuery(), limit=50))
        assert f"1–{len(screen.price_table.rows)} of {counts.all:,}" in list_status(screen)

        await press_and_settle(pilot, screen, "3")
        flagged = price_match_page(sam, PriceMatchQuery(verdict=VerdictKind.flagged), limit=50)
        assert flagged.rows, "the demo flags some products"
        assert shown_codes(screen) == codes_of(flagged)
        assert {row.verdict.kind for row in screen.price_table.rows} == {VerdictKind.flagged}
        assert screen.total == counts.by_verdict[VerdictKind.flagged]
        assert "flagged" in visible_text(app)
        # The counts of the other verdicts stay on show: they do not depend on the verdict chosen.
        assert bar.counts[PriceMatchFilter.all] == counts.all


async def test_sort_by_spread_text_filter_and_next_page_follow_the_service(make_app, context_for):
    sam = context_for("sam")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "o")
        by_spread = price_match_page(sam, PriceMatchQuery(sort="spread"), limit=50)
        assert shown_codes(screen) == codes_of(by_spread)
        assert "sort: spread" in list_status(screen)
        if by_spread.has_after:
            await press_and_settle(pilot, screen, "right_square_bracket")
            second = price_match_page(sam, PriceMatchQuery(sort="spread"), by_spread.last, limit=50)
            assert shown_codes(screen) == codes_of(second)
        await press_and_settle(pilot, screen, "o")
        code = codes_of(price_match_page(sam, PriceMatchQuery(), limit=50))[3]
        painted = screen.pages_painted
        await pilot.press("slash")
        await type_text(pilot, code.lower())
        await pilot.press("enter")
        await settle(pilot, screen, painted, f"the list filtered by {code}")
        assert code in shown_codes(screen)
        assert shown_codes(screen) == codes_of(price_match_page(sam, PriceMatchQuery(text=code.lower()), limit=50))


async def test_enter_shows_the_price_history_per_channel(make_app, context_for):
    sam = context_for("sam")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        code = screen.price_table.highlighted_key()
        history = price_history(sam, code)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PriceHistoryDialog), "the price history")
        text = visible_text(app)
        latest = {channel: views[0] for channel, views in history.by_channel.items() if views}
        assert latest, "the product has prices"
        missing = [channel for channel, view in latest.items() if gbp(view.price) not in text]
        assert missing == []
        assert code in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back to the list")


async def test_a_applies_the_highlighted_suggestion_after_its_confirmation(make_app, context_for):
    sam = context_for("sam")
    code = suggested_codes(sam, 1)[0]
    before = row_of(sam, code)
    suggested = before.verdict.suggested_price
    assert suggested is not None and suggested >= before.verdict.floor
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "2")
        assert screen.price_table.highlighted_key() == code
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
        text = visible_text(app)
        assert code in text and gbp(before.own_price) in text and f"→ {gbp(suggested)}" in text
        assert gbp(before.verdict.floor) in text
        painted = screen.pages_painted
        await pilot.press("ctrl+s")
        await settle(pilot, screen, painted, "the list read again after applying")
        after = row_of(sam, code)
        assert after.own_price == suggested
        assert price_history(sam, code).by_channel["website"][0].price == suggested
        assert any("1 product" in str(n.message) for n in notifications(app))


@pytest.mark.parametrize("typing", ["burst", "slow"])
async def test_space_selects_and_a_applies_all_selected_burst_or_slow(make_app, context_for, typing):
    sam = context_for("sam")
    first, second = suggested_codes(sam, 2)
    expected = {code: row_of(sam, code).verdict.suggested_price for code in (first, second)}
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        if typing == "burst":
            burst(app, ["2", "space", "j", "space", "a", "ctrl+s"])
        else:
            await press_and_settle(pilot, screen, "2")
            await pilot.press("space", "j", "space")
            assert screen.price_table.selected == {first, second}
            assert "2 selected" in list_status(screen)
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
            assert len(app.screen.changes) == 2
            await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: {code: row_of(sam, code).own_price for code in expected} == expected,
                       "both new prices in the store")
        await wait_for(pilot, lambda: app.screen is screen and not screen.price_table.selected,
                       "the list again, nothing selected")


async def test_esc_on_the_confirmation_changes_nothing(make_app, context_for):
    sam = context_for("sam")
    code = suggested_codes(sam, 1)[0]
    before = row_of(sam, code).own_price
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "2")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back to the list")
        assert row_of(sam, code).own_price == before


async def test_an_agent_sees_a_greyed_and_is_told_why(make_app, context_for):
    alice = context_for("alice")
    code = suggested_codes(alice, 1)[0]
    before = row_of(alice, code).own_price
    why = why_not("agent", Permission.set_prices)
    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_price_match(pilot)
        assert screen.check_action("apply", ()) is None
        await press_and_settle(pilot, screen, "2")
        await pilot.press("a")
        await wait_for(pilot, lambda: any(why in str(n.message) for n in notifications(app)), "why a does nothing")
        assert not any(isinstance(s, ApplyDialog) for s in app.screen_stack)
        assert row_of(alice, code).own_price == before


async def test_e_records_a_channel_price_and_a_bad_price_is_refused_inline(make_app, context_for):
    sam = context_for("sam")
    app = make_app("sam")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_price_match(pilot)
        code = screen.price_table.highlighted_key()
        seen_before = len(price_history(sam, code).by_channel.get("ebay", ()))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ChannelPriceDialog), "the price dialog")
        dialog = app.screen
        await pilot.press("e", "enter")  # a letter picks eBay; enter goes on to the price
        await type_text(pilot, "abc")
        await pilot.press("ctrl+s")
        assert dialog.query_one("#field-price", FormField).error
        assert len(price_history(sam, code).by_channel.get("ebay", ())) == seen_before
        await pilot.press("ctrl+u")
        await type_text(pilot, "1.23")
        painted = screen.pages_painted
        await pilot.press("ctrl+s")
        await settle(pilot, screen, painted, "the list read again after the new price")
        ebay = price_history(sam, code).by_channel["ebay"]
        assert len(ebay) == seen_before + 1
        assert ebay[0].price == 123
        assert any(row.stock_code == code and any(p.channel == "ebay" and p.price == 123 for p in row.prices)
                   for row in screen.price_table.rows)


async def test_the_palette_opens_both_screens_and_help_lists_the_keys(make_app, context_for):
    from hubtui.screens.price_rules import PriceRulesScreen

    from .helpers import start_list
    from .test_help_keys_palette import close_help, help_row, open_help, run_in_palette

    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await run_in_palette(pilot, "view: price match", "view: price match")
        await wait_for(pilot, lambda: isinstance(app.screen, PriceMatchScreen), "the Price Match screen")
        screen = app.screen
        help_screen, text = await open_help(pilot)
        assert help_row(text, "price_match.apply").startswith("a ")
        assert help_row(text, "price_match.select").startswith("space ")
        await close_help(pilot, screen)
        await run_in_palette(pilot, "view: price rules", "view: price rules")
        await wait_for(pilot, lambda: isinstance(app.screen, PriceRulesScreen), "the rules screen")
        assert [type(s).__name__ for s in app.screen_stack] == ["OrdersScreen", "PriceMatchScreen", "PriceRulesScreen"]


async def test_b_and_h_filter_by_brand_and_channel_and_1_keeps_them(make_app, context_for):
    from hubtui.screens.dialogs import PickDialog
    from hubtui.services.price_match import brands

    sam = context_for("sam")
    brand = brands(sam)[0]
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        painted = screen.pages_painted
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, PickDialog), "the brands")
        await pilot.press("2")  # the first brand, after "any"
        await settle(pilot, screen, painted, f"the products of {brand}")
        query = PriceMatchQuery(brand=brand)
        assert shown_codes(screen) == codes_of(price_match_page(sam, query, limit=50))
        assert screen.total == price_match_counts(sam, query).all

        painted = screen.pages_painted
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, PickDialog), "the channels")
        await pilot.press("3")  # any, App, Amazon
        await settle(pilot, screen, painted, "the products with an Amazon price")
        query = PriceMatchQuery(brand=brand, channel="amazon")
        assert shown_codes(screen) == codes_of(price_match_page(sam, query, limit=50))
        assert all(any(p.channel == "amazon" for p in row.prices) for row in screen.price_table.rows)
        counts = price_match_counts(sam, query)
        await press_and_settle(pilot, screen, "4")
        parity = PriceMatchQuery(verdict=VerdictKind.parity, brand=brand, channel="amazon")
        assert shown_codes(screen) == codes_of(price_match_page(sam, parity, limit=50))
        assert screen.total == counts.by_verdict.get(VerdictKind.parity, 0)
        assert "on Amazon" in app.screen.sub_title


async def test_a_price_changed_since_the_preview_is_refused_and_nothing_is_written(make_app, context_for):
    from hubtui.services.price_match import apply_suggestions, suggestions

    sam = context_for("sam")
    first, second = suggested_codes(sam, 2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "2")
        await pilot.press("space", "j", "space", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
        apply_suggestions(sam, suggestions(sam, [second]))  # someone else, meanwhile
        untouched = row_of(sam, first).own_price
        painted = screen.pages_painted
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notifications(app)), "the refusal")
        assert row_of(sam, first).own_price == untouched
        await settle(pilot, screen, painted, "the list read again after the refusal")
        assert app.screen is screen
        # The list shows the store as it is now: the other operator's change took `second` off it.
        assert second not in shown_codes(screen)
        assert shown_codes(screen) == codes_of(price_match_page(sam, PriceMatchQuery(verdict=VerdictKind.suggested),
                                                                limit=50))


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
async def test_a_hostile_product_name_shows_as_text_in_the_list_history_and_confirmation(make_app, context_for,
                                                                                          demo_db, size):
    from .new_order_support import Db
    from .test_hostile_text import HOSTILE

    sam = context_for("sam")
    code = suggested_codes(sam, 1)[0]
    Db(demo_db).execute("UPDATE products SET name = ? WHERE stock_code = ?", (HOSTILE, code))
    app = make_app("sam")
    async with app.run_test(size=size) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "2")
        assert screen.price_table.highlighted_key() == code
        assert "rang back [/] …" in visible_text(app), "markup shown as typed, cut by its column"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PriceHistoryDialog), "the price history")
        assert "rang back [/] [b]bold?[/b]" in visible_text(app)
        assert "\x1b" not in visible_text(app) and "\x07" not in visible_text(app)
        await pilot.press("escape", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
        assert "rang back" in visible_text(app) and "\x1b" not in visible_text(app)
        assert app.is_running


async def test_a_without_a_suggestion_says_so_and_one_is_left_out_of_a_selection(make_app, context_for):
    sam = context_for("sam")
    code = suggested_codes(sam, 1)[0]
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "3")
        flagged = screen.price_table.highlighted_key()
        await pilot.press("a")
        await wait_for(pilot, lambda: any("Nothing to apply" in str(n.message) and flagged in str(n.message)
                                          for n in notifications(app)), "the warning")
        assert not any(isinstance(s, ApplyDialog) for s in app.screen_stack)
        await pilot.press("space")
        await press_and_settle(pilot, screen, "2")
        await pilot.press("space", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApplyDialog), "the confirmation")
        assert [change.stock_code for change in app.screen.changes] == [code]
        assert "1 other product selected: no suggested price" in visible_text(app)


async def test_a_channel_price_typed_in_a_burst_is_recorded_as_typed_slowly(make_app, context_for):
    sam = context_for("sam")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_price_match(pilot)
        code = screen.price_table.highlighted_key()
        seen_before = len(price_history(sam, code).by_channel.get("amazon", ()))
        burst(app, ["e", "a", "enter", "4", ".", "5", "6", "ctrl+s"])  # a: from App on to Amazon
        await wait_for(pilot, lambda: len(price_history(sam, code).by_channel.get("amazon", ())) == seen_before + 1,
                       "the Amazon price in the store")
        assert price_history(sam, code).by_channel["amazon"][0].price == 456
        await wait_for(pilot, lambda: app.screen is screen, "the dialog closed")
