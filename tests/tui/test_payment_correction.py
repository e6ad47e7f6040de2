"""`P` on an order: correct a recorded payment's status, by keys, spaced and in one burst."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.payment_status_dialog import PaymentStatusDialog
from hubtui.services.order_payments import PaymentDraft, record_payment
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


def unpaid_order(ctx, skip: int = 0) -> str:
    rows = list_orders(ctx, OrderQuery(status="Incomplete", payment_status="Pending")).rows
    return [row.number for row in rows if row.order_total > 0 and row.fraud_score < 70][skip]


def declined(ctx, number: str, method: str = "MOTO") -> int:
    detail = record_payment(ctx, number, PaymentDraft(method, "Declined", reference="AUTH-9"))
    return next(p.id for p in detail.payments if p.status == "Declined" and p.method == method)


async def open_dialog(pilot, number: str) -> PaymentStatusDialog:
    return await open_order_dialog(pilot, number, "P", PaymentStatusDialog)


def corrected(app, ctx, number: str) -> bool:
    return get_order(ctx, number).status == "Approved" or bool(error_notifications(app))


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_declined_card_that_went_through_is_corrected_to_paid(pace, make_app, alice):
    number = unpaid_order(alice)
    payment_id = declined(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        if pace == "spaced":
            await jump_to(pilot, short(number), number)
            await pilot.press("P")
            await wait_for(pilot, lambda: isinstance(app.screen, PaymentStatusDialog), "the dialog")
            dialog = app.screen
            # One payment: it is chosen already, and the cursor is on what it really is.
            assert app.focused is dialog.query_one("#correction-targets")
            assert dialog.query_one("#correction-targets").choices == ("Pending", "Authorized", "Paid")
            await pilot.press("3")
            assert app.focused is dialog.query_one("#correction-comment")
            assert get_order(alice, number).payments[0].status == "Declined", "choosing saved nothing"
            await type_text(pilot, "bank says it cleared")
            await pilot.press("ctrl+s")
        else:
            burst(app, [":", *short(number), "enter", "P", "3", *"bank says it cleared", "ctrl+s"])
        await wait_for(pilot, lambda: corrected(app, alice, number), "the correction to be saved", limit=15)
        assert error_notifications(app) == []
        stored = get_order(alice, number)
        assert [(p.id, p.status) for p in stored.payments] == [(payment_id, "Paid")]
        assert (stored.status, stored.payment_status, stored.balance_due) == ("Approved", "Paid", 0)
        entry = next(a for a in stored.activity if a.summary.startswith("Payment corrected"))
        assert entry.summary.endswith("Declined → Paid: bank says it cleared") and entry.user_name == "alice"
        await wait_for(pilot, lambda: app.screen.detail is not None and app.screen.detail.status == "Approved",
                       "the details to show the order as stored")
        assert "Approved" in static_text(app.screen.query_one("#summary"))


async def test_with_two_payments_a_digit_chooses_which(make_app, alice):
    number = unpaid_order(alice)
    first = declined(alice, number, "MOTO")
    declined(alice, number, "CardOverPhone")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        assert app.focused is dialog.query_one("#correction-payments")
        labels = dialog.query_one("#correction-payments").choices
        assert len(labels) == 2 and all("Declined" in label for label in labels)
        which = next(i for i, label in enumerate(labels, 1) if f"#{first} " in label and "MOTO" in label)
        await pilot.press(str(which), "2")  # that payment, then Authorized
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: get_order(alice, number).payment_status != "Declined"
                       or bool(error_notifications(app)), "the correction to be saved")
        statuses = {p.id: p.status for p in get_order(alice, number).payments}
        assert statuses[first] == "Authorized" and sorted(statuses.values()) == ["Authorized", "Declined"]


async def test_a_refused_correction_reopens_with_the_comment_and_says_why(make_app, alice):
    number = unpaid_order(alice)
    payment_id = declined(alice, number)
    record_payment(alice, number, PaymentDraft("Cheque", "Paid"))  # paid in full another way
    before = get_order(alice, number)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        labels = dialog.query_one("#correction-payments").choices
        await pilot.press(str(next(i for i, label in enumerate(labels, 1) if label.startswith(f"#{payment_id} "))))
        await pilot.press("3")  # Paid
        await type_text(pilot, "went through")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentStatusDialog) and app.screen is not dialog,
                       "the dialog again, with the refusal")
        again = app.screen
        assert "paid already" in static_text(again.query_one("#correction-error", Label))
        assert again.query_one("#correction-comment", Input).value == "went through"
        assert app.focused is again.query_one("#correction-comment")
        assert get_order(alice, number).version == before.version, "nothing was written"
        await pilot.press("escape")


async def test_p_is_greyed_and_says_why_without_a_payment_or_for_the_warehouse(make_app, alice):
    number = unpaid_order(alice)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, number, "P", "correct_payment", "no payment whose status",
                                         PaymentStatusDialog)
    declined(alice, number)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, number, "P", "correct_payment", "may not record payments",
                                         PaymentStatusDialog)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_payment_correction_dialog(snap_compare, make_app, alice, size):
    number = unpaid_order(alice, skip=1)
    declined(alice, number, "MOTO")
    declined(alice, number, "CardOverPhone")

    async def run_before(pilot) -> None:
        await open_dialog(pilot, number)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
