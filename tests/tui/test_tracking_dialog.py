"""`t` on an order: carrier, tracking number and link, by keys; refusals under their field."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.tracking_dialog import TrackingDialog
from hubtui.services.order_reads import get_order, list_orders

from .helpers import (
    assert_greyed_key_says_why,
    burst,
    open_order_dialog,
    SIZE,
    SMALL,
    error_notifications,
    jump_to,
    short,
    start_list,
    static_text,
    type_text,
    wait_for,
)

LINK = "https://track.example.com/p/TRK77?lang=en"


def order_with(ctx, status: str) -> str:
    return list_orders(ctx, OrderQuery(status=status)).rows[0].number


async def open_dialog(pilot, number: str) -> TrackingDialog:
    return await open_order_dialog(pilot, number, "t", TrackingDialog)


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_the_warehouse_sets_tracking_with_keys(pace, make_app, context_for):
    wendy = context_for("wendy")
    number = order_with(wendy, "ReadyToDispatch")
    before = get_order(wendy, number)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        # The cursor starts on the number; enter goes on to the link; shift+tab back to the carrier.
        keys = ["t", *"TRK77", "enter", *LINK, "shift+tab", "shift+tab", "ctrl+a", "ctrl+k", *"DPD", "ctrl+s"]
        if pace == "spaced":
            await jump_to(pilot, short(number), number)
            await pilot.press("t")
            await wait_for(pilot, lambda: isinstance(app.screen, TrackingDialog), "the dialog")
            assert app.focused is app.screen.query_one("#tracking_number")
            await type_text(pilot, "TRK77")
            await pilot.press("enter")
            await type_text(pilot, LINK)
            await pilot.press("shift+tab", "shift+tab", "ctrl+a", "ctrl+k")
            await type_text(pilot, "DPD")
            await pilot.press("ctrl+s")
        else:
            burst(app, [":", *short(number), "enter", *keys])
        await wait_for(pilot, lambda: get_order(wendy, number).tracking_number == "TRK77"
                       or bool(error_notifications(app)), "the tracking to be saved", limit=15)
        assert error_notifications(app) == []
        stored = get_order(wendy, number)
        assert (stored.tracking_carrier, stored.tracking_number, stored.tracking_link) == ("DPD", "TRK77", LINK)
        verb = "changed" if before.tracking_number else "set"  # typing over a field replaces what it held
        assert stored.version == before.version + 1 and stored.activity[0].summary == f"Tracking {verb}: DPD TRK77"
        await wait_for(pilot, lambda: "TRK77" in static_text(app.screen.query_one("#tracking")),
                       "the details to show the tracking")


async def test_a_link_that_is_not_http_is_refused_under_its_field(make_app, context_for):
    wendy = context_for("wendy")
    number = order_with(wendy, "ReadyToDispatch")
    before = get_order(wendy, number)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        await type_text(pilot, "TRK1")
        await pilot.press("enter")
        await type_text(pilot, "javascript:alert(1)")
        await pilot.press("ctrl+s")
        field = dialog.query_one("#field-tracking_link")
        await wait_for(pilot, lambda: "http:// or https://" in field.error, "the link's refusal")
        assert app.screen is dialog and app.focused is dialog.query_one("#tracking_link")
        assert get_order(wendy, number).version == before.version


async def test_t_says_why_before_ready_to_dispatch_and_for_an_agent(make_app, alice, context_for):
    approved = order_with(alice, "Approved")
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, approved, "t", "tracking", "tracking is set from ReadyToDispatch on",
                                         TrackingDialog)
    ready = order_with(alice, "ReadyToDispatch")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, ready, "t", "tracking", "may not set tracking", TrackingDialog)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_tracking_dialog(snap_compare, make_app, context_for, size):
    number = order_with(context_for("wendy"), "Dispatched")

    async def run_before(pilot) -> None:
        await open_dialog(pilot, number)

    assert snap_compare(make_app("wendy"), terminal_size=size, run_before=run_before)


async def test_after_another_operators_change_the_dialog_keeps_what_was_typed_and_saves_it_on_the_fresh_order(
        make_app, context_for):
    from hubtui.domain.tracking import Tracking
    from hubtui.services.order_tracking import set_tracking

    wendy = context_for("wendy")
    number = order_with(wendy, "ReadyToDispatch")
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        await type_text(pilot, "TRK-WENDY")
        set_tracking(context_for("sam"), number, Tracking("Evri", "TRK-SAM"))  # meanwhile, at another desk
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TrackingDialog) and app.screen is not dialog,
                       "the dialog again, naming who changed the order")
        again = app.screen
        assert "Not saved: sam changed" in str(again.query_one("#tracking-error").content)
        assert again.query_one("#tracking_number", Input).value == "TRK-WENDY"
        assert get_order(wendy, number).tracking_number == "TRK-SAM", "nothing of wendy's was written"
        await pilot.press("ctrl+s")  # the same change, on the order as it is now
        await wait_for(pilot, lambda: get_order(wendy, number).tracking_number == "TRK-WENDY"
                       or len(error_notifications(app)) > 1, "the change to be saved on the fresh order")
        stored = get_order(wendy, number)
        assert stored.tracking_number == "TRK-WENDY" and stored.activity[0].before["number"] == "TRK-SAM"
