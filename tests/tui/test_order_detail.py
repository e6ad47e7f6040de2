"""Order details: opening (enter, ':' jump), what they show, greyed-out actions, notes and status changes.

What the screen holds is compared with get_order for the same context; writes are checked in the
store (get_order after the write) as well as on the screen.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, OptionList
from textual.widgets._footer import FooterKey

from hubtui.domain.money import format_money
from hubtui.domain.order_query import OrderQuery
from hubtui.screens.dialogs import ConfirmDialog, JumpDialog, NoteDialog, StatusDialog
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.services.order_reads import get_order, list_orders
from hubtui.services.order_writes import change_status

from .helpers import (
    SIZE,
    back_to_list,
    error_notifications,
    jump_to,
    notifications,
    orders_table,
    region_text,
    short,
    shown_order_lines,
    start_list,
    static_text,
    type_text,
    visible_text,
    wait_for,
)


def first_with(ctx, **fields) -> str:
    page = list_orders(ctx, OrderQuery(**fields))
    assert page.rows, f"the demo data has no order with {fields}"
    return page.rows[0].number


async def wait_for_footer(pilot, screen, action: str, enabled: bool) -> None:
    """The footer recomposes after the bindings change; wait for it to show `action` as `enabled`."""
    def shown() -> bool:
        keys = [key for key in screen.query(FooterKey) if key.action == action]
        return len(keys) == 1 and keys[0].has_class("-disabled") is (not enabled)

    await wait_for(pilot, shown, f"the footer to show {action} {'enabled' if enabled else 'greyed out'}")


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


async def test_enter_opens_the_highlighted_phone_order_and_esc_returns_to_it(make_app, alice):
    page = list_orders(alice, OrderQuery())
    index = next(i for i, row in enumerate(page.rows) if row.channel == "telephone" and i > 0)
    number = page.rows[index].number
    expected = get_order(alice, number)
    assert expected.lines and expected.payments and len(expected.activity) >= 2
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        table = orders_table(listing)
        await pilot.press(*["j"] * index)
        assert table.highlighted_number() == number
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), "the order details")
        screen = app.screen
        assert len(app.screen_stack) == 2, "enter opened the order once"
        assert app.focused is screen.query_one("#detail-body")
        assert screen.detail == expected, "the details are get_order's answer"

        assert screen.title == f"{number} · Phone Order"
        summary = static_text(screen.query_one("#summary"))
        assert number in summary and "Phone Order" in summary and expected.status in summary
        shown = visible_text(app)
        assert f"{number}  Phone Order" in shown
        lines = static_text(screen.query_one("#lines"))
        for line in expected.lines:
            assert line.stock_code in lines and line.product_name in lines
            assert line.stock_code in shown
        payments = static_text(screen.query_one("#payments"))
        for payment in expected.payments:
            assert payment.method in payments and payment.reference in payments
        activity = static_text(screen.query_one("#activity"))
        times = [a.at for a in expected.activity]
        assert times == sorted(times, reverse=True), "get_order lists activity newest first"
        assert in_order(activity, [a.summary for a in expected.activity]), "the screen lists activity newest first"

        listing_again = await back_to_list(pilot)
        assert listing_again is listing
        assert table.cursor_row == index
        assert table.highlighted_number() == number
        assert app.focused is table


async def test_jump_opens_an_order_with_or_without_bt_and_refuses_unknown_numbers(make_app, alice, context_for):
    page = list_orders(alice, OrderQuery())
    with_prefix, without_prefix = page.rows[0].number, page.rows[3].number
    other_org = list_orders(context_for("sam", "BFIX"), OrderQuery()).rows[0].number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)

        screen = await jump_to(pilot, with_prefix, with_prefix)
        assert screen.detail == get_order(alice, with_prefix)
        await back_to_list(pilot)

        screen = await jump_to(pilot, short(without_prefix), without_prefix)
        assert screen.detail == get_order(alice, without_prefix)
        assert without_prefix in visible_text(app)
        await back_to_list(pilot)

        for typed, message in (("9999999", "No order BT9999999 in BTOOLS."),
                               (short(other_org), f"No order {other_org} in BTOOLS."),
                               ("abc", "is not a BT number")):
            app.clear_notifications()
            await pilot.press("colon")
            await wait_for(pilot, lambda: isinstance(app.screen, JumpDialog), "the jump dialog")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await wait_for(pilot, lambda: bool(error_notifications(app)), f"an error for {typed!r}")
            assert any(message in text for text in error_notifications(app)), error_notifications(app)
            assert app.screen is listing, "an unknown number leaves the list as it was"
            assert app.focused is orders_table(listing)


# user -> (order status, {action: check_action's answer}, the greyed key pressed, what it says).
# True: enabled; None: shown greyed out in the footer.
GREYING = {
    # An agent pays and moves an open order; a Delivered one is done with both.
    "alice": [("Delivered", {"change_status": None, "pay": None, "add_note": True}, "s",
               "is Delivered: its status cannot change any more"),
              ("Incomplete", {"change_status": True, "pay": True, "add_note": True}, None, None)],
    # The warehouse never takes payments, and moves only its own statuses.
    "wendy": [("ReadyToDispatch", {"change_status": True, "pay": None, "add_note": True}, "p",
               "A warehouse user may not record payments; ask an agent."),
              ("Incomplete", {"change_status": None, "pay": None, "add_note": True}, "s",
               "A warehouse user may not change this order status; ask an agent.")],
}


@pytest.mark.parametrize("user", sorted(GREYING))
async def test_actions_are_greyed_out_and_say_why(make_app, context_for, user):
    ctx = context_for(user)
    app = make_app(user)
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        for status, answers, key, why in GREYING[user]:
            number = first_with(ctx, status=status)
            screen = await jump_to(pilot, short(number), number)
            assert screen.detail.status == status
            for action, expected in answers.items():
                assert screen.check_action(action, ()) is expected, (user, status, action)
                await wait_for_footer(pilot, screen, action, enabled=expected is True)
            if key is not None:
                app.clear_notifications()
                await pilot.press(key)
                await wait_for(pilot, lambda: bool(notifications(app)), f"the greyed '{key}' to say why")
                assert why in notifications(app)[0].message
                assert app.screen is screen, f"a greyed-out '{key}' opened something"
            await back_to_list(pilot)


async def test_a_note_is_saved_to_the_order_and_shown_first(make_app, alice):
    number = first_with(alice, status="Incomplete")
    before = get_order(alice, number)
    note = "O'Brien: 10% off, café"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        assert screen.check_action("add_note", ()) is True

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog), "the note dialog")
        field = app.screen.query_one("#note-text", Input)
        assert app.focused is field
        await pilot.press("enter")  # an empty note is refused in the dialog
        assert "cannot be empty" in static_text(app.screen.query_one("#note-error", Label))
        assert isinstance(app.screen, NoteDialog)

        await type_text(pilot, note)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.activity[0].summary == note,
                       "the note on the details")
        stored = get_order(alice, number)
        assert stored.activity[0].summary == note
        assert stored.activity[0].user_name == "alice"
        assert stored.activity[0].action == "note"
        assert len(stored.activity) == len(before.activity) + 1
        assert stored.version == before.version, "a note is not an edit"
        assert screen.detail == stored
        activity = static_text(screen.query_one("#activity"))
        assert in_order(activity, [note, before.activity[0].summary])
        assert any(n.message == "Note added." for n in notifications(app))
        assert app.focused is screen.query_one("#detail-body")


async def choose_status(pilot, target: str) -> StatusDialog:
    """'s', then the digit in front of `target`: chosen, and the cursor moves on (reason or comment)."""
    app = pilot.app
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog), "the status dialog")
    dialog = app.screen
    options = dialog.query_one("#status-targets", OptionList)
    assert app.focused is options
    ids = [option.id for option in options.options]
    assert target in ids, ids
    await pilot.press(str(ids.index(target) + 1))
    assert dialog.chosen == target
    return dialog


async def test_cancelling_asks_for_a_reason_and_a_confirmation_and_keeps_the_comment(make_app, alice):
    number = first_with(alice, status="Incomplete")
    before = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        dialog = await choose_status(pilot, "Cancelled")
        assert [o.id for o in dialog.query_one(OptionList).options] == [
            "Pending", "AwaitingApproval", "Approved", "Cancelled"]
        reasons = dialog.query_one("#status-reason", OptionList)
        assert reasons.display and app.focused is reasons, "choosing Cancelled asks for a reason"
        await pilot.press("enter")  # the first reason: chosen, on to the comment, nothing saved
        assert dialog.reason == "CustomerRequest" and app.focused is dialog.query_one("#status-comment")
        assert app.screen is dialog and get_order(alice, number).status == "Incomplete"
        await type_text(pilot, "rang back, found it cheaper")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question: cancelling is final")
        assert "This is final" in visible_text(app)
        await pilot.press("escape")  # no: back in the dialog with everything still chosen
        await wait_for(pilot, lambda: app.screen is dialog, "the status dialog again")
        assert get_order(alice, number).status == "Incomplete"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question again")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.status == "Cancelled"
                       or bool(error_notifications(app)), "the cancelled order on the details")
        assert error_notifications(app) == []
        stored = get_order(alice, number)
        assert (stored.status, stored.cancel_reason) == ("Cancelled", "CustomerRequest")
        assert stored.version == before.version + 1
        assert stored.updated_by == "alice"
        assert stored.activity[0].summary == (
            "Status Incomplete → Cancelled (reason CustomerRequest): rang back, found it cheaper")
        assert screen.detail == stored
        summary = static_text(screen.query_one("#summary"))
        assert "Cancelled" in summary and "cancelled: CustomerRequest" in summary
        assert screen.check_action("change_status", ()) is None, "a cancelled order has nowhere to go"
        await wait_for_footer(pilot, screen, "change_status", enabled=False)


async def test_enter_chooses_and_only_ctrl_s_saves(make_app, alice):
    number = first_with(alice, status="Incomplete")
    before = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        dialog = await choose_status(pilot, "Approved")
        assert not dialog.query_one("#status-reason-box").display
        assert app.focused is dialog.query_one("#status-comment")
        await pilot.press("shift+tab")  # back on the statuses: enter chooses the highlighted one again
        await pilot.press("enter")
        assert app.screen is dialog and app.focused is dialog.query_one("#status-comment")
        assert get_order(alice, number).version == before.version, "enter saved nothing"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.status != "Incomplete"
                       or bool(error_notifications(app)), "the status change to be answered")
        assert error_notifications(app) == []
        stored = get_order(alice, number)
        assert stored.status == "Approved"
        assert stored.version == before.version + 1
        assert stored.activity[0].summary == "Status Incomplete → Approved"
        assert screen.detail == stored
        assert "Approved" in static_text(screen.query_one("#summary"))


async def test_cancelling_without_a_reason_is_refused_in_the_dialog(make_app, alice):
    number = first_with(alice, status="Incomplete")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await jump_to(pilot, short(number), number)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog), "the status dialog")
        dialog = app.screen
        await pilot.press("end")  # Cancelled is the last: highlighted, not chosen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not dialog
                       or "needs a reason" in static_text(dialog.query_one("#status-error", Label)),
                       "the dialog to answer ctrl+s")
        assert app.screen is dialog, "the dialog stays open until a reason is chosen"
        assert app.focused is dialog.query_one("#status-reason")
        assert get_order(alice, number).status == "Incomplete"


async def test_cancelling_a_paid_order_says_what_is_owed_back(make_app, alice):
    from hubtui.domain.orders import owed_to_customer

    page = list_orders(alice, OrderQuery(status="Approved"))
    detail = next(d for d in (get_order(alice, row.number) for row in page.rows) if d.paid_total > d.refunded_total)
    owed = format_money(owed_to_customer("Cancelled", detail.order_total, detail.paid_total, detail.refunded_total),
                        detail.currency, grouping=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(detail.number), detail.number)
        await choose_status(pilot, "Cancelled")
        await pilot.press("4", "ctrl+s")  # reason 4, FraudSuspected; save
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert f"{owed} paid will be owed back to the customer" in app.screen.question
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.status == "Cancelled", "the cancel")
        await wait_for(pilot, lambda: any(owed in n.message for n in notifications(app)), "the notice")
        assert f"{owed} is owed back to the customer" in notifications(app)[-1].message
        assert f"owed back to the customer {owed}" in static_text(screen.query_one("#summary"))


async def test_a_stale_status_change_is_refused_naming_who_changed_the_order(make_app, alice, context_for):
    number = first_with(alice, status="Incomplete")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        opened = screen.detail.version
        # pete changes the order while alice has it open.
        theirs = change_status(context_for("pete"), number, "Pending", expected_version=opened)
        assert theirs.version == opened + 1

        await choose_status(pilot, "Cancelled")
        await pilot.press("1", "ctrl+s", "y")  # the first reason, save, yes
        await wait_for(pilot, lambda: bool(error_notifications(app)), "the conflict error")
        message = error_notifications(app)[0]
        assert f"{number} was changed by pete" in message
        stored = get_order(alice, number)
        assert (stored.status, stored.version, stored.updated_by) == ("Pending", opened + 1, "pete")
        assert stored.cancel_reason is None
        assert stored.activity[0].user_name == "pete"
        # The details are read again, so alice now sees pete's version.
        await wait_for(pilot, lambda: screen.detail.version == opened + 1, "the details read again")
        assert screen.detail == stored
        assert "Pending" in static_text(screen.query_one("#summary"))
        # alice's choice is not lost: the dialog is back with it, saying who changed the order.
        await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog), "the dialog again")
        dialog = app.screen
        assert (dialog.chosen, dialog.reason) == ("Cancelled", "CustomerRequest")
        assert "Not saved: pete changed" in static_text(dialog.query_one("#status-error", Label))
        await pilot.press("escape")  # she drops it
        await wait_for(pilot, lambda: app.screen is screen, "back on the details")
        assert get_order(alice, number).status == "Pending"


async def test_payments_show_status_and_amount_at_100_columns(make_app, alice):
    page = list_orders(alice, OrderQuery())
    number = next(row.number for row in page.rows if row.channel == "telephone")
    expected = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        await pilot.pause()
        shown = region_text(app, screen.query_one("#payments"))
        for payment in expected.payments:
            assert payment.method in shown, shown
            assert payment.status in shown, shown
            assert format_money(payment.amount, expected.currency, grouping=True) in shown, shown


async def test_the_list_shows_a_status_changed_on_the_details(make_app, alice):
    page = list_orders(alice, OrderQuery())
    index = next(i for i, row in enumerate(page.rows[:15]) if row.status == "Incomplete")
    number = page.rows[index].number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        await pilot.press(*["j"] * index, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.detail is not None,
                       "the order details")
        screen = app.screen
        await choose_status(pilot, "Cancelled")
        await pilot.press("1", "ctrl+s", "y")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.status == "Cancelled", "the cancel")
        await back_to_list(pilot)

        def row_shows_cancelled() -> bool:
            lines = [line for line in shown_order_lines(app) if line.startswith(number)]
            return len(lines) == 1 and "Cancelled" in lines[0]

        # The list reads a 50-row page in milliseconds: two seconds is plenty for a refresh that happens.
        await wait_for(pilot, row_shows_cancelled, f"{number}'s row to show Cancelled", limit=2.0)
        assert orders_table(listing).highlighted_number() == number


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_h_releases_a_held_order_to_where_it_was_held_from(pace, make_app, alice):
    from textual import events

    number = next(row.number for row in list_orders(alice, OrderQuery(status="OnHold")).rows
                  if get_order(alice, row.number).held_from_status == "Approved")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        if pace == "spaced":
            screen = await jump_to(pilot, short(number), number)
            assert "held from Approved (h releases it)" in static_text(screen.query_one("#summary"))
            await pilot.press("h")
            await wait_for(pilot, lambda: screen.detail.status != "OnHold" or bool(error_notifications(app)),
                           "the release to be saved")
            await pilot.press("s")
        else:  # h then s at once: the status dialog offers the moves from Approved, not from OnHold
            for key, character in [("colon", ":"), *((c, c) for c in short(number)), ("enter", None), ("h", "h"),
                                   ("s", "s")]:
                app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog), "the status dialog")
        assert error_notifications(app) == []
        assert "OnHold" in app.screen.targets and "Approved" not in app.screen.targets
        stored = get_order(alice, number)
        assert (stored.status, stored.held_from_status) == ("Approved", None)
        assert stored.activity[0].summary == "Status OnHold → Approved: hold released"
        assert stored.activity[0].user_name == "alice"


async def test_h_on_an_order_not_on_hold_says_so(make_app, alice):
    number = first_with(alice, status="Incomplete")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        assert screen.check_action("release_hold", ()) is None
        await pilot.press("h")
        await wait_for(pilot, lambda: any("not on hold" in str(n.message) for n in notifications(app)),
                       "why h does nothing")
        assert get_order(alice, number).status == "Incomplete"


async def test_the_footer_is_built_again_only_when_its_keys_change(make_app, alice):
    """Every move of the focus tells the footer the bindings may have changed; when the keys it shows
    are the same, they stay the same widgets (built again, each is styled anew), and when a key
    greys out, it is built again."""
    number = first_with(alice, payment_status="Pending")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        before = list(listing.query(FooterKey))
        assert any(key.action == "pay" for key in before)
        listing.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert [id(key) for key in listing.query(FooterKey)] == [id(key) for key in before]
        screen = await jump_to(pilot, number, number)
        await wait_for_footer(pilot, screen, "pay", enabled=True)
        change_status(alice, number, "Cancelled", reason="CustomerRequest")
        await pilot.press("ctrl+r")  # read again: nothing is left to pay on a cancelled order
        await wait_for_footer(pilot, screen, "pay", enabled=False)
