"""Snapshots of the returns screens at 100x30 and at the 80x24 minimum: the list, a new return,
a return's details and its refund dialog (issue 12). Demo data and clock are fixed."""

from __future__ import annotations

import pytest

from hubtui.screens.new_return import NewReturnScreen
from hubtui.screens.return_detail import ReturnDetailScreen
from hubtui.screens.return_dialogs import RefundDialog
from hubtui.screens.returns import ReturnsScreen
from hubtui.services.return_quotes import returnable_lines
from hubtui.services.returns import create_return, move_return, pass_qc, receive_return
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import SIZE, SMALL, jump_to, short, start_list, wait_for
from .test_returns import returnable_order

SIZES = pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])


def _at_qc(context_for) -> str:
    alice, sam, wendy = context_for("alice"), context_for("sam"), context_for("wendy")
    number = returnable_order(alice)
    lines = {l.line_no: l.returnable for l in returnable_lines(alice, number) if l.returnable}
    rma = create_return(alice, number, lines, action="Refund", reason="Faulty", comment="stops after a minute").number
    move_return(sam, rma, "ApproveRequest", comment="photos seen")
    receive_return(wendy, rma)
    pass_qc(wendy, rma, note="motor burnt out")
    return rma


async def _open_return(pilot, rma: str) -> None:
    await start_list(pilot)
    pilot.app.open_return(rma)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReturnDetailScreen), "the return")


@SIZES
def test_returns_list(snap_compare, make_app, size):
    async def loaded(pilot) -> None:
        await start_list(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReturnsScreen) and pilot.app.screen.pages_painted
                       and pilot.app.screen.query_one(QuickFilterBar).counts is not None
                       and pilot.app.screen.total is not None, "the returns and their counts")

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=loaded)


@SIZES
def test_new_return(snap_compare, make_app, context_for, size):
    number = returnable_order(context_for("alice"))

    async def opened(pilot) -> None:
        await start_list(pilot)
        await jump_to(pilot, short(number), number)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, NewReturnScreen), "the new return")
        await pilot.press("a", "d")
        await wait_for(pilot, lambda: "refund up to" in str(pilot.app.screen.query_one("#return-money").content),
                       "the refund worked out")

    assert snap_compare(make_app("alice"), terminal_size=size, run_before=opened)


@SIZES
def test_return_details(snap_compare, make_app, context_for, size):
    rma = _at_qc(context_for)
    assert snap_compare(make_app("sam"), terminal_size=size, run_before=lambda pilot: _open_return(pilot, rma))


@SIZES
def test_refund_dialog(snap_compare, make_app, context_for, size):
    rma = _at_qc(context_for)

    async def opened(pilot) -> None:
        await _open_return(pilot, rma)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RefundDialog), "the refund dialog")
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=opened)
