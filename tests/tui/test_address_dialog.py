"""`e` on an order: its addresses, phone and the customer's reference, by keys."""

from __future__ import annotations

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.address_dialog import AddressDialog
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
    type_text,
    wait_for,
)


def order_with(ctx, status: str) -> str:
    """The newest order in `status` shipped to Great Britain (the post codes typed here are British)."""
    numbers = [row.number for row in list_orders(ctx, OrderQuery(status=status)).rows]
    british = [number for number in numbers if get_order(ctx, number).shipping.country == "GB"]
    assert british, f"the first page of {status} orders ships nothing to Great Britain"
    return british[0]


async def open_dialog(pilot, number: str) -> AddressDialog:
    return await open_order_dialog(pilot, number, "e", AddressDialog)


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_new_first_line_and_post_code_for_the_parcel(pace, make_app, alice):
    number = order_with(alice, "Pending")
    before = get_order(alice, number)
    # The cursor starts on the first line of the shipping address; typing replaces it; enter moves on.
    keys = ["e", *"2 Mill Lane", "enter", "enter", "enter", *"LS2 9ZZ", "ctrl+s"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        if pace == "spaced":
            await jump_to(pilot, short(number), number)
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, AddressDialog), "the dialog")
            assert app.focused is app.screen.query_one("#shipping_line1")
            await type_text(pilot, "2 Mill Lane")
            await pilot.press("enter", "enter", "enter")
            await type_text(pilot, "LS2 9ZZ")
            await pilot.press("ctrl+s")
        else:
            burst(app, [":", *short(number), "enter", *keys])
        await wait_for(pilot, lambda: get_order(alice, number).version != before.version
                       or bool(error_notifications(app)), "the addresses to be saved", limit=15)
        assert error_notifications(app) == []
        stored = get_order(alice, number)
        assert (stored.shipping.line1, stored.shipping.postcode) == ("2 Mill Lane", "LS2 9ZZ")
        assert (stored.shipping.city, stored.billing) == (before.shipping.city, before.billing)
        assert stored.activity[0].summary == "Edited shipping" and stored.activity[0].user_name == "alice"


async def test_an_emptied_line_is_refused_under_its_field_and_nothing_is_written(make_app, alice):
    number = order_with(alice, "Pending")
    before = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        await pilot.press("ctrl+a", "ctrl+k", "ctrl+s")  # the first line, emptied
        field = dialog.query_one("#field-shipping_line1")
        await wait_for(pilot, lambda: "Give the first line" in field.error, "the field's refusal")
        assert app.screen is dialog and app.focused is dialog.query_one("#shipping_line1")
        assert get_order(alice, number).version == before.version


async def test_e_says_why_once_the_order_is_with_the_warehouse(make_app, alice):
    number = order_with(alice, "SentToWarehouse")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, number, "e", "edit_details", "locked from SentToWarehouse on",
                                         AddressDialog)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_address_dialog(snap_compare, make_app, alice, size):
    number = order_with(alice, "AwaitingApproval")

    async def run_before(pilot) -> None:
        await open_dialog(pilot, number)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def test_a_post_code_that_is_not_one_is_refused_under_its_field(make_app, alice):
    number = order_with(alice, "Pending")
    before = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        dialog.set_focus(dialog.query_one("#shipping_postcode"))
        await pilot.press("ctrl+a", "ctrl+k", *"LS1", "ctrl+s")
        field = dialog.query_one("#field-shipping_postcode")
        await wait_for(pilot, lambda: "is not a UK post code" in field.error, "the post code's refusal")
        assert app.screen is dialog and get_order(alice, number).version == before.version
