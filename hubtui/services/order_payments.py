"""Recording an offline payment (SPEC 3): the order's payment status and status follow it.

One transaction each, audited; `apply_payment` also serves placing an order and taking its
payment on the same call.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.errors import MoneyError
from hubtui.domain.limits import text_problem
from hubtui.domain.money import check_symbol, format_money
from hubtui.domain.order_money import balance_due, payment_status_for
from hubtui.domain.orders import (
    OFFLINE_PAYMENT_METHODS,
    OPERATOR_PAYMENT_STATUSES,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    status_after_payment,
)
from hubtui.domain.payments import correction_refusal
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.refusals import refusals_recorded
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import check_version, lock_order, read_back, touch
from hubtui.services.order_reads import settled_free_of_charge
from hubtui.services.views import OrderDetail
from hubtui.services.drafts import PaymentDraft
from hubtui.store.tables import Order, Payment


def _payment_totals(session: Session, order_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Payment.status, func.sum(Payment.amount)).where(Payment.order_id == order_id).group_by(Payment.status)
    )
    return {status: int(total or 0) for status, total in rows}


def payment_kind(draft: PaymentDraft) -> tuple[PaymentMethod, PaymentStatus]:
    """The method and status of a payment an operator records, or InvalidInput naming the field."""
    for field in ("reference", "comment"):
        problem = text_problem(field, getattr(draft, field))
        if problem:
            raise InvalidInput(problem, field)
    try:
        method = PaymentMethod(draft.method)
    except ValueError:
        raise InvalidInput(
            f"Unknown payment method '{draft.method}'; one of {', '.join(sorted(OFFLINE_PAYMENT_METHODS))}.",
            "method",
        ) from None
    if method not in OFFLINE_PAYMENT_METHODS:
        raise InvalidInput(f"{method} payments come from imports, not from an operator.", "method")
    try:
        status = PaymentStatus(draft.status)
    except ValueError:
        status = None  # type: ignore[assignment]
    if status not in OPERATOR_PAYMENT_STATUSES:
        raise InvalidInput(
            f"Payment status '{draft.status}' is not one of {', '.join(s.value for s in OPERATOR_PAYMENT_STATUSES)}.",
            "status",
        )
    return method, status


@refusals_recorded("record payment")
def record_payment(
    ctx: Context, number: str, draft: PaymentDraft, *, expected_version: int | None = None
) -> OrderDetail:
    """Record an offline payment; the order's payment status and status follow SPEC 3."""
    ctx.require(Permission.record_payment)
    method, status = payment_kind(draft)
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        apply_payment(session, ctx, order, method, status, draft)
        number = order.number
    return read_back(ctx, number)


def apply_payment(
    session: Session, ctx: Context, order: Order, method: PaymentMethod, status: PaymentStatus, draft: PaymentDraft
) -> None:
    """Add the payment to a locked order, move its payment status and status, and log both."""
    if order.status == OrderStatus.Cancelled:
        raise InvalidInput(f"{order.number} is cancelled; no payment can be recorded.", "status")
    due = _balance_due(session, order)
    if due == 0:
        # Also the answer to every operator but the first when several pay one balance at once:
        # each checks under the write lock, after the one before has committed.
        raise InvalidInput(f"{order.number} has nothing to pay: its balance is already paid.", "amount")
    try:
        check_symbol(draft.written_in, order.currency)
    except MoneyError as error:
        raise InvalidInput(str(error), "amount") from None
    amount = 0 if method == PaymentMethod.FOC else (due if draft.amount is None else draft.amount)
    if amount < 0:
        raise InvalidInput("The amount cannot be negative.", "amount")
    if amount == 0 and method != PaymentMethod.FOC:
        raise InvalidInput("The amount must be more than 0.00: FOC is the only payment of nothing.", "amount")
    if amount > due:
        raise InvalidInput(
            f"The amount {format_money(amount, order.currency)} is more than the balance due "
            f"({format_money(due, order.currency)}).",
            "amount",
        )
    before = _money_state(order)
    now = ctx.now()
    session.add(
        Payment(
            order_id=order.id, method=method.value, status=status.value, amount=amount,
            reference=draft.reference, comment=draft.comment, source="operator",
            paid_at=now, recorded_at=now, recorded_by=ctx.operator.user_name,
        )
    )
    session.flush()
    order.payment_method = method.value
    was, moved_to = _settle(session, ctx, order, status)
    summary = f"Payment recorded: {method.value} {status.value} {format_money(amount, order.currency)}"
    if draft.reference:
        summary += f" ref {draft.reference}"
    audit.record(session, ctx, order_id=order.id, action="payment", summary=summary, before=before,
                 after=_money_state(order))
    _log_move(session, ctx, order, was, moved_to, status)


def _settle(session: Session, ctx: Context, order: Order, last: PaymentStatus) -> tuple[str, OrderStatus | None]:
    """The order's paid total and payment status from its payments as they now are (`last`: the
    status just recorded or corrected), and the move a payment makes an Incomplete order take.
    Returns the status it had and the one it moved to, if any."""
    totals = _payment_totals(session, order.id)  # type: ignore[arg-type]
    order.paid_total = totals.get(PaymentStatus.Paid.value, 0)
    if settled_free_of_charge(session, order):
        order.payment_status = PaymentStatus.Paid.value  # nothing is owed
    else:
        order.payment_status = payment_status_for(
            order.order_total, order.paid_total, totals.get(PaymentStatus.Authorized.value, 0),
            order.refunded_total, last,
        ).value
    was = order.status
    moved_to = status_after_payment(OrderStatus(order.status), last, order.fraud_score)
    if moved_to is not None:
        order.status = moved_to.value
    touch(order, ctx)
    return was, moved_to


def _log_move(session: Session, ctx: Context, order: Order, was: str, moved_to: OrderStatus | None,
              why_status: PaymentStatus) -> None:
    if moved_to is None:
        return
    # The move is its own entry, so the history reads as status changes too.
    why = f"payment {why_status.value}"
    if moved_to == OrderStatus.AwaitingApproval:
        why += f", fraud score {order.fraud_score}"
    audit.record(
        session, ctx, order_id=order.id, action="status", summary=f"Status {was} → {moved_to.value} ({why})",
        before={"status": was}, after={"status": order.status},
    )


@refusals_recorded("correct payment")
def correct_payment(ctx: Context, number: str, payment_id: int, status: str, *, comment: str = "",
                    expected_version: int | None = None) -> OrderDetail:
    """Correct a recorded payment's status (a card noted as declined went through, a cheque
    bounced); the order's paid total, payment status and, from Incomplete, status follow.
    `comment` (why) goes into the activity entry."""
    ctx.require(Permission.record_payment)
    comment = comment.strip()
    problem = text_problem("comment", comment)
    if problem:
        raise InvalidInput(problem, "comment")
    try:
        target = PaymentStatus(status)
    except ValueError:
        raise InvalidInput(f"Unknown payment status '{status}'; one of "
                           f"{', '.join(s.value for s in OPERATOR_PAYMENT_STATUSES)}.", "status") from None
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        payment = session.get(Payment, payment_id)
        if payment is None or payment.order_id != order.id:
            raise InvalidInput(f"{order.number} has no payment {payment_id}.", "payment")
        refusal = correction_refusal(payment.status, target.value)
        if refusal:
            raise InvalidInput(refusal, "status")
        if target == PaymentStatus.Paid and order.paid_total + payment.amount > order.order_total:
            # Money taken twice (a card recorded as declined, then paid again by cheque) is
            # settled by refunding one, not by recording both as paid.
            raise InvalidInput(
                f"{order.number} has {format_money(order.paid_total, order.currency)} paid already: this payment "
                f"as Paid would take {format_money(order.paid_total + payment.amount, order.currency)} "
                f"against a total of {format_money(order.order_total, order.currency)}.", "status")
        before = {**_money_state(order), "payment": payment.id, "payment_status_was": payment.status}
        old = payment.status
        payment.status = target.value
        session.flush()
        was, moved_to = _settle(session, ctx, order, target)
        summary = (f"Payment corrected: {payment.method} {format_money(payment.amount, order.currency)} "
                   f"{old} → {target.value}")
        after: dict[str, Any] = {**_money_state(order), "payment": payment.id, "payment_status_now": target.value}
        if comment:
            summary += f": {comment}"
            after["comment"] = comment
        audit.record(session, ctx, order_id=order.id, action="payment", summary=summary, before=before, after=after)
        _log_move(session, ctx, order, was, moved_to, target)
        number = order.number
    return read_back(ctx, number)


def _balance_due(session: Session, order: Order) -> int:
    if settled_free_of_charge(session, order):
        return 0
    return balance_due(order.order_total, order.paid_total, order.refunded_total)


def _money_state(order: Order) -> dict[str, Any]:
    return {"status": order.status, "payment_status": order.payment_status, "paid_total": order.paid_total}


__all__ = ["PaymentDraft", "apply_payment", "correct_payment", "payment_kind", "record_payment"]
