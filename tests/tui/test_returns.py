"""Returns by keys (issue 12): raise a partial return, approve, receive by a scanner's burst, QC,
refund; replacement and credit note; the warehouse cannot refund; the flow in at most 15 keys."""

from __future__ import annotations

import pytest

from hubtui.screens.new_return import NewReturnScreen
from hubtui.screens.receive_dialog import ReceiveDialog
from hubtui.screens.return_detail import ReturnDetailScreen
from hubtui.screens.return_dialogs import RefundDialog
from hubtui.screens.returns import ReturnsScreen
from hubtui.services.order_reads import get_order
from hubtui.services.return_quotes import returnable_lines
from hubtui.services.return_reads import get_return
from hubtui.services.returns import create_return, move_return

from .helpers import (SIZE, SMALL, burst, error_notifications, jump_to, notifications, short, start_list, type_text,
                      wait_for)


def returnable_order(ctx, lines: int = 2) -> str:
    """A dispatched, fully paid order with at least `lines` returnable lines and no return yet."""
    from sqlalchemy import select

    from hubtui.store.return_tables import Return
    from hubtui.store.tables import Order

    with ctx.store.read() as session:
        numbers = session.scalars(select(Order.number).where(
            Order.org_id == ctx.operator.org_id, Order.status.in_(["Dispatched", "Delivered"]),
            Order.paid_total == Order.order_total, Order.order_total > 0, Order.refunded_total == 0,
            ~Order.id.in_(select(Return.order_id))).order_by(Order.id).limit(200)).all()
    for number in numbers:
        if sum(1 for line in returnable_lines(ctx, number) if line.returnable) >= lines:
            return number
    raise AssertionError("the demo has no such order")


class Counted:
    """Presses keys through the pilot and counts them (a typed number counts as one)."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            await self.pilot.press(key)

    async def type(self, text: str) -> None:
        self.count += 1
        await type_text(self.pilot, text)


async def test_return_to_refund_for_a_two_line_order_in_at_most_15_keys(make_app, context_for):
    sam = context_for("sam")
    number = returnable_order(sam)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        keys = Counted(pilot)
        await keys.press("colon")
        await keys.type(short(number))
        await keys.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None
                       and getattr(app.screen.detail, "number", "") == number, "the order")
        await keys.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, NewReturnScreen), "the new return")
        await keys.press("a", "f", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "the return's details")
        rma = app.screen.detail.number
        assert app.screen.detail.status == "ReturnRequested" and app.screen.detail.reason == "Faulty"
        await keys.press("s", "ctrl+s")
        await wait_for(pilot, lambda: get_return(sam, rma).status == "ApproveRequest", "approved")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen)
                       and app.screen.detail.status == "ApproveRequest", "the details again")
        await keys.press("colon", "enter")
        await wait_for(pilot, lambda: get_return(sam, rma).status == "ReturnReceived", "received")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen)
                       and app.screen.detail.status == "ReturnReceived", "the details again")
        await keys.press("q", "enter")
        await wait_for(pilot, lambda: get_return(sam, rma).status == "RMAQCcomplete", "QC done")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen)
                       and app.screen.detail.status == "RMAQCcomplete", "the details again")
        await keys.press("f", "ctrl+s")
        await wait_for(pilot, lambda: get_return(sam, rma).status == "RefundProcessed", "refunded", limit=15)
        assert error_notifications(app) == []
        done = get_return(sam, rma)
        order = get_order(sam, number)
        assert done.refunded == done.amount == order.refunded_total > 0
        assert order.payment_status in ("Refunded", "PartiallyRefunded")
        assert len(done.lines) >= 2
        assert keys.count <= 15, keys.count


async def test_the_same_15_keys_in_one_burst_mean_the_same(make_app, context_for):
    """Typed ahead all at once (a fast agent over SSH): each key waits for what the one before it opened or saved."""
    sam = context_for("sam")
    number = returnable_order(sam)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        burst(app, [":", *short(number), "enter", "u", "a", "f", "ctrl+s", "s", "ctrl+s", ":", "enter", "q", "enter",
                    "f", "ctrl+s"])
        await wait_for(pilot, lambda: any(r.status == "RefundProcessed" for r in get_order(sam, number).returns),
                       "the return refunded from one burst", limit=20)
        assert error_notifications(app) == []
        assert not any("Not now" in str(n.title) for n in notifications(app))
        done = get_return(sam, get_order(sam, number).returns[0].number)
        assert done.refunded == done.amount > 0 and done.reason == "Faulty"


async def test_a_partial_return_by_digits_keeps_the_rest_returnable(make_app, context_for):
    alice = context_for("alice")
    number = returnable_order(alice)
    first = next(line for line in returnable_lines(alice, number) if line.returnable)
    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        await jump_to(pilot, short(number), number)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, NewReturnScreen), "the new return")
        await pilot.press("1", "tab", "d", "tab", "tab", "tab")
        await type_text(pilot, "box crushed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "the return's details")
        detail = app.screen.detail
        assert [(l.line_no, l.quantity) for l in detail.lines] == [(first.line_no, 1)]
        assert (detail.reason, detail.action, detail.raised_from, detail.note) == (
            "Damaged", "Refund", "CustomerSupport", "box crushed")
    after = next(l for l in returnable_lines(alice, number) if l.line_no == first.line_no)
    assert after.returnable == first.returnable - 1


async def test_a_quantity_above_what_may_come_back_is_refused_with_the_figure(make_app, context_for):
    alice = context_for("alice")
    number = returnable_order(alice)
    first = next(line for line in returnable_lines(alice, number) if line.returnable)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await jump_to(pilot, short(number), number)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, NewReturnScreen), "the new return")
        await pilot.press(*str(first.returnable + 1))
        await wait_for(pilot, lambda: f"at most {first.returnable}" in str(app.screen.query_one("#return-error").content),
                       "the refusal")
        assert app.screen.query_one("#return-lines").quantities[0] in (0, int(str(first.returnable + 1)[0]))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewReturnScreen)


async def test_a_scanner_burst_receives_the_parcel(make_app, context_for):
    alice, sam = context_for("alice"), context_for("sam")
    number = returnable_order(alice)
    lines = {l.line_no: l.returnable for l in returnable_lines(alice, number) if l.returnable}
    rma = create_return(alice, number, lines, action="Refund", reason="Damaged").number
    move_return(sam, rma, "ApproveRequest")
    app = make_app("wendy")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnsScreen) and app.screen.pages_painted, "returns")
        burst(app, [":", *rma, "enter", "enter"])
        await wait_for(pilot, lambda: get_return(alice, rma).status == "ReturnReceived", "received", limit=15)
        assert all(l.received == l.quantity for l in get_return(alice, rma).lines)
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiveDialog)
                       and app.focused is app.screen.query_one("#receive-number"), "ready for the next parcel")
        assert rma in str(app.screen.query_one("#receive-log").content)


async def test_the_warehouse_cannot_refund(make_app, context_for):
    alice, sam, wendy = context_for("alice"), context_for("sam"), context_for("wendy")
    number = returnable_order(alice)
    from hubtui.services.returns import pass_qc, receive_return

    rma = create_return(alice, number, {min(l.line_no for l in returnable_lines(alice, number) if l.returnable): 1},
                        action="Refund", reason="Damaged").number
    move_return(sam, rma, "ApproveRequest")
    receive_return(wendy, rma)
    pass_qc(wendy, rma)
    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        app.open_return(rma)
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "the return")
        assert app.screen.check_action("refund", ()) is None
        await pilot.press("f")
        await wait_for(pilot, lambda: any("may not issue refunds" in str(n.message) for n in notifications(app)),
                       "why f does nothing")
        assert not isinstance(app.screen, RefundDialog)
    assert get_return(alice, rma).refunded == 0


@pytest.mark.parametrize("outcome", ["replace", "credit", "exchange"])
async def test_replacement_and_credit_note_paths(outcome, make_app, context_for):
    alice, sam, wendy = context_for("alice"), context_for("sam"), context_for("wendy")
    number = returnable_order(alice)
    from hubtui.services.returns import pass_qc, receive_return

    lines = {l.line_no: l.returnable for l in returnable_lines(alice, number) if l.returnable}
    action = {"replace": "Replacement", "credit": "CreditNote", "exchange": "Exchange"}[outcome]
    rma = create_return(alice, number, lines, action=action, reason="Faulty").number
    move_return(sam, rma, "ApproveRequest")
    receive_return(wendy, rma)
    pass_qc(wendy, rma)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        app.open_return(rma)
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "the return")
        if outcome == "replace":
            await pilot.press("r", "y")
            await wait_for(pilot, lambda: get_return(sam, rma).status == "ReplacementOrderCreated", "replaced")
            replacement = get_order(sam, get_return(sam, rma).replacement_order_number)
            assert (replacement.order_type, replacement.status, replacement.order_total) == ("Replacement", "Approved", 0)
        elif outcome == "exchange":
            code = returnable_lines(alice, number)[0].stock_code
            await pilot.press("r")
            await type_text(pilot, f"2*{code.lower()}")
            await pilot.press("enter")
            await wait_for(pilot, lambda: get_return(sam, rma).status == "ReplacementOrderCreated", "exchanged")
            replacement = get_order(sam, get_return(sam, rma).replacement_order_number)
            assert [(l.stock_code, l.quantity, l.unit_price) for l in replacement.lines] == [(code, 2, 0)]
            assert replacement.replacement_for == f"{rma} of {number}"
        else:
            await pilot.press("c")
            await type_text(pilot, "CN-77")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: get_return(sam, rma).status == "CreditNoteCreated", "credited")
            done = get_return(sam, rma)
            assert done.credit_note_number == "CN-77" and done.credit_note_amount == done.amount
        assert error_notifications(app) == []


async def test_the_list_filters_by_quick_filter_and_text_and_opens_a_return_and_its_order(make_app, context_for):
    from hubtui.domain.returns_query import ReturnsQuery
    from hubtui.screens.order_detail import OrderDetailScreen
    from hubtui.services.return_reads import list_returns, returns_filter_counts
    from hubtui.widgets.quick_filter_bar import QuickFilterBar

    sam = context_for("sam")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnsScreen) and app.screen.pages_painted, "returns")
        screen = app.screen
        painted = screen.pages_painted
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.pages_painted > painted and screen.total is not None
                       and screen.query_one(QuickFilterBar).counts is not None, "awaiting approval")
        expected = list_returns(sam, ReturnsQuery(quick_filter="awaiting-approval"))
        assert screen.table.keys() == [r.number for r in expected.rows]
        assert {r.status for r in expected.rows} <= {"ReturnRequested", "ExchangeRequested"}
        assert screen.query_one(QuickFilterBar).counts == returns_filter_counts(sam)
        target = expected.rows[-1]
        painted = screen.pages_painted
        await pilot.press("1", "slash")
        await type_text(pilot, target.order_number)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.table.keys() == [target.number], "the one return of that order")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "its details")
        assert app.screen.detail.number == target.number
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                       and app.screen.detail is not None, "its order")
        assert app.screen.detail.number == target.order_number
        assert target.number in str(app.screen.query_one("#returns").content)


async def test_u_is_greyed_on_an_order_not_dispatched_and_says_why(make_app, context_for):
    from .helpers import assert_greyed_key_says_why
    from .test_order_lines import editable_order

    number = editable_order(context_for("alice"))
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await assert_greyed_key_says_why(pilot, number, "u", "raise_return", "nothing has been dispatched",
                                         NewReturnScreen)


async def test_a_rejected_request_is_closed_and_says_a_new_one_is_needed(make_app, context_for):
    alice = context_for("alice")
    number = returnable_order(alice)
    rma = create_return(alice, number, {min(l.line_no for l in returnable_lines(alice, number) if l.returnable): 1},
                        action="Refund", reason="Late").number
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        app.open_return(rma)
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen), "the return")
        await pilot.press("s", "2")
        await type_text(pilot, "bought 60 days ago")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDetailScreen)
                       and app.screen.detail.status == "RejectRequest", "rejected")
        assert "A new request is needed" in str(app.screen.query_one("#return-summary").content)
        await pilot.press("s")
        await wait_for(pilot, lambda: any("closed as RejectRequest" in str(n.message) for n in notifications(app)),
                       "why s does nothing")
    assert get_return(alice, rma).history[0].summary.endswith("bought 60 days ago")


async def test_S_shows_one_status(make_app, context_for):
    from hubtui.domain.returns_query import ReturnsQuery
    from hubtui.services.return_reads import list_returns

    sam = context_for("sam")
    expected = [r.number for r in list_returns(sam, ReturnsQuery(status="ReturnRequested")).rows]
    everything = list_returns(sam, ReturnsQuery(), limit=500).rows
    assert expected and len(expected) < len(everything)
    app = make_app("sam")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnsScreen) and app.screen.pages_painted, "returns")
        screen = app.screen
        await pilot.press("S", "2")  # 1 any status, 2 ReturnRequested, 3 ApproveRequest, 4 RejectRequest
        await wait_for(pilot, lambda: app.screen is screen and screen.table.keys() == expected, "the requested ones")
        assert "status ReturnRequested" in screen.sub_title
        await pilot.press("S", "1")
        await wait_for(pilot, lambda: screen.total == len(everything), "every return again")
