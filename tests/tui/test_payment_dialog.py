"""The payment dialog (`p` on the details and on the list), driven by real key presses.

Every write is checked twice: in the store, read with plain sqlite3 (never through the code under
test), and on the screen the operator is looking at afterwards. Refusals are checked by counting the
payments and activity rows before and after.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from hubtui.domain.money import format_money
from hubtui.domain.order_query import OrderQuery
from hubtui.screens.dialogs import JumpDialog
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.orders import OrdersScreen
from hubtui.screens.payment_dialog import ChoiceRow, PaymentDialog
from hubtui.services.order_reads import get_order, list_orders
from hubtui.services.order_writes import NewLine, NewOrder, change_status, place_order
from hubtui.services.views import OrderDetail
from tests.spec_payments import EXPECTED, EXPECTED_FOC
from tests.spec_payments import OFFLINE_METHODS as METHODS
from tests.spec_payments import OPERATOR_STATUSES as STATUSES

from .helpers import (
    SIZE,
    SMALL,
    jump_to,
    list_settled,
    notifications,
    orders_table,
    region_text,
    short,
    shown_order_lines,
    start_list,
    static_text,
    table_numbers,
    type_text,
    visible_text,
    wait_for,
)

RECORDED = "28 Nov 12:00"  # FIXED_NOW as the payments table writes it


# ---------------------------------------------------------------------- the store, read with sqlite3

def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return [tuple(row) for row in con.execute(sql, params)]
    finally:
        con.close()


def stored_order(db: Path, number: str) -> tuple:
    (row,) = query(db, "SELECT status, payment_status, paid_total, payment_method, version FROM orders "
                       "WHERE number = ?", (number,))
    return row


def stored_payments(db: Path, number: str) -> list[tuple]:
    return query(db, "SELECT p.method, p.status, p.amount, p.reference, p.comment, p.recorded_by, p.source "
                     "FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.number = ? ORDER BY p.id", (number,))


def stored_actions(db: Path, number: str) -> list[str]:
    return [r[0] for r in query(db, "SELECT a.action FROM activity a JOIN orders o ON o.id = a.order_id "
                                    "WHERE o.number = ? ORDER BY a.id", (number,))]


def row_counts(db: Path) -> tuple[int, int, int]:
    """(payments, activity entries, sum of order versions): a refused save leaves all three alone."""
    return (query(db, "SELECT COUNT(*) FROM payments")[0][0], query(db, "SELECT COUNT(*) FROM activity")[0][0],
            query(db, "SELECT SUM(version) FROM orders")[0][0])


def new_order(ctx, db: Path, *, channel: str = "telephone", quantity: int = 3) -> OrderDetail:
    """A fresh Incomplete order for the first BTOOLS customer and product; it is the newest on the list."""
    (customer,) = query(db, "SELECT c.id FROM customers c JOIN organisations g ON g.id = c.org_id "
                            "WHERE g.code = 'BTOOLS' ORDER BY c.id LIMIT 1")[0]
    (code,) = query(db, "SELECT p.stock_code FROM products p JOIN organisations g ON g.id = p.org_id "
                        "WHERE g.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1")[0]
    order = place_order(ctx, NewOrder(customer_id=customer, lines=(NewLine(code, quantity),), channel=channel))
    assert (order.status, order.payment_status, order.paid_total, order.version) == ("Incomplete", "Pending", 0, 1)
    assert order.balance_due == order.order_total > 0
    return order


# ---------------------------------------------------------------------- driving the dialog

def money(minor: int) -> str:
    return format_money(minor, "GBP", grouping=True)


async def open_payment(pilot, number: str) -> tuple[OrderDetailScreen, PaymentDialog]:
    """From the list: ':' to the order, then 'p'."""
    await start_list(pilot)
    screen = await jump_to(pilot, short(number), number)
    dialog = await press_p(pilot)
    return screen, dialog


async def press_p(pilot) -> PaymentDialog:
    app = pilot.app
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
    return app.screen


async def choose(pilot, row: ChoiceRow, value: str) -> None:
    """Press the choice's first letter until it is chosen (c, c, c: Cheque, Cash, CardOverPhone)."""
    assert pilot.app.focused is row, f"{row.id} is not focused"
    for _ in range(len(row.choices)):
        if row.value == value:
            return
        await pilot.press(value[0].lower())
    assert row.value == value


def field(dialog: PaymentDialog, name: str):
    return dialog.query_one(f"#payment-{name}")


def error_text(dialog: PaymentDialog, name: str) -> str:
    label = dialog.query_one(f"#payment-{name}-error" if name else "#payment-error", Label)
    return static_text(label) if label.display else ""


async def wait_saved(pilot, screen: OrderDetailScreen, version: int) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen is screen and screen.detail.version == version,
                   f"the dialog to close and the details to show version {version}")


async def payments_on_screen(pilot, screen: OrderDetailScreen, *parts: str) -> str:
    """What the payments box paints, without scrolling (it sits under the summary), once it shows `parts`."""
    app = pilot.app
    box = screen.query_one("#payments")
    await wait_for(pilot, lambda: all(part in region_text(app, box) for part in parts),
                   f"the payments box to show {parts}")
    return region_text(app, box)


# ---------------------------------------------------------------------- paying

# One Pilot case per outcome, every method and every status among them: the whole method ×
# status table is the services' (tests/services/test_payments.py), where a case costs
# milliseconds rather than a second of keys.
OUTCOME_CASES = [("Bacs", "Pending"), ("Cheque", "Authorized"), ("Cash", "Paid"), ("MOTO", "Declined"),
                 ("CardOverPhone", "Paid"), ("FOC", "Authorized"), ("FOC", "Declined")]


def test_the_outcome_cases_cover_every_method_status_and_outcome() -> None:
    assert {m for m, _ in OUTCOME_CASES} == set(METHODS) and {s for _, s in OUTCOME_CASES} == set(STATUSES)
    outcomes = {EXPECTED_FOC[s] if m == "FOC" else EXPECTED[s] for m, s in OUTCOME_CASES}
    assert outcomes >= set(EXPECTED.values()) and len(outcomes) >= len(EXPECTED) + 1


@pytest.mark.parametrize(("method", "status"), OUTCOME_CASES)
async def test_each_method_and_status_is_recorded_and_shown(make_app, alice, demo_db, method, status):
    order = new_order(alice, demo_db)
    number, total = order.number, order.order_total
    if method == "FOC":
        payment_status, order_status = EXPECTED_FOC[status]
        amount, paid_total = 0, 0
    else:
        payment_status, order_status, counts = EXPECTED[status]
        amount, paid_total = total, (total if counts else 0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, number)
        method_row, status_row = field(dialog, "method"), field(dialog, "status")
        assert app.focused is method_row
        assert (method_row.value, status_row.value) == ("CardOverPhone", "Paid"), "a phone order's defaults"
        assert field(dialog, "amount").value == format_money(total)

        await choose(pilot, method_row, method)
        await pilot.press("tab")
        await choose(pilot, status_row, status)
        await pilot.press("tab")
        if method != "FOC":
            assert app.focused is field(dialog, "amount"), "the amount follows the status"
            await pilot.press("tab")
        assert app.focused is field(dialog, "reference")
        await type_text(pilot, "R-1")
        await pilot.press("ctrl+s")
        await wait_saved(pilot, screen, 2)

        assert stored_order(demo_db, number) == (order_status, payment_status, paid_total, method, 2)
        assert stored_payments(demo_db, number) == [(method, status, amount, "R-1", "", "alice", "operator")]
        moved = order_status != "Incomplete"
        assert stored_actions(demo_db, number) == ["placed", "payment"] + (["status"] if moved else [])

        assert screen.detail == get_order(alice, number)
        summary = static_text(screen.query_one("#summary"))
        assert f"{order_status}  payment {payment_status}" in summary
        assert f"payment {payment_status}" in screen.sub_title
        shown = await payments_on_screen(pilot, screen, RECORDED, method, status, money(amount), "R-1", "alice")
        assert len([line for line in shown.splitlines() if RECORDED in line]) == 1, shown
        activity = static_text(screen.query_one("#activity"))
        assert f"Payment recorded: {method} {status} {money(amount)} ref R-1" in activity
        if moved:
            assert f"Status Incomplete → {order_status} (payment {status})" in activity
        assert f"Payment recorded: {number} is now {order_status}, payment {payment_status}." in [
            n.message for n in notifications(app)]


async def test_two_keys_record_a_phone_order_paid_in_full_by_card(make_app, alice, demo_db):
    """p, ctrl+s: the defaults are what a call-centre agent takes most often."""
    order = new_order(alice, demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(order.number), order.number)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
        await pilot.press("ctrl+s")
        await wait_saved(pilot, screen, 2)
        assert stored_order(demo_db, order.number) == ("Approved", "Paid", order.order_total, "CardOverPhone", 2)
        assert stored_payments(demo_db, order.number) == [
            ("CardOverPhone", "Paid", order.order_total, "", "", "alice", "operator")]
        assert screen.detail.balance_due == 0
        assert screen.check_action("pay", ()) is None, "nothing left to pay: p is greyed out"


async def test_enter_walks_down_the_form_and_saves_from_the_comment(make_app, alice, demo_db):
    order = new_order(alice, demo_db, channel="web")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        assert field(dialog, "method").value == "Bacs", "anything but a phone order defaults to Bacs"
        for name in ("status", "amount", "reference"):
            await pilot.press("enter")
            assert app.focused is field(dialog, name)
        await type_text(pilot, "BACS 0042")
        await pilot.press("enter")
        assert app.focused is field(dialog, "comment")
        assert app.screen is dialog, "enter before the last field does not save"
        await type_text(pilot, "paid early")
        await pilot.press("enter")
        await wait_saved(pilot, screen, 2)
        assert stored_payments(demo_db, order.number) == [
            ("Bacs", "Paid", order.order_total, "BACS 0042", "paid early", "alice", "operator")]
        shown = await payments_on_screen(pilot, screen, "BACS 0042", "paid early")
        assert "Bacs" in shown


async def test_a_part_payment_then_the_rest_are_both_shown_with_who_and_when(make_app, alice, context_for, demo_db):
    order = new_order(alice, demo_db, quantity=4)
    total, part = order.order_total, 1000
    assert total > part
    app = make_app("pete")
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        await pilot.press("tab", "tab")
        assert app.focused is field(dialog, "amount")
        await type_text(pilot, "10.00")  # replaces the balance, which is selected on focus
        assert field(dialog, "amount").value == "10.00"
        await pilot.press("ctrl+s")
        await wait_saved(pilot, screen, 2)
        assert stored_order(demo_db, order.number) == ("Approved", "Pending", part, "CardOverPhone", 2)
        assert screen.detail.balance_due == total - part
        assert screen.check_action("pay", ()) is True

        dialog = await press_p(pilot)
        assert field(dialog, "amount").value == format_money(total - part), "the second payment offers the rest"
        assert f"balance due {money(total - part)}" in static_text(field(dialog, "title"))
        await pilot.press("ctrl+s")
        await wait_saved(pilot, screen, 3)

        assert stored_order(demo_db, order.number) == ("Approved", "Paid", total, "CardOverPhone", 3)
        assert stored_payments(demo_db, order.number) == [
            ("CardOverPhone", "Paid", part, "", "", "pete", "operator"),
            ("CardOverPhone", "Paid", total - part, "", "", "pete", "operator"),
        ]
        assert stored_actions(demo_db, order.number) == ["placed", "payment", "status", "payment"]
        assert screen.detail == get_order(alice, order.number)
        shown = await payments_on_screen(pilot, screen, money(part), money(total - part))
        rows = [line for line in shown.splitlines() if RECORDED in line]
        assert len(rows) == 2, shown
        assert money(part) in rows[0] and money(total - part) in rows[1]
        assert all("pete" in row and "CardOverPhone" in row and "Paid" in row for row in rows), shown


async def test_foc_records_zero_and_locks_the_amount(make_app, alice, demo_db):
    order = new_order(alice, demo_db)
    balance = format_money(order.order_total)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        amount = field(dialog, "amount")
        await choose(pilot, field(dialog, "method"), "FOC")
        assert (amount.value, amount.disabled) == ("0.00", True)
        await pilot.press("b")
        assert field(dialog, "method").value == "Bacs"
        assert (amount.value, amount.disabled) == (balance, False), "another method brings the balance back"
        await pilot.press("f")
        assert (amount.value, amount.disabled) == ("0.00", True)
        await pilot.press("tab", "tab")
        assert app.focused is field(dialog, "reference"), "a locked amount is skipped"
        await pilot.press("ctrl+s")
        await wait_saved(pilot, screen, 2)
        assert stored_order(demo_db, order.number) == ("Approved", "Paid", 0, "FOC", 2)
        assert stored_payments(demo_db, order.number) == [("FOC", "Paid", 0, "", "", "alice", "operator")]
        assert screen.detail.balance_due == 0
        await payments_on_screen(pilot, screen, "FOC", money(0))


async def test_keys_typed_while_a_save_waits_for_the_database_are_for_the_details(make_app, alice, demo_db):
    """ctrl+s then esc means the same whether the save takes 5 ms or a second: save, then leave
    the details. Meanwhile the dialog keeps its answer and a second ctrl+s records nothing."""
    order = new_order(alice, demo_db)
    before = row_counts(demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        lock = sqlite3.connect(demo_db, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another program is writing: the save waits for its turn
        try:
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: dialog.saving, "the save to start")
            assert static_text(dialog.query_one("#payment-hint", Label)) == "Saving…"
            await pilot.press("ctrl+s", "escape")
            assert app.screen is dialog, "esc while the payment is being written would lose the answer"
        finally:
            lock.execute("COMMIT")
            lock.close()
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "the esc typed during the save to "
                       "leave the details once saved")
        assert screen.detail.version == 2
    assert stored_payments(demo_db, order.number) == [
        ("CardOverPhone", "Paid", order.order_total, "", "", "alice", "operator")], "one payment, however many ctrl+s"
    assert row_counts(demo_db)[0] == before[0] + 1


async def test_question_mark_explains_the_dialogs_keys_and_esc_comes_back(make_app, alice, demo_db):
    from hubtui.screens.help import HelpScreen

    order = new_order(alice, demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help over the dialog")
        shown = visible_text(app)
        assert "Keys: Payment" in shown
        for binding_id in ("dialog.save", "dialog.cancel", "choice.previous", "choice.next"):
            assert binding_id in shown, binding_id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is dialog, "back on the dialog")
        assert app.focused is field(dialog, "method")
        assert field(dialog, "method").value == "CardOverPhone", "? is not a choice"


# ---------------------------------------------------------------------- refusals

async def test_bad_amounts_are_refused_next_to_the_amount_and_nothing_is_written(make_app, alice, demo_db):
    order = new_order(alice, demo_db)
    total = order.order_total
    cases = [
        ("12.3.4", "'12.3.4' is not an amount; write it like 12.50."),
        ("abc", "'abc' is not an amount; write it like 12.50."),
        (format_money(total + 1), f"{money(total + 1)} is more than the balance due ({money(total)})."),
        ("-5", "The amount cannot be negative."),
        ("0", "The amount must be more than 0.00; choose FOC for free of charge."),
    ]
    before = row_counts(demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        amount = field(dialog, "amount")
        error = dialog.query_one("#payment-amount-error", Label)
        await pilot.press("tab", "tab")
        for typed, message in cases:
            assert app.focused is amount
            assert amount.selected_text == amount.value, "what is there is selected, so typing replaces it"
            await type_text(pilot, typed)
            assert amount.value == typed
            assert error_text(dialog, "amount") == "", "editing the amount clears its error"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: error_text(dialog, "amount") == message, f"the message for {typed!r}")
            assert error.region.y == amount.region.y + 1, "the message is right under the amount"
            assert message in " ".join(region_text(app, error).split()), "the message is painted (it may wrap)"
            assert app.screen is dialog, "the dialog stays open"
            assert app.focused is amount
            assert row_counts(demo_db) == before, f"{typed!r} wrote something"
        assert error_text(dialog, None) == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "esc to close the dialog")
    assert row_counts(demo_db) == before
    assert stored_payments(demo_db, order.number) == []
    assert stored_order(demo_db, order.number) == ("Incomplete", "Pending", 0, None, 1)


async def test_the_stores_refusal_goes_next_to_the_field_it_names(make_app, alice, demo_db):
    """A balance the dialog believes larger than the stored one: the service refuses, naming the amount."""
    order = new_order(alice, demo_db)
    total = order.order_total
    before = row_counts(demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        dialog = PaymentDialog(alice, replace(order, balance_due=total * 2))
        await app.push_screen(dialog)
        await wait_for(pilot, lambda: app.screen is dialog and app.focused is dialog.query_one(ChoiceRow), "the dialog")
        assert field(dialog, "amount").value == format_money(total * 2)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(error_text(dialog, "amount")), "the service's refusal")
        assert "is more than the balance due" in error_text(dialog, "amount")
        assert money(total) in error_text(dialog, "amount")
        assert error_text(dialog, None) == ""
        assert app.screen is dialog and app.focused is field(dialog, "amount")
        assert dialog.saving is False, "a refused save can be tried again"
    assert row_counts(demo_db) == before


async def test_a_conflict_names_who_changed_the_order_and_writes_nothing(make_app, alice, context_for, demo_db):
    order = new_order(alice, demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        # pete puts the order to Pending while alice has the dialog open.
        theirs = change_status(context_for("pete"), order.number, "Pending", expected_version=1)
        before = row_counts(demo_db)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(error_text(dialog, None)), "the conflict message")
        message = error_text(dialog, None)
        assert f"{order.number} was changed by pete" in message
        painted = " ".join(region_text(app, dialog.query_one("#payment-error")).split())
        assert message == painted, "the whole message is painted in the dialog (it may wrap)"
        assert "esc close and read the order again" in static_text(dialog.query_one("#payment-hint"))
        assert app.screen is dialog, "the dialog stays open"
        assert row_counts(demo_db) == before
        assert stored_payments(demo_db, order.number) == []
        assert stored_order(demo_db, order.number) == ("Pending", "Pending", 0, None, 2)

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.version == theirs.version,
                       "the details read again after the conflict")
        assert screen.detail == get_order(alice, order.number)
        assert "Pending" in static_text(screen.query_one("#summary"))


async def test_a_warehouse_user_cannot_open_the_payment_dialog(make_app, alice, demo_db):
    order = new_order(alice, demo_db)
    before = row_counts(demo_db)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        assert orders_table(listing).highlighted_number() == order.number
        assert listing.check_action("pay", ()) is None
        screen = await jump_to(pilot, short(order.number), order.number)
        assert screen.check_action("pay", ()) is None

        def pay_greyed() -> bool:
            keys = [key for key in screen.query(FooterKey) if key.action == "pay"]
            return len(keys) == 1 and keys[0].has_class("-disabled")

        await wait_for(pilot, pay_greyed, "the footer to show p greyed out")
        why = "A warehouse user may not record payments; ask an agent."
        await pilot.press("p", "colon")  # ':' answers once 'p' has been handled
        await wait_for(pilot, lambda: isinstance(app.screen, JumpDialog), "the jump dialog")
        assert not any(isinstance(s, PaymentDialog) for s in app.screen_stack)
        assert [n.message for n in notifications(app) if n.severity != "information"] == [why], "the greyed p says why"
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is listing, "back on the list")
        await pilot.press("p", "colon")
        await wait_for(pilot, lambda: isinstance(app.screen, JumpDialog), "the jump dialog")
        assert not any(isinstance(s, PaymentDialog) for s in app.screen_stack)
        assert [n.message for n in notifications(app) if n.severity != "information"] == [why, why]
    assert row_counts(demo_db) == before


# ---------------------------------------------------------------------- from the list

async def test_p_on_the_list_pays_the_highlighted_order_and_the_row_shows_it(make_app, alice, demo_db):
    order = new_order(alice, demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        assert orders_table(listing).highlighted_number() == order.number, "a new order is the newest"
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
        dialog = app.screen
        assert dialog.detail == get_order(alice, order.number)
        assert f"Payment on {order.number}" in static_text(field(dialog, "title"))
        await pilot.press("c")  # CardOverPhone -> Cheque
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is listing, "the dialog to close")
        assert stored_order(demo_db, order.number) == ("Approved", "Paid", order.order_total, "Cheque", 2)

        def row_shows_paid() -> bool:
            lines = [line for line in shown_order_lines(app) if line.startswith(order.number)]
            return len(lines) == 1 and "Approved" in lines[0] and "Paid" in lines[0]

        await wait_for(pilot, row_shows_paid, f"{order.number}'s row to show Approved and Paid")
        assert orders_table(listing).highlighted_number() == order.number
        assert f"Payment recorded: {order.number} is now Approved, payment Paid." in [
            n.message for n in notifications(app)]


def first_order(ctx, want, **fields) -> str:
    for row in list_orders(ctx, OrderQuery(**fields), limit=200).rows:
        if want(get_order(ctx, row.number)):
            return row.number
    raise AssertionError(f"the demo data has no such order with {fields}")


@pytest.mark.parametrize("case", ["cancelled", "nothing due"])
async def test_p_on_the_list_refuses_orders_that_cannot_be_paid(make_app, alice, demo_db, case):
    if case == "cancelled":
        number = first_order(alice, lambda d: d.balance_due > 0, status="Cancelled")
        expected = f"{number} is cancelled; no payment can be recorded."
    else:
        number = first_order(alice, lambda d: d.balance_due == 0 and d.status != "Cancelled", payment_status="Paid")
        expected = f"{number} has nothing to pay (balance due £0.00)."
    before = row_counts(demo_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        await pilot.press("slash")
        await type_text(pilot, number)
        await pilot.press("enter")
        await wait_for(pilot, lambda: table_numbers(listing) == [number] and list_settled(listing),
                       f"the list filtered to {number}")
        await pilot.press("p")
        await wait_for(pilot, lambda: any(n.message == expected for n in notifications(app)), "the refusal")
        assert app.screen is listing
        assert not any(isinstance(s, PaymentDialog) for s in app.screen_stack)
    assert row_counts(demo_db) == before


# ---------------------------------------------------------------------- fits a small terminal

async def test_the_dialog_and_an_error_fit_80_by_24(make_app, alice, demo_db):
    order = new_order(alice, demo_db)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen, dialog = await open_payment(pilot, order.number)
        await pilot.press("tab", "tab")
        await type_text(pilot, "abc")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(error_text(dialog, "amount")), "the amount's message")
        box = dialog.query_one("#payment")
        assert box.region.height <= SMALL[1] and box.region.width <= SMALL[0]
        shown = region_text(app, box)
        for text in (f"Payment on {order.number}", "Method", "CardOverPhone", "MOTO", "Declined", "Amount",
                     "is not an amount", "Reference", "Comment", "ctrl+s save"):
            assert text in shown, f"{text!r} is cut off:\n{shown}"
        for name in ("method", "status", "amount", "reference", "comment"):
            widget = field(dialog, name)
            assert box.region.contains_region(widget.region), f"{name} is outside the dialog"


async def test_keys_queued_on_the_list_pay_the_order_they_lead_to(make_app, alice, demo_db):
    """p acts as it arrives (a priority key), so it waits for the keys typed before it: "j j p"
    pays the third row, "k enter p" the order that enter opens, however fast they come."""
    from textual import events

    oldest, middle, newest = (new_order(alice, demo_db) for _ in range(3))
    app = make_app()

    def queue(*keys: str) -> None:
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))

    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        assert table_numbers(listing)[:3] == [newest.number, middle.number, oldest.number]
        queue("j", "j", "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
        assert app.screen.detail.number == oldest.number
        queue("escape", "k", "enter", "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and len(app.screen_stack) == 3
                       and app.screen.focused is not None, "the payment dialog over the details")
        assert app.screen.detail.number == middle.number
        assert isinstance(app.screen_stack[1], OrderDetailScreen) and app.screen_stack[1].number == middle.number


async def test_keys_queued_behind_a_quick_filter_act_on_its_page(make_app, alice, demo_db):
    """"5 j j p": the j's and the p wait for the page the 5 asks for, not the one on screen."""
    from textual import events

    from hubtui.domain.orders import QuickFilter
    from hubtui.services.order_payments import PaymentDraft, record_payment

    for _ in range(3):
        paid = new_order(alice, demo_db)
        record_payment(alice, paid.number, PaymentDraft(method="Cash", status="Paid"))
    unpaid = [row.number for row in list_orders(alice, OrderQuery(quick_filter=QuickFilter.UNPAID), limit=3).rows]
    third = get_order(alice, unpaid[2])
    assert third.balance_due > 0 and third.status != "Cancelled", "the demo's third unpaid order can be paid"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        assert unpaid[2] not in table_numbers(listing)[:3], "the pages differ where it matters"
        for key in ("5", "j", "j", "p"):
            app.post_message(events.Key(key, key))
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
        assert app.screen.detail.number == unpaid[2]
        assert listing.order_query.quick_filter is QuickFilter.UNPAID
