"""Advanced search ('f'): fields, ctrl+s, combining with a quick filter, and the inline date errors.

Select values are set on the widgets (choosing from a Select's overlay by keys adds nothing the
Select widget's own tests do not cover); text fields are typed with real key presses.
"""

from __future__ import annotations

from textual.widgets import Input, Label, Select

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.services.order_reads import count_orders, list_orders

from .helpers import (
    SIZE,
    assert_list_shows,
    error_notifications,
    list_settled,
    list_status,
    orders_table,
    press_and_wait,
    start_list,
    static_text,
    type_text,
    visible_text,
    wait_for,
)

# Textual 8 has no Select.BLANK sentinel: `Select.BLANK` is Widget.BLANK (a rendering flag, False).
EMAIL = "mia."
STATUS = "Incomplete"


async def open_search(pilot):
    from hubtui.screens.search_dialog import AdvancedSearchDialog

    app = pilot.app
    await pilot.press("f")
    await wait_for(pilot, lambda: isinstance(app.screen, AdvancedSearchDialog), "the advanced search dialog")
    dialog = app.screen
    assert app.focused is dialog.query_one("#search-quick", Select), "the dialog starts on its first field"
    return dialog


async def type_into(pilot, field: Input, text: str) -> None:
    field.focus()
    await wait_for(pilot, lambda: pilot.app.focused is field, f"focus on #{field.id}")
    await type_text(pilot, text)


async def test_status_and_email_search_with_ctrl_s_then_a_quick_filter(make_app, alice):
    searched = OrderQuery(status=STATUS, email=EMAIL)
    assert count_orders(alice, searched) > 0, "the demo data has no Incomplete order for this e-mail prefix"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        dialog = await open_search(pilot)
        dialog.query_one("#search-status", Select).value = STATUS
        await type_into(pilot, dialog.query_one("#search-email", Input), EMAIL)
        await press_and_wait(pilot, screen, "ctrl+s", what="the searched list after ctrl+s")
        assert app.screen is screen, "ctrl+s closes the dialog"
        assert screen.order_query == searched
        assert_list_shows(screen, list_orders(alice, searched), count_orders(alice, searched))
        assert app.focused is orders_table(screen)

        await press_and_wait(pilot, screen, "5", what="the unpaid quick filter on top of the search")
        combined = searched.with_changes(quick_filter=QuickFilter.UNPAID)
        assert screen.order_query == combined
        assert_list_shows(screen, list_orders(alice, combined), count_orders(alice, combined))

        # The dialog opens on what is searched now.
        dialog = await open_search(pilot)
        assert dialog.query_one("#search-quick", Select).value == QuickFilter.UNPAID.value
        assert dialog.query_one("#search-status", Select).value == STATUS
        assert dialog.query_one("#search-email", Input).value == EMAIL
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "esc to close the dialog")
        assert screen.order_query == combined
        assert error_notifications(app) == []


async def test_quick_filter_chosen_in_the_dialog_combines_with_payment_status(make_app, alice):
    query = OrderQuery(quick_filter=QuickFilter.HIGH_RISK, payment_status="Paid")
    assert count_orders(alice, query) > 0
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        dialog = await open_search(pilot)
        dialog.query_one("#search-quick", Select).value = QuickFilter.HIGH_RISK.value
        dialog.query_one("#search-payment_status", Select).value = "Paid"
        await press_and_wait(pilot, screen, "ctrl+s", what="the searched list after ctrl+s")
        assert screen.order_query == query
        assert_list_shows(screen, list_orders(alice, query), count_orders(alice, query))


async def test_an_invalid_date_shows_the_error_in_the_dialog_and_keeps_it_open(make_app, alice):
    from hubtui.screens.search_dialog import AdvancedSearchDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        before = screen.order_query
        dialog = await open_search(pilot)
        error = dialog.query_one("#search-error", Label)
        await type_into(pilot, dialog.query_one("#search-from", Input), "2026-13-45")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: static_text(error).strip() != "", "the inline date error")
        assert "2026-13-45" in static_text(error)
        assert "'2026-13-45' is not a date" in visible_text(app), "the error is where the operator can see it"
        assert isinstance(app.screen, AdvancedSearchDialog), "an invalid date keeps the dialog open"
        assert screen.order_query == before

        # A range that ends before it starts is refused the same way.
        dialog.query_one("#search-from", Input).value = "2026-11-20"
        await type_into(pilot, dialog.query_one("#search-to", Input), "2026-11-01")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "after the 'to' date" in static_text(error), "the from-after-to error")
        assert isinstance(app.screen, AdvancedSearchDialog)

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "esc to close the dialog")
        assert screen.order_query == before
        assert list_settled(screen)
        assert error_notifications(app) == []


async def test_a_search_with_no_matches_says_so_with_the_fields_searched(make_app, alice):
    nothing = OrderQuery(email="nobody-orders-here@")
    assert count_orders(alice, nothing) == 0
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        dialog = await open_search(pilot)
        await type_into(pilot, dialog.query_one("#search-email", Input), nothing.email)
        await press_and_wait(pilot, screen, "enter", what="the empty result after enter in a search field")
        assert screen.order_query == nothing
        assert_list_shows(screen, list_orders(alice, nothing), 0)
        assert "No orders match: filter all, email nobody-orders-here@." in list_status(screen)
        assert app.focused is orders_table(screen)
