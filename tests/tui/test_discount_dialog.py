"""`d` on an order: a promotion code, a discount of your own with a reason, taking one off; by keys."""

from __future__ import annotations

import pytest

from hubtui.screens.discount_dialog import DiscountDialog
from hubtui.services.order_reads import get_order

from .helpers import SIZE, SMALL, assert_greyed_key_says_why, burst, error_notifications, open_order_dialog, \
    short, start_list, static_text, type_text, wait_for
from .test_order_lines import editable_order


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_code_is_applied_with_enter(pace, make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        if pace == "spaced":
            await open_order_dialog(pilot, number, "d", DiscountDialog)
            await type_text(pilot, "save10")
            await pilot.press("enter")
        else:
            await start_list(pilot)
            burst(app, [":", *short(number), "enter", "d", *"save10", "enter"])
        await wait_for(pilot, lambda: get_order(alice, number).version > before.version
                       or bool(error_notifications(app)), "the promotion applied", limit=15)
        assert error_notifications(app) == []
        stored = get_order(alice, number)
        assert [d.code for d in stored.discounts] == ["SAVE10"]
        assert stored.discount_total == (before.lines_total + 5) // 10
        await wait_for(pilot, lambda: "SAVE10" in static_text(app.screen.query_one("#lines")), "the code on the order")


async def test_a_code_that_does_not_apply_says_why_under_the_field_keeping_it(make_app, alice):
    number = editable_order(alice)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_order_dialog(pilot, number, "d", DiscountDialog)
        await type_text(pilot, "NEWYEAR25")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscountDialog) and app.screen is not dialog,
                       "the dialog again, with the reason")
        again = app.screen
        assert "NEWYEAR25 starts on" in str(again.query_one("#discount-error").content)
        assert again.query_one("#discount_what").value == "NEWYEAR25"
        assert get_order(alice, number).discounts == ()


async def test_an_amount_needs_a_reason_then_is_given_and_del_takes_it_off(make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_order_dialog(pilot, number, "d", DiscountDialog)
        await type_text(pilot, "2.50")
        await pilot.press("ctrl+s")
        reason = dialog.query_one("#field-reason")
        assert "Give the reason" in reason.error and app.focused is reason.input
        await type_text(pilot, "late delivery")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(get_order(alice, number).discounts) == 1, "the discount given")
        given = get_order(alice, number)
        assert given.discount_total == 250 and given.order_total == before.order_total - 250
        assert given.activity[0].summary.startswith("Discount −£2.50 given: late delivery")
        await wait_for(pilot, lambda: not isinstance(app.screen, DiscountDialog)
                       and app.screen.detail.version == given.version, "the details again")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscountDialog), "the dialog")
        await pilot.press("shift+tab", "delete")
        await wait_for(pilot, lambda: get_order(alice, number).discounts == (), "the discount taken off")
        assert get_order(alice, number).order_total == before.order_total


async def test_a_percentage_over_100_is_refused_before_anything_is_sent(make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_order_dialog(pilot, number, "d", DiscountDialog)
        await type_text(pilot, "150%")
        await pilot.press("enter")
        await type_text(pilot, "why not")
        await pilot.press("ctrl+s")
        assert "at most 100" in dialog.query_one("#field-what").error
        assert app.screen is dialog and get_order(alice, number).version == before.version


async def test_d_says_why_on_a_locked_order(make_app, alice):
    from hubtui.domain.order_query import OrderQuery
    from hubtui.services.order_reads import list_orders

    sent = list_orders(alice, OrderQuery(status="Dispatched")).rows[0].number
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, sent, "d", "discount", "are locked from SentToWarehouse on",
                                         DiscountDialog)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_discount_dialog(snap_compare, make_app, alice, size):
    from hubtui.services.order_discounts import add_discount

    number = editable_order(alice)
    add_discount(alice, number, amount=100, reason="goodwill after a late delivery")

    async def run_before(pilot) -> None:
        await open_order_dialog(pilot, number, "d", DiscountDialog)
        await type_text(pilot, "SAVE10")

    assert snap_compare(make_app("alice"), terminal_size=size, run_before=run_before)
