"""Snapshots of the payment dialog (pytest-textual-snapshot; synchronous tests, snap_compare runs its own loop).

Fixed data: a phone order of the demo (fixed seed and clock) that is still Incomplete and unpaid.
Update after a deliberate change with `pytest tests/tui/test_payment_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.payment_dialog import PaymentDialog
from hubtui.services.order_reads import list_orders

from .helpers import SIZE, SMALL, jump_to, short, start_list, type_text, wait_for


def unpaid_phone_order(ctx) -> str:
    rows = list_orders(ctx, OrderQuery(status="Incomplete", payment_status="Pending")).rows
    return next(row.number for row in rows if row.channel == "telephone")


async def dialog_open(pilot, number: str) -> PaymentDialog:
    app = pilot.app
    await start_list(pilot)
    await jump_to(pilot, short(number), number)
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
    for field in app.screen.query(Input):
        field.cursor_blink = False  # a blinking cursor would make the picture depend on timing
    return app.screen


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_payment_dialog(snap_compare, make_app, alice, size):
    number = unpaid_phone_order(alice)

    async def run_before(pilot) -> None:
        await dialog_open(pilot, number)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_payment_dialog_refusing_an_amount_at_80x24(snap_compare, make_app, alice):
    number = unpaid_phone_order(alice)

    async def run_before(pilot) -> None:
        dialog = await dialog_open(pilot, number)
        await pilot.press("tab", "tab")
        await type_text(pilot, "12.3.4")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.query_one("#payment-amount-error").display, "the amount's message")

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)
