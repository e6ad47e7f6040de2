"""Returns against the demo database: raise, approve, receive, QC, refund, replace, credit (SPEC 4, issue 12).

Every check reads the store with plain SQL (support.Sql), not through the services under test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.returns import RMA_TRANSITIONS, RmaStatus
from hubtui.services.context import Context
from hubtui.services.errors import ConflictError, InvalidInput, NotFound
from hubtui.services.org_settings import REFUND_SUPERVISOR_ABOVE, RETURN_ELIGIBLE_FROM
from hubtui.services.return_outcomes import credit_return, refund_return, replace_return
from hubtui.services.return_quotes import returnable_lines
from hubtui.services.return_reads import get_return, list_returns, return_to_receive, returns_filter_counts
from hubtui.services.returns import create_return, move_return, pass_qc, receive_return

from .support import Sql


@pytest.fixture
def sam(context_for: Callable[..., Context]) -> Context:
    return context_for("sam")


@pytest.fixture
def wendy(context_for: Callable[..., Context]) -> Context:
    return context_for("wendy")


def _two_line_order(sql: Sql, paid: bool = True) -> str:
    """A dispatched, paid BTOOLS order of two or more lines with no return yet."""
    row = sql.rows(
        "SELECT o.number FROM orders o WHERE o.org_id = ? AND o.status IN ('Dispatched', 'Delivered') "
        "AND o.paid_total = o.order_total AND o.refunded_total = 0 AND o.order_total > 0 "
        "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id) "
        "AND (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id AND l.dispatched_quantity > 0) >= 2 "
        "ORDER BY o.id LIMIT 1", (sql.org_id("BTOOLS"),))
    assert row, "the demo has no such order"
    return row[0][0]


def _all_of(ctx: Context, number: str) -> dict[int, int]:
    return {line.line_no: line.returnable for line in returnable_lines(ctx, number)}


def _to_qc(alice: Context, sam: Context, wendy: Context, number: str, quantities: dict[int, int],
           action: str = "Refund") -> str:
    rma = create_return(alice, number, quantities, action=action, reason="Damaged").number
    move_return(sam, rma, "ApproveRequest", comment="photos seen")
    receive_return(wendy, rma)
    pass_qc(wendy, rma, note="box dented, goods fine")
    return rma


def test_the_whole_way_to_a_refund(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    quantities = _all_of(alice, number)
    created = create_return(alice, number, quantities, action="Refund", reason="Faulty", comment="buzzes")
    assert created.number.startswith("RMA") and len(created.number) == 10
    assert created.status == "ReturnRequested" and created.moves == ("ApproveRequest", "RejectRequest")
    row = sql.one("SELECT * FROM returns WHERE number = ?", (created.number,))
    assert (row["raised_from"], row["note"], row["action"]) == ("CustomerSupport", "buzzes", "Refund")
    assert sql.scalar("SELECT SUM(quantity) FROM return_lines WHERE rma_id = ?", (row["id"],)) == sum(quantities.values())
    order = sql.order(number)
    assert created.amount == order["lines_total"] - order["discount_total"], "all units: all that was paid for them"
    move_return(sam, created.number, "ApproveRequest")
    received = receive_return(wendy, created.number)
    assert received.status == "ReturnReceived" and all(l.received == l.quantity for l in received.lines)
    qc = pass_qc(wendy, created.number, note="all there")
    assert qc.status == "RMAQCcomplete" and qc.refund_cap == created.amount
    refunded = refund_return(sam, created.number, reference="R-1")
    assert refunded.status == "RefundProcessed" and refunded.refunded == created.amount
    order = sql.order(number)
    assert order["refunded_total"] == created.amount
    expected = "Refunded" if created.amount >= order["paid_total"] else "PartiallyRefunded"
    assert order["payment_status"] == expected
    statuses = [r["summary"] for r in sql.rows("SELECT summary FROM activity WHERE rma_id = ? ORDER BY id", (row["id"],))]
    assert len(statuses) == 6 and "ProcessReturn" in statuses[4] and "Refund of" in statuses[5]
    assert all(r["order_id"] == order["id"] for r in sql.rows("SELECT order_id FROM activity WHERE rma_id = ?", (row["id"],)))


def test_a_partial_return_leaves_the_rest_returnable(alice: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    first = min(_all_of(alice, number))
    create_return(alice, number, {first: 1}, action="Refund", reason="Late")
    after = {l.line_no: l for l in returnable_lines(alice, number)}
    assert after[first].claimed == 1 and after[first].returnable == after[first].dispatched - 1
    with pytest.raises(InvalidInput, match=rf"only {after[first].returnable} of {after[first].dispatched} dispatched"):
        create_return(alice, number, {first: after[first].returnable + 1}, action="Refund", reason="Late")


def test_refusals_say_why_and_write_nothing(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    before = sql.scalar("SELECT COUNT(*) FROM returns")
    with pytest.raises(InvalidInput, match="at least one unit"):
        create_return(alice, number, {}, action="Refund", reason="Damaged")
    with pytest.raises(InvalidInput, match="Unknown return reason 'Bored'"):
        create_return(alice, number, {1: 1}, action="Refund", reason="Bored")
    with pytest.raises(NotFound, match="No order BT9999999"):
        create_return(alice, "BT9999999", {1: 1}, action="Refund", reason="Damaged")
    young = sql.scalar("SELECT number FROM orders WHERE status = 'Approved' AND org_id = ? LIMIT 1",
                       (sql.org_id("BTOOLS"),))
    with pytest.raises(InvalidInput, match="returns open from Dispatched on .*return_eligible_from"):
        create_return(alice, young, {1: 1}, action="Refund", reason="Damaged")
    with pytest.raises(PermissionDenied):
        create_return(wendy, number, {1: 1}, action="Refund", reason="Damaged")
    assert sql.scalar("SELECT COUNT(*) FROM returns") == before
    rma = create_return(alice, number, {min(_all_of(alice, number)): 1}, action="Refund", reason="Damaged").number
    with pytest.raises(PermissionDenied, match="approve"):
        move_return(alice, rma, "ApproveRequest")
    with pytest.raises(InvalidInput, match="allowed: ApproveRequest, RejectRequest"):
        move_return(sam, rma, "RMAQCcomplete")
    with pytest.raises(InvalidInput, match="recording the refund"):
        move_return(sam, rma, "RefundProcessed")
    with pytest.raises(InvalidInput, match="after QC"):
        refund_return(sam, rma)
    move_return(sam, rma, "RejectRequest", comment="outside 30 days")
    with pytest.raises(InvalidInput, match="closed as RejectRequest.*raise a new return"):
        move_return(sam, rma, "ApproveRequest")
    assert sql.scalar("SELECT status FROM returns WHERE number = ?", (rma,)) == "RejectRequest"


def test_the_eligibility_start_is_a_setting(alice: Context, sql: Sql) -> None:
    org = sql.org_id("BTOOLS")
    number = sql.scalar("SELECT number FROM orders WHERE status = 'PartiallyDispatched' AND org_id = ? "
                        "AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.dispatched_quantity > 0) "
                        "LIMIT 1", (org,))
    line = next(l for l in returnable_lines(alice, number) if l.returnable)
    with pytest.raises(InvalidInput, match="is PartiallyDispatched"):
        create_return(alice, number, {line.line_no: 1}, action="Refund", reason="Damaged")
    sql.execute("INSERT OR REPLACE INTO org_settings (org_id, key, value) VALUES (?, ?, 'PartiallyDispatched')",
                (org, RETURN_ELIGIBLE_FROM))
    assert create_return(alice, number, {line.line_no: 1}, action="Refund", reason="Damaged").status == "ReturnRequested"


def test_refund_caps_name_both_figures(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    first = min(_all_of(alice, number))
    rma = _to_qc(alice, sam, wendy, number, {first: 1})
    cap = get_return(sam, rma).refund_cap
    with pytest.raises(InvalidInput, match="more than the returned units cost"):
        refund_return(sam, rma, amount=cap + 1)
    assert sql.order(number)["refunded_total"] == 0
    lowered = refund_return(sam, rma, amount=cap - 1 if cap > 1 else cap)
    assert lowered.refunded == (cap - 1 if cap > 1 else cap)


def test_a_refund_above_the_limit_needs_a_supervisor_and_the_warehouse_never_refunds(
        alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    rma = _to_qc(alice, sam, wendy, number, _all_of(alice, number))
    sql.execute("INSERT OR REPLACE INTO org_settings (org_id, key, value) VALUES (?, ?, '100')",
                (sql.org_id("BTOOLS"), REFUND_SUPERVISOR_ABOVE))
    with pytest.raises(PermissionDenied, match="may not issue refunds"):
        refund_return(wendy, rma)
    with pytest.raises(PermissionDenied, match=r"above £1\.00 needs a supervisor"):
        refund_return(alice, rma)
    assert refund_return(alice, rma, amount=100).refunded == 100
    assert sql.scalar("SELECT COUNT(*) FROM refusals WHERE action = 'refund return'") == 2


def test_a_failed_refund_waits_in_problems_and_can_be_tried_again(alice: Context, sam: Context, wendy: Context,
                                                                  sql: Sql) -> None:
    number = _two_line_order(sql)
    rma = _to_qc(alice, sam, wendy, number, _all_of(alice, number))
    failed = refund_return(sam, rma, method="Bacs", failed=True)
    assert failed.status == "RefundPaymentProblems" and failed.refunded == 0
    assert sql.order(number)["refunded_total"] == 0
    assert [r.status for r in failed.refunds] == ["Failed"]
    again = refund_return(sam, rma, method="Cheque", reference="CHQ 1")
    assert again.status == "RefundProcessed" and again.refunded == again.amount
    assert sql.order(number)["refunded_total"] == again.amount


def test_a_replacement_is_a_linked_order_at_no_charge(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    quantities = _all_of(alice, number)
    rma = _to_qc(alice, sam, wendy, number, quantities, action="Replacement")
    done = replace_return(sam, rma)
    assert done.status == "ReplacementOrderCreated" and done.replacement_order_number
    new = sql.order(done.replacement_order_number)
    assert (new["order_type"], new["status"], new["order_total"], new["payment_status"]) == (
        "Replacement", "Approved", 0, "Paid")
    assert new["customer_email"] == sql.order(number)["customer_email"] and new["customer_reference"] == rma
    assert sql.scalar("SELECT SUM(quantity) FROM order_lines WHERE order_id = ? AND unit_price = 0",
                      (new["id"],)) == sum(quantities.values())
    assert sql.order(number)["refunded_total"] == 0


def test_a_credit_note_counts_against_what_is_refundable(alice: Context, sam: Context, wendy: Context,
                                                         sql: Sql) -> None:
    number = _two_line_order(sql)
    lines = _all_of(alice, number)
    first, second = sorted(lines)[:2]
    rma = _to_qc(alice, sam, wendy, number, {first: lines[first]}, action="CreditNote")
    with pytest.raises(InvalidInput, match="credit note's number"):
        credit_return(sam, rma, "  ")
    credited = credit_return(sam, rma, "CN-0042")
    assert credited.status == "CreditNoteCreated" and credited.credit_note_amount == credited.amount
    other = _to_qc(alice, sam, wendy, number, {second: lines[second]})
    order = sql.order(number)
    assert get_return(sam, other).still_refundable == order["paid_total"] - credited.amount


def test_receiving_counts_what_came_back(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    lines = _all_of(alice, number)
    rma = create_return(alice, number, lines, action="Refund", reason="Damaged").number
    with pytest.raises(InvalidInput, match="goods are received only while"):
        receive_return(wendy, rma)
    move_return(sam, rma, "ApproveRequest")
    assert return_to_receive(wendy, number).number == rma, "an order number finds its return waiting for goods"
    first = min(lines)
    with pytest.raises(InvalidInput, match="were expected"):
        receive_return(wendy, rma, {first: lines[first] + 1})
    part = receive_return(wendy, rma, {first: 1})
    assert {l.line_no: l.received for l in part.lines} == {n: (1 if n == first else 0) for n in lines}
    assert part.amount == part.lines[0].amount


def test_nothing_received_is_return_not_received(alice: Context, sam: Context, wendy: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    rma = create_return(alice, number, _all_of(alice, number), action="Refund", reason="Damaged").number
    move_return(sam, rma, "ApproveRequest")
    assert receive_return(wendy, rma, {}).status == "ReturnNotReceived"


def test_a_stale_move_is_refused(alice: Context, sam: Context, sql: Sql) -> None:
    number = _two_line_order(sql)
    created = create_return(alice, number, {min(_all_of(alice, number)): 1}, action="Refund", reason="Damaged")
    move_return(sam, created.number, "ApproveRequest")
    with pytest.raises(ConflictError, match="sam"):
        move_return(sam, created.number, "ReturnOutforPickup", expected_version=created.version)


def test_the_list_pages_filters_and_counts(alice: Context, sam: Context, sql: Sql) -> None:
    org = sql.org_id("BTOOLS")
    total = sql.scalar("SELECT COUNT(*) FROM returns WHERE org_id = ?", (org,))
    seen, page = [], list_returns(alice, limit=7)
    while True:
        seen += [r.number for r in page.rows]
        if not page.has_after:
            break
        page = list_returns(alice, after=page.last, limit=7)
    expected = [r[0] for r in sql.rows("SELECT number FROM returns WHERE org_id = ? ORDER BY id DESC", (org,))]
    assert seen == expected and len(seen) == total
    counts = returns_filter_counts(alice)
    by_status = dict(sql.rows("SELECT status, COUNT(*) FROM returns WHERE org_id = ? GROUP BY status", (org,)))
    assert counts["all"] == total
    assert counts["awaiting-approval"] == by_status.get("ReturnRequested", 0) + by_status.get("ExchangeRequested", 0)
    one = sql.one("SELECT r.number, o.number AS order_number, o.customer_email FROM returns r "
                  "JOIN orders o ON o.id = r.order_id WHERE r.org_id = ? ORDER BY r.id LIMIT 1", (org,))
    from hubtui.domain.returns_query import ReturnsQuery

    for text in (one["number"], one["order_number"], one["customer_email"].upper()):
        assert one["number"] in [r.number for r in list_returns(alice, ReturnsQuery(text=text)).rows], text


@pytest.mark.parametrize("current", list(RmaStatus))
def test_every_move_the_domain_allows_is_accepted_and_every_other_refused(current: RmaStatus, sam: Context,
                                                                          alice: Context, sql: Sql) -> None:
    """From each status, each target: the plain move service accepts exactly the domain's moves
    (outcomes and receiving have their own services, and are refused here by name)."""
    number = _two_line_order(sql)
    rma = create_return(alice, number, {min(_all_of(alice, number)): 1}, action="Refund", reason="Damaged").number
    outcomes = {}
    for target in RmaStatus:
        sql.execute("UPDATE returns SET status = ? WHERE number = ?", (current.value, rma))
        try:
            outcomes[target] = move_return(sam, rma, target.value).status  # a supervisor holds every return permission
        except InvalidInput as error:
            outcomes[target] = str(error)
    by_service = {"RefundProcessed", "RefundPaymentProblems", "CreditNoteCreated", "ReplacementOrderCreated"}
    expected = {t: t.value for t in RMA_TRANSITIONS[current] if t.value not in by_service}
    assert {t: moved for t, moved in outcomes.items() if moved == t.value} == expected
    for target in RMA_TRANSITIONS[current]:
        if target.value in by_service:
            assert "not by a status move" in outcomes[target]


def test_dispatching_an_order_makes_its_units_returnable(alice: Context, sam: Context, wendy: Context,
                                                          sql: Sql) -> None:
    """An order the warehouse marks Dispatched has every unit sent, so a return can take them back."""
    from hubtui.services.order_writes import change_status

    number = sql.scalar("SELECT number FROM orders WHERE status = 'ReadyToDispatch' AND org_id = ? ORDER BY id LIMIT 1",
                        (sql.org_id("BTOOLS"),))
    assert all(line.returnable == 0 for line in returnable_lines(alice, number))
    change_status(wendy, number, "Dispatched")
    lines = returnable_lines(alice, number)
    assert [l.returnable for l in lines] == [l.quantity for l in lines]
    assert sql.scalar("SELECT SUM(dispatched_quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                      "WHERE o.number = ?", (number,)) == sum(l.quantity for l in lines)
    assert create_return(alice, number, {lines[0].line_no: 1}, action="Refund", reason="Late").status == "ReturnRequested"


def test_an_exchange_sends_other_products_at_no_charge(alice: Context, sam: Context, wendy: Context, sql: Sql,
                                                       catalog) -> None:
    number = _two_line_order(sql)
    rma = _to_qc(alice, sam, wendy, number, {min(_all_of(alice, number)): 1}, action="Exchange")
    assert get_return(sam, rma).status == "RMAQCcomplete"
    code = catalog.products[3][0]
    with pytest.raises(InvalidInput, match="No product on sale with stock code NOPE-1"):
        replace_return(sam, rma, products={"NOPE-1": 1})
    done = replace_return(sam, rma, products={code.lower(): 2})
    new = sql.order(done.replacement_order_number)
    lines = sql.rows("SELECT stock_code, quantity, unit_price FROM order_lines WHERE order_id = ?", (new["id"],))
    assert [tuple(l) for l in lines] == [(code, 2, 0)] and new["order_total"] == 0
