"""record_payment: offline payments, the payment status they give, and what they move."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_reads import get_order
from hubtui.services.order_writes import change_status
from hubtui.services.order_payments import PaymentDraft, record_payment
from tests.spec_payments import EXPECTED, EXPECTED_FOC, OPERATOR_STATUSES
from tests.spec_payments import OFFLINE_METHODS as OFFLINE

from .support import Catalog, Sql, place


@pytest.mark.parametrize("status", OPERATOR_STATUSES)
@pytest.mark.parametrize("method", OFFLINE)
def test_each_offline_method_and_status(method: str, status: str, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    total = order.order_total
    assert total > 0

    paid = record_payment(alice, order.number, PaymentDraft(method, status, reference="R-1"), expected_version=1)

    if method == "FOC":
        payment_status, order_status = EXPECTED_FOC[status]
        amount, paid_total = 0, 0
    else:
        payment_status, order_status, counts = EXPECTED[status]
        amount, paid_total = total, (total if counts else 0)
    assert paid.payment_status == payment_status
    assert paid.status == order_status
    assert paid.paid_total == paid_total
    assert paid.payment_method == method
    assert paid.version == 2
    assert paid.updated_by == "alice"
    (payment,) = paid.payments
    assert (payment.method, payment.status, payment.amount, payment.reference, payment.source, payment.recorded_by) == (
        method, status, amount, "R-1", "operator", "alice",
    )
    moved = order_status != "Incomplete"
    # Newest first: a payment that moves the order logs the move after the payment.
    assert [a.action for a in paid.activity[:3]] == (["status", "payment", "placed"] if moved else ["payment", "placed"])
    if moved:
        assert paid.activity[0].summary == f"Status Incomplete → {order_status} (payment {status})"
        assert (paid.activity[0].before, paid.activity[0].after) == ({"status": "Incomplete"}, {"status": order_status})
    entry = paid.activity[1 if moved else 0]
    assert entry.action == "payment"
    assert entry.user_name == "alice"
    assert entry.before == {"status": "Incomplete", "payment_status": "Pending", "paid_total": 0}
    assert entry.after == {"status": order_status, "payment_status": payment_status, "paid_total": paid_total}
    assert method in entry.summary and status in entry.summary

    row = sql.order(order.number)
    assert (row["payment_status"], row["status"], row["paid_total"], row["payment_method"], row["version"]) == (
        payment_status, order_status, paid_total, method, 2,
    )
    stored = sql.rows("SELECT method, status, amount, source FROM payments WHERE order_id = ?", (row["id"],))
    assert [tuple(p) for p in stored] == [(method, status, amount, "operator")]
    assert [a["action"] for a in sql.activity(order.number)] == ["placed", "payment"] + (["status"] if moved else [])


def test_amount_defaults_to_the_balance_due(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    part = record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=1000))
    assert part.balance_due == order.order_total - 1000
    rest = record_payment(alice, order.number, PaymentDraft("Bacs", "Pending"))
    assert rest.payments[-1].amount == order.order_total - 1000
    assert sql.scalar(
        "SELECT amount FROM payments WHERE order_id = ? ORDER BY id DESC LIMIT 1", (order.id,)
    ) == order.order_total - 1000


def test_partial_then_rest_paid_accumulates(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    total = order.order_total

    first = record_payment(alice, order.number, PaymentDraft("Cheque", "Paid", amount=1234))
    assert (first.paid_total, first.balance_due, first.payment_status) == (1234, total - 1234, "Pending")
    assert first.status == "Approved"  # a Paid payment moves an Incomplete order (SPEC 3)

    second = record_payment(alice, order.number, PaymentDraft("Cash", "Paid"), expected_version=first.version)
    assert (second.paid_total, second.balance_due, second.payment_status) == (total, 0, "Paid")
    assert second.status == "Approved"
    assert [p.amount for p in second.payments] == [1234, total - 1234]
    assert [a.action for a in second.activity] == ["payment", "status", "payment", "placed"]
    assert second.activity[0].before == {"status": "Approved", "payment_status": "Pending", "paid_total": 1234}
    assert second.activity[0].after == {"status": "Approved", "payment_status": "Paid", "paid_total": total}

    row = sql.order(order.number)
    assert (row["paid_total"], row["payment_status"], row["version"]) == (total, "Paid", 3)
    assert sql.scalar("SELECT SUM(amount) FROM payments WHERE order_id = ?", (row["id"],)) == total

    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=1))
    assert refused.value.field == "amount"
    assert sql.snapshot() == before


def test_authorized_then_paid(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    authorized = record_payment(alice, order.number, PaymentDraft("CardOverPhone", "Authorized"))
    assert (authorized.payment_status, authorized.paid_total, authorized.balance_due) == (
        "Authorized", 0, order.order_total,
    )
    captured = record_payment(alice, order.number, PaymentDraft("CardOverPhone", "Paid"))
    assert (captured.payment_status, captured.paid_total, captured.balance_due) == ("Paid", order.order_total, 0)
    assert sql.order(order.number)["payment_status"] == "Paid"


def test_declined_then_paid(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    declined = record_payment(alice, order.number, PaymentDraft("MOTO", "Declined"))
    assert (declined.payment_status, declined.status) == ("Declined", "Incomplete")
    paid = record_payment(alice, order.number, PaymentDraft("MOTO", "Paid"))
    assert (paid.payment_status, paid.status, paid.paid_total) == ("Paid", "Approved", order.order_total)
    assert sql.order(order.number)["status"] == "Approved"


@pytest.mark.parametrize(("score", "moved_to"), [(69, "Approved"), (70, "AwaitingApproval"), (95, "AwaitingApproval")])
@pytest.mark.parametrize("status", ["Paid", "Authorized"])
def test_fraud_score_sends_the_order_to_approval(
    score: int, moved_to: str, status: str, alice, catalog: Catalog, sql: Sql
) -> None:
    order = place(alice, catalog)
    assert sql.execute("UPDATE orders SET fraud_score = ? WHERE number = ?", (score, order.number)) == 1

    paid = record_payment(alice, order.number, PaymentDraft("Bacs", status))

    assert paid.status == moved_to
    assert paid.fraud_score == score
    assert sql.order(order.number)["status"] == moved_to
    move = paid.activity[0]
    assert (move.action, move.after) == ("status", {"status": moved_to})
    if moved_to == "AwaitingApproval":
        assert move.summary == f"Status Incomplete → AwaitingApproval (payment {status}, fraud score {score})"


@pytest.mark.parametrize("status", ["Paid", "Authorized", "Pending"])
def test_payment_does_not_move_an_order_past_incomplete(status: str, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(alice, order.number, "Pending")
    paid = record_payment(alice, order.number, PaymentDraft("Cash", status, amount=100))
    assert paid.status == "Pending"
    assert sql.order(order.number)["status"] == "Pending"


def test_foc_records_zero_and_marks_paid(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    detail = record_payment(alice, order.number, PaymentDraft("FOC", "Paid", amount=5000))
    assert [p.amount for p in detail.payments] == [0]
    assert detail.payment_status == "Paid"
    assert detail.paid_total == 0
    assert sql.scalar("SELECT amount FROM payments WHERE order_id = ?", (order.id,)) == 0
    assert sql.order(order.number)["payment_status"] == "Paid"


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (PaymentDraft("Cash", "Paid", amount=-1), "amount"),
        (PaymentDraft("Card", "Paid"), "method"),
        (PaymentDraft("PayPal", "Paid"), "method"),
        (PaymentDraft("Marketplace", "Paid"), "method"),
        (PaymentDraft("Bitcoin", "Paid"), "method"),
        (PaymentDraft("Cash", "Refunded"), "status"),
        (PaymentDraft("Cash", "PartiallyRefunded"), "status"),
        (PaymentDraft("Cash", "paid"), "status"),
    ],
)
def test_refused_payments_change_nothing(draft: PaymentDraft, field: str, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        record_payment(alice, order.number, draft)
    assert refused.value.field == field
    assert sql.snapshot() == before
    assert get_order(alice, order.number).payments == ()


def test_amount_above_the_balance_is_refused(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=order.order_total + 1))
    assert refused.value.field == "amount"
    assert sql.snapshot() == before
    # The whole balance itself is fine.
    exact = record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=order.order_total))
    assert exact.payment_status == "Paid"


def test_no_payment_on_a_cancelled_order(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(alice, order.number, "Cancelled", reason="CustomerRequest")
    before = sql.snapshot()
    with pytest.raises(InvalidInput):
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid"))
    assert sql.snapshot() == before
    assert sql.scalar("SELECT COUNT(*) FROM payments WHERE order_id = ?", (order.id,)) == 0


def test_stale_version_is_a_conflict(alice, context_for, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    record_payment(context_for("pete"), order.number, PaymentDraft("Cash", "Pending", amount=1))
    before = sql.snapshot()
    with pytest.raises(ConflictError) as conflict:
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid"), expected_version=order.version)
    assert conflict.value.changed_by == "pete"
    assert sql.snapshot() == before


def test_warehouse_may_not_record_payments(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        record_payment(context_for("wendy"), order.number, PaymentDraft("Cash", "Paid"))
    assert sql.snapshot() == before


def test_free_of_charge_settles_the_order_for_good(alice, catalog: Catalog) -> None:
    order = place(alice, catalog)
    foc = record_payment(alice, order.number, PaymentDraft("FOC", "Paid"))
    assert (foc.payment_status, foc.balance_due, foc.paid_total) == ("Paid", 0, 0)
    # Nothing more can be taken, not even a declined attempt (SPEC 8a: nothing due, no payment).
    for draft in (PaymentDraft("Cash", "Declined", amount=0), PaymentDraft("Cash", "Paid", amount=1),
                  PaymentDraft("FOC", "Paid")):
        with pytest.raises(InvalidInput) as refused:
            record_payment(alice, order.number, draft)
        assert refused.value.field == "amount" and "nothing to pay" in str(refused.value)
    assert len(get_order(alice, order.number).payments) == 1
    assert get_order(alice, order.number).payment_status == "Paid"



def test_a_zero_amount_is_refused_but_for_foc(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=0))
    assert refused.value.field == "amount" and "FOC is the only payment of nothing" in str(refused.value)
    assert sql.snapshot() == before
    assert get_order(alice, order.number).status == "Incomplete", "nothing paid moves nothing"


@pytest.mark.parametrize("symbol, refused", [("$", True), ("€", True), ("£", False), (None, False)])
def test_an_amount_in_another_currency_is_refused(symbol, refused, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)  # a GBP order
    before = sql.snapshot()
    draft = PaymentDraft("Cash", "Paid", amount=500, written_in=symbol)
    if refused:
        with pytest.raises(InvalidInput) as refusal:
            record_payment(alice, order.number, draft)
        assert refusal.value.field == "amount" and "not this order's currency" in str(refusal.value)
        assert sql.snapshot() == before
    else:
        assert record_payment(alice, order.number, draft).paid_total == 500
