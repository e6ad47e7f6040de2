"""correct_payment: a recorded payment's status corrected; the order's money and status follow."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_payments import PaymentDraft, correct_payment, record_payment

from .support import Catalog, Sql, place


def _pay(ctx, number: str, status: str, **fields):
    detail = record_payment(ctx, number, PaymentDraft(fields.pop("method", "MOTO"), status, **fields))
    return detail, detail.payments[0].id


def test_a_declined_card_that_went_through_is_paid_and_approves_the_order(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    declined, payment_id = _pay(alice, order.number, "Declined")
    assert (declined.status, declined.payment_status, declined.paid_total) == ("Incomplete", "Declined", 0)

    corrected = correct_payment(alice, order.number, payment_id, "Paid", comment="the bank says it cleared",
                                expected_version=declined.version)

    assert (corrected.status, corrected.payment_status, corrected.paid_total, corrected.balance_due) == (
        "Approved", "Paid", order.order_total, 0)
    assert [(p.id, p.status) for p in corrected.payments] == [(payment_id, "Paid")]
    move, entry = corrected.activity[:2]
    assert (move.action, move.summary) == ("status", "Status Incomplete → Approved (payment Paid)")
    assert entry.action == "payment" and entry.user_name == "alice"
    assert entry.summary.endswith("Declined → Paid: the bank says it cleared"), entry.summary
    assert entry.before["payment_status_was"] == "Declined" and entry.before["paid_total"] == 0
    assert entry.after["payment_status_now"] == "Paid" and entry.after["paid_total"] == order.order_total
    row = sql.order(order.number)
    assert (row["status"], row["payment_status"], row["paid_total"], row["version"]) == (
        "Approved", "Paid", order.order_total, declined.version + 1)
    assert sql.scalar("SELECT status FROM payments WHERE id = ?", (payment_id,)) == "Paid"


def test_a_bounced_cheque_takes_the_money_back_off_the_order(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    paid, payment_id = _pay(alice, order.number, "Paid", method="Cheque")
    assert (paid.status, paid.payment_status) == ("Approved", "Paid")

    bounced = correct_payment(alice, order.number, payment_id, "Declined")

    # The order stays where it was (a move back is the operator's call: hold it), but it is unpaid again.
    assert (bounced.status, bounced.payment_status, bounced.paid_total, bounced.balance_due) == (
        "Approved", "Declined", 0, order.order_total)
    assert sql.order(order.number)["paid_total"] == 0


@pytest.mark.parametrize(("first", "then", "payment_status"), [
    ("Pending", "Authorized", "Authorized"),
    ("Authorized", "Paid", "Paid"),
    ("Paid", "Pending", "Pending"),
    ("Declined", "Pending", "Pending"),
])
def test_each_correction_between_operator_statuses(first, then, payment_status, alice, catalog: Catalog) -> None:
    order = place(alice, catalog)
    _, payment_id = _pay(alice, order.number, first)
    assert correct_payment(alice, order.number, payment_id, then).payment_status == payment_status


@pytest.mark.parametrize(("target", "says"), [
    ("Refunded", "comes only from a refund"),
    ("PartiallyRefunded", "comes only from a refund"),
    ("Declined", "already Declined"),
    ("paid", "Unknown payment status 'paid'"),
])
def test_a_correction_that_is_not_one_is_refused_and_changes_nothing(target, says, alice, catalog: Catalog,
                                                                    sql: Sql) -> None:
    order = place(alice, catalog)
    _, payment_id = _pay(alice, order.number, "Declined")
    before = sql.snapshot()
    with pytest.raises(InvalidInput, match=says):
        correct_payment(alice, order.number, payment_id, target)
    assert sql.snapshot() == before


def test_a_refunded_payment_is_changed_only_by_refunds(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    _, payment_id = _pay(alice, order.number, "Paid")
    assert sql.execute("UPDATE payments SET status = 'Refunded' WHERE id = ?", (payment_id,)) == 1
    before = sql.snapshot()
    with pytest.raises(InvalidInput, match="changed only by refunds"):
        correct_payment(alice, order.number, payment_id, "Declined")
    assert sql.snapshot() == before


def test_a_payment_of_another_order_or_none_is_refused(alice, catalog: Catalog, sql: Sql) -> None:
    order, other = place(alice, catalog), place(alice, catalog)
    _, payment_id = _pay(alice, other.number, "Pending")
    before = sql.snapshot()
    for wrong in (payment_id, 10**9):
        with pytest.raises(InvalidInput, match=f"{order.number} has no payment {wrong}"):
            correct_payment(alice, order.number, wrong, "Paid")
    assert sql.snapshot() == before


def test_paid_twice_is_refused(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    _, declined_id = _pay(alice, order.number, "Declined")
    _pay(alice, order.number, "Paid", method="Cheque")
    before = sql.snapshot()
    with pytest.raises(InvalidInput, match="paid already"):
        correct_payment(alice, order.number, declined_id, "Paid")
    assert sql.snapshot() == before


def test_a_stale_correction_is_refused_naming_who_changed_the_order(context_for, alice, catalog: Catalog,
                                                                    sql: Sql) -> None:
    order = place(alice, catalog)
    seen, payment_id = _pay(alice, order.number, "Pending")
    record_payment(context_for("sam"), order.number, PaymentDraft("Cash", "Paid", amount=100))
    before = sql.snapshot()
    with pytest.raises(ConflictError, match="sam"):
        correct_payment(alice, order.number, payment_id, "Paid", expected_version=seen.version)
    assert sql.snapshot() == before


def test_warehouse_may_not_correct_payments(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    _, payment_id = _pay(alice, order.number, "Pending")
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        correct_payment(context_for("wendy"), order.number, payment_id, "Paid")
    assert sql.snapshot() == before
