"""`l` on an order: the lines editor with its money preview, by real keys; the store checked."""

from __future__ import annotations

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.dialogs import ConfirmDialog
from hubtui.screens.lines_preview_dialog import LinesPreviewDialog
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.order_lines import OrderLinesScreen
from hubtui.screens.payment_dialog import PaymentDialog
from hubtui.services.order_reads import get_order, list_orders

from .helpers import (
    SIZE,
    SMALL,
    assert_greyed_key_says_why,
    burst,
    error_notifications,
    jump_to,
    open_order_dialog,
    short,
    start_list,
    static_text,
    type_text,
    wait_for,
)


def editable_order(ctx, *, paid: bool = False) -> str:
    """An Approved GBP order without discounts whose first product is not the drill the tests add."""
    for row in list_orders(ctx, OrderQuery(status="Approved"), limit=100).rows:
        d = get_order(ctx, row.number)
        if (d.currency == "GBP" and not d.discounts and (d.payment_status == "Paid") == paid
                and all(l.stock_code != "BT-DRI-1000" for l in d.lines)):
            return row.number
    raise AssertionError("the demo has no such order")


def lines_of(ctx, number: str) -> list[tuple[str, int]]:
    return [(l.stock_code, l.quantity) for l in get_order(ctx, number).lines]


KEYS = ["l", *"BT-DRI-1000", "enter", "3", "enter", "ctrl+s", "ctrl+s"]


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_product_added_and_its_quantity_typed_then_saved(pace, make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        if pace == "spaced":
            await jump_to(pilot, short(number), number)
            await pilot.press("l")
            await wait_for(pilot, lambda: isinstance(app.screen, OrderLinesScreen), "the lines editor")
            assert app.focused is app.screen.query_one("#product-search")
            await type_text(pilot, "BT-DRI-1000")
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(app.screen.editor.lines) == len(before.lines) + 1, "the drill added")
            await pilot.press("3", "enter")
            await wait_for(pilot, lambda: "to pay" in static_text(app.screen.query_one("#running-total")),
                           "the money under the lines")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, LinesPreviewDialog), "the preview")
            shown = static_text(app.screen.query_one("#preview-text"))
            assert "BT-DRI-1000" in shown and "new → 3" in shown and "to pay" in shown
            await pilot.press("ctrl+s")
        else:
            burst(app, [":", *short(number), "enter", *KEYS])
        await wait_for(pilot, lambda: get_order(alice, number).version > before.version
                       or bool(error_notifications(app)), "the lines to be saved", limit=15)
        assert error_notifications(app) == []
        assert lines_of(alice, number) == [(l.stock_code, l.quantity) for l in before.lines] + [("BT-DRI-1000", 3)]
        stored = get_order(alice, number)
        assert stored.activity[0].summary.startswith("Lines changed: + BT-DRI-1000 ×3; total ")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                       and "BT-DRI-1000" in static_text(app.screen.query_one("#lines")), "the details, with the drill")


async def test_a_removed_line_is_greyed_until_saved_and_a_paid_order_then_owes_a_credit(make_app, alice):
    number = editable_order(alice, paid=True)
    before = get_order(alice, number)
    assert len(before.lines) >= 1
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        editor = app.screen.editor
        await type_text(pilot, "BT-SAW-1001")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(editor.lines) == len(before.lines) + 1, "the saw added")
        await pilot.press("tab", "tab", "ctrl+home", "delete")  # the first line, taken off
        assert 0 in editor.removed and editor.line_style(0) == "dim strike"
        await pilot.press("delete")  # and put back
        assert not editor.removed
        await pilot.press("delete", "ctrl+end", "delete")  # first line off again; the new saw simply goes
        assert len(editor.lines) == len(before.lines) and editor.removed == {0}
        if len(before.lines) == 1:
            return  # an order keeps one line: covered by the service tests
        await wait_for(pilot, lambda: "owed back" in static_text(app.screen.query_one("#running-total")),
                       "the credit owed, under the lines")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LinesPreviewDialog), "the preview")
        assert "removed" in static_text(app.screen.query_one("#preview-text"))
        assert get_order(alice, number).version == before.version, "nothing written before the second ctrl+s"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: get_order(alice, number).version > before.version, "the save")
        stored = get_order(alice, number)
        assert [l.stock_code for l in stored.lines] == [l.stock_code for l in before.lines[1:]]
        assert stored.owed_to_customer == before.lines[0].line_total


async def test_p_on_the_preview_saves_and_opens_the_payment_for_the_balance(make_app, alice):
    number = editable_order(alice, paid=True)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        burst(app, [*"2*BT-DRI-1000", "enter", "ctrl+s", "p"])
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog), "the payment dialog", limit=15)
        stored = get_order(alice, number)
        assert ("BT-DRI-1000", 2) in lines_of(alice, number) and stored.balance_due == stored.order_total - before.paid_total


async def test_esc_with_changes_asks_and_no_keeps_them(make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        await pilot.press(*"BT-DRI-1000", "enter")
        await wait_for(pilot, lambda: len(screen.editor.lines) == len(before.lines) + 1, "the drill added")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("escape")  # no: back to the lines, the drill still there
        await wait_for(pilot, lambda: app.screen is screen, "the editor again")
        assert len(screen.editor.lines) == len(before.lines) + 1
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), "the details")
        assert get_order(alice, number).version == before.version


async def test_quantities_that_cannot_be_are_said_and_nothing_is_written(make_app, alice):
    number = editable_order(alice)
    before = get_order(alice, number)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        await pilot.press(*"BT-DRI-1000", "enter", "0", "enter")
        await wait_for(pilot, lambda: "Quantity must be at least 1" in str(screen.query_one("#product-error").content),
                       "the refusal of 0")
        await pilot.press(*"250", "enter")  # above the usual 99: asked first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question about 250")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the editor")
        assert screen.editor.lines[-1].quantity == 1
        assert get_order(alice, number).version == before.version


async def test_a_conflict_offers_r_to_reload_and_reapply_with_the_new_preview(make_app, alice, context_for):
    from hubtui.services.order_discounts import add_discount

    number = editable_order(alice)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        await pilot.press(*"BT-DRI-1000", "enter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LinesPreviewDialog), "the preview")
        theirs = add_discount(context_for("pete"), number, amount=100, reason="goodwill")  # meanwhile
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LinesPreviewDialog) and bool(app.screen.conflict),
                       "the preview again, naming who changed the order")
        assert "Not saved: pete changed" in app.screen.conflict
        await pilot.press("ctrl+s")  # refused until reloaded
        await wait_for(pilot, lambda: any("r reloads it" in str(n.message) for n in app._notifications), "why not")
        assert get_order(alice, number).version == theirs.version
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, LinesPreviewDialog) and not app.screen.conflict,
                       "the new preview on the fresh order")
        assert "goodwill" in static_text(app.screen.query_one("#preview-text")) or app.screen.change.version == theirs.version
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: get_order(alice, number).version > theirs.version, "the reapplied save")
        stored = get_order(alice, number)
        assert ("BT-DRI-1000", 1) in lines_of(alice, number) and [d.description for d in stored.discounts] == ["goodwill"]
        assert screen is not app.screen


async def test_l_says_why_on_a_locked_order_and_for_the_warehouse(make_app, alice):
    sent = list_orders(alice, OrderQuery(status="Dispatched")).rows[0].number
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, sent, "l", "edit_lines", "lines and discounts are locked from "
                                         "SentToWarehouse on", OrderLinesScreen)
    approved = editable_order(alice)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, approved, "l", "edit_lines", "may not", OrderLinesScreen)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_lines_editor(snap_compare, make_app, alice, size):
    number = editable_order(alice)

    async def run_before(pilot) -> None:
        screen = await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        await pilot.press(*"2*BT-DRI-1000", "enter")
        await wait_for(pilot, lambda: screen.editor.change is not None, "the money")
        await pilot.press("tab", "tab", "ctrl+home", "delete")

    assert snap_compare(make_app("alice"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_lines_preview_dialog(snap_compare, make_app, alice, size):
    number = editable_order(alice)

    async def run_before(pilot) -> None:
        await open_order_dialog(pilot, number, "l", OrderLinesScreen)
        await pilot.press(*"2*BT-DRI-1000", "enter", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LinesPreviewDialog), "the preview")

    assert snap_compare(make_app("alice"), terminal_size=size, run_before=run_before)
