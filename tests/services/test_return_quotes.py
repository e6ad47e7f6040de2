"""returnable_lines and quote_refund against the demo's returns: what may still come back, and
what it may refund (SPEC 4)."""

from __future__ import annotations

import pytest

from hubtui.domain.refunds import paid_for_units
from hubtui.services.errors import InvalidInput
from hubtui.services.return_quotes import quote_refund, returnable_lines
from hubtui.services.returns import move_return

from .support import Sql


def _order_with_return(sql: Sql, statuses: str) -> tuple[str, int, int]:
    """An order whose one return (in one of `statuses`) claims a line dispatched more than once."""
    number, line_no, line_id, _ = _return_on_a_line(sql, statuses)
    return number, line_no, line_id


def _return_on_a_line(sql: Sql, statuses: str) -> tuple[str, int, int, str]:
    """_order_with_return's order, line and line id, and the return's number."""
    row = sql.rows(
        "SELECT o.number, l.line_no, l.id, r.number FROM returns r JOIN return_lines rl ON rl.rma_id = r.id "
        "JOIN order_lines l ON l.id = rl.order_line_id JOIN orders o ON o.id = r.order_id "
        f"WHERE r.status IN ({statuses}) AND l.dispatched_quantity >= 2 AND o.org_id = ? "
        "AND (SELECT COUNT(*) FROM returns r2 WHERE r2.order_id = o.id) = 1 ORDER BY o.id LIMIT 1",
        (sql.org_id("BTOOLS"),))
    assert row, f"the demo has no such return ({statuses})"
    return row[0][0], row[0][1], row[0][2], row[0][3]


def test_an_open_return_claims_its_units_and_the_rest_may_still_come_back(alice, sql: Sql) -> None:
    number, line_no, line_id = _order_with_return(sql, "'ReturnRequested', 'ApproveRequest', 'RefundProcessed'")
    line = next(l for l in returnable_lines(alice, number) if l.line_no == line_no)
    claimed = sql.scalar("SELECT SUM(quantity) FROM return_lines WHERE order_line_id = ?", (line_id,))
    assert (line.claimed, line.returnable) == (claimed, line.dispatched - claimed)
    quote = quote_refund(alice, number, {line_no: line.returnable})
    earlier = paid_for_units(line.paid, line.quantity, returned_before=0, returning=line.claimed)
    if line.returnable == line.quantity - line.claimed:
        assert earlier + quote.paid_for_units == line.paid, "all units returned refund exactly what was paid"
    order = sql.order(number)
    assert quote.still_refundable == order["paid_total"] - order["refunded_total"]
    assert quote.cap == min(quote.paid_for_units, quote.still_refundable)
    with pytest.raises(InvalidInput, match=rf"Line {line_no} \(.*\): {line.returnable + 1} to return, but only "
                                           rf"{line.returnable} of {line.dispatched} dispatched can still come back"):
        quote_refund(alice, number, {line_no: line.returnable + 1})


def test_a_rejected_request_claims_nothing(alice, context_for, sql: Sql) -> None:
    number, line_no, _, rma = _return_on_a_line(sql, "'ReturnRequested'")
    before = next(l for l in returnable_lines(alice, number) if l.line_no == line_no)
    assert before.claimed > 0
    move_return(context_for("sam"), rma, "RejectRequest", comment="outside 30 days")
    line = next(l for l in returnable_lines(alice, number) if l.line_no == line_no)
    assert line.claimed == 0 and line.returnable == line.dispatched


def test_line_shares_include_the_order_discount(alice, sql: Sql) -> None:
    number = sql.scalar("SELECT number FROM orders WHERE discount_total > 0 AND org_id = ? ORDER BY id LIMIT 1",
                        (sql.org_id("BTOOLS"),))
    lines = returnable_lines(alice, number)
    order = sql.order(number)
    assert sum(l.paid for l in lines) == order["lines_total"] - order["discount_total"]
