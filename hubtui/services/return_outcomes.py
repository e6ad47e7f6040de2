"""What a processed return ends in (SPEC 4): a refund, a credit note or a replacement order.

Each is one transaction under the order's write lock: the refund cap (what the returned units
cost, and what is still refundable on the order) is checked against the money as it is at that
moment, so several operators refunding one order at once give exactly as much as it allows.
A return checked by QC passes through ProcessReturn on the way, recorded as its own step.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.money import format_money
from hubtui.domain.numbers import format_order_number
from hubtui.domain.order_money import payment_status_for
from hubtui.domain.orders import OrderStatus, OrderType, PaymentMethod, PaymentStatus
from hubtui.domain.permissions import Permission, can
from hubtui.domain.refunds import RefundQuote, RefundRefused
from hubtui.domain.returns import OUTCOME_READY, RmaStatus
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import touch
from hubtui.services.org_settings import refund_supervisor_above
from hubtui.services.refusals import refusals_recorded
from hubtui.services.return_quotes import still_refundable
from hubtui.services.return_reads import REFUND_FAILED, REFUND_PROCESSED, get_return, unit_amounts
from hubtui.services.return_views import ReturnDetail
from hubtui.services.returns import clean_text, lock_return, record_move, refuse_if_closed
from hubtui.store.sequences import ORDER_NUMBERS, take_next
from hubtui.store.return_tables import Refund, Return, ReturnLine
from hubtui.store.tables import Order, OrderLine, Payment, Product

# Refunds go back the way the money came, or by an offline method with a reference.
REFUND_METHODS = (PaymentMethod.Bacs, PaymentMethod.Cheque, PaymentMethod.Cash, PaymentMethod.CardOverPhone,
                  PaymentMethod.MOTO, PaymentMethod.Card, PaymentMethod.PayPal, PaymentMethod.Marketplace)


def _quote(session: Session, rma: Return, order: Order) -> RefundQuote:
    """What this return may still give back now."""
    units = sum(v for (rma_id, _), v in unit_amounts(session, [order]).items() if rma_id == rma.id)
    refunded = int(session.scalar(select(func.sum(Refund.amount)).where(
        Refund.rma_id == rma.id, Refund.status == REFUND_PROCESSED)) or 0)
    return RefundQuote(max(0, units - refunded - rma.credit_note_amount), still_refundable(session, order),
                       order.currency)


def _ready(session: Session, ctx: Context, rma: Return, *, retry: frozenset[RmaStatus] = frozenset()) -> None:
    refuse_if_closed(rma, "processed")
    if rma.status not in OUTCOME_READY | retry:
        raise InvalidInput(f"{rma.number} is {rma.status}: a return is refunded, replaced or credited after QC "
                           "(RMAQCcomplete or ProcessReturn).", "status")
    if rma.status == RmaStatus.RMAQCcomplete:
        record_move(session, ctx, rma, RmaStatus.ProcessReturn)


def _amount(quote: RefundQuote, amount: int | None, what: str) -> int:
    if quote.cap <= 0:
        raise InvalidInput(f"Nothing is left to {what}: the returned units' cost is "
                           f"{format_money(quote.paid_for_units, quote.currency)} and the order has "
                           f"{format_money(quote.still_refundable, quote.currency)} still refundable.", "amount")
    try:
        return quote.check(quote.cap if amount is None else amount)
    except RefundRefused as error:
        raise InvalidInput(str(error), "amount") from None


def _require_refund(ctx: Context, session: Session, amount: int, currency: str) -> None:
    """Supervisors refund any amount; agents up to the organisation's limit; others not at all."""
    role = ctx.operator.role
    if can(role, Permission.refund):
        return
    ctx.require(Permission.small_refund)  # the warehouse: "may not issue refunds"
    limit = refund_supervisor_above(session, ctx.operator.org_id)
    if amount > limit:
        raise PermissionDenied(f"A refund above {format_money(limit, currency)} needs a supervisor "
                               f"({format_money(amount, currency)} asked); ask a supervisor.")


def _settle_refund(session: Session, order: Order) -> None:
    authorized = int(session.scalar(select(func.sum(Payment.amount)).where(
        Payment.order_id == order.id, Payment.status == PaymentStatus.Authorized.value)) or 0)
    order.payment_status = payment_status_for(order.order_total, order.paid_total, authorized,
                                              order.refunded_total, None).value


@refusals_recorded("refund return")
def refund_return(ctx: Context, number: str, *, amount: int | None = None, method: str | None = None,
                  reference: str = "", failed: bool = False, expected_version: int | None = None) -> ReturnDetail:
    """Refund a processed return: `amount` (default: the most it may be) by `method` (default: the
    order's payment method). `failed`: the payment provider refused it; the return waits in
    RefundPaymentProblems for another try."""
    if not can(ctx.operator.role, Permission.refund):
        ctx.require(Permission.small_refund)  # before reading anything
    reference = clean_text("reference", reference)
    with ctx.store.write() as session:
        rma, order = lock_return(session, ctx, number, expected_version)
        _ready(session, ctx, rma, retry=frozenset({RmaStatus.RefundPaymentProblems}))
        quote = _quote(session, rma, order)
        value = _amount(quote, amount, "refund")
        _require_refund(ctx, session, value, order.currency)
        chosen = method or order.payment_method or PaymentMethod.Bacs.value
        if chosen not in {m.value for m in REFUND_METHODS}:
            raise InvalidInput(f"A refund goes back by {', '.join(m.value for m in REFUND_METHODS)}; "
                               f"not {chosen}.", "method")
        money = format_money(value, order.currency)
        session.add(Refund(order_id=order.id, rma_id=rma.id, amount=value, method=chosen, reference=reference,  # type: ignore[arg-type]
                           status=REFUND_FAILED if failed else REFUND_PROCESSED, created_at=ctx.now(),
                           created_by=ctx.operator.user_name))
        ref = f" ref {reference}" if reference else ""
        if failed:
            if rma.status == RmaStatus.RefundPaymentProblems:
                audit.record(session, ctx, order_id=order.id, rma_id=rma.id, action="refund",
                             summary=f"Refund of {money} by {chosen} failed again{ref}")
            else:
                record_move(session, ctx, rma, RmaStatus.RefundPaymentProblems,
                            summary=f"Refund of {money} by {chosen} failed{ref}", after={"refund": value})
        else:
            before = {"refunded_total": order.refunded_total, "payment_status": order.payment_status}
            order.refunded_total += value
            _settle_refund(session, order)
            touch(order, ctx)
            record_move(session, ctx, rma, RmaStatus.RefundProcessed,
                        summary=f"Refund of {money} by {chosen}{ref} for {rma.number}",
                        after={"refund": value, "refunded_total": order.refunded_total,
                               "payment_status": order.payment_status, "was": before})
        rma_number = rma.number
    return get_return(ctx, rma_number)


@refusals_recorded("credit return")
def credit_return(ctx: Context, number: str, credit_note: str, *, amount: int | None = None,
                  expected_version: int | None = None) -> ReturnDetail:
    """Record a credit note (its number, and an amount within the refund caps)."""
    if not can(ctx.operator.role, Permission.refund):
        ctx.require(Permission.small_refund)
    credit_note = clean_text("credit_note_number", credit_note)
    if not credit_note:
        raise InvalidInput("Give the credit note's number.", "credit_note_number")
    with ctx.store.write() as session:
        rma, order = lock_return(session, ctx, number, expected_version)
        _ready(session, ctx, rma)
        value = _amount(_quote(session, rma, order), amount, "credit")
        _require_refund(ctx, session, value, order.currency)
        rma.credit_note_number = credit_note
        rma.credit_note_amount = value
        record_move(session, ctx, rma, RmaStatus.CreditNoteCreated,
                    summary=f"Credit note {credit_note} of {format_money(value, order.currency)} for {rma.number}",
                    after={"credit_note_number": credit_note, "credit_note_amount": value})
        rma_number = rma.number
    return get_return(ctx, rma_number)


_COPIED = ("microsite_id", "channel", "currency", "customer_id", "company_id", "customer_email", "customer_first_name",
           "customer_last_name", "customer_name_key", "customer_phone", "company_name", "shipping_name",
           "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_postcode_key",
           "shipping_country", "billing_name", "billing_line1", "billing_line2", "billing_city", "billing_postcode",
           "billing_country")


def _exchanged(session: Session, ctx: Context, products: Mapping[str, int]) -> list[tuple[OrderLine, int]]:
    """Other products sent for an exchange (stock code -> units), as unsaved lines to copy."""
    if any(units <= 0 for units in products.values()):
        raise InvalidInput("Each product sent in exchange needs a quantity of 1 or more.", "line")
    rows = {row.stock_code.upper(): row for row in session.scalars(select(Product).where(
        Product.org_id == ctx.operator.org_id, Product.active.is_(True),
        func.upper(Product.stock_code).in_([code.strip().upper() for code in products])))}
    lines = []
    for code, units in products.items():
        row = rows.get(code.strip().upper())
        if row is None:
            raise InvalidInput(f"No product on sale with stock code {code}.", "line")
        lines.append((OrderLine(product_id=row.id, stock_code=row.stock_code, product_name=row.name, quantity=units,
                                unit_price=0, line_total=0, line_no=0, order_id=0), units))
    return lines


@refusals_recorded("replace return")
def replace_return(ctx: Context, number: str, *, products: Mapping[str, int] | None = None,
                   expected_version: int | None = None) -> ReturnDetail:
    """A linked order of type Replacement at zero price, Approved: the returned units again, or
    for an exchange `products` (stock code -> units) instead."""
    ctx.require(Permission.create_order)
    ctx.require(Permission.raise_return)
    with ctx.store.write() as session:
        rma, order = lock_return(session, ctx, number, expected_version)
        _ready(session, ctx, rma)
        if products:
            coming_back = _exchanged(session, ctx, products)
        else:
            coming_back = [(line, rl.quantity if rl.received_quantity is None else rl.received_quantity)
                           for rl, line in session.execute(
                               select(ReturnLine, OrderLine).join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
                               .where(ReturnLine.rma_id == rma.id).order_by(OrderLine.line_no))]
            coming_back = [(line, units) for line, units in coming_back if units > 0]
        if not coming_back:
            raise InvalidInput(f"{rma.number} has no units that came back to replace.", "status")
        now = ctx.now()
        replacement = Order(
            org_id=order.org_id, number=format_order_number(take_next(session, ORDER_NUMBERS)),
            order_type=OrderType.Replacement.value, status=OrderStatus.Approved.value,
            payment_status=PaymentStatus.Paid.value, payment_method=PaymentMethod.FOC.value,
            customer_reference=rma.number, tags="replacement", placed_at=now, created_at=now,
            created_by=ctx.operator.user_name, updated_at=now, updated_by=ctx.operator.user_name,
            **{name: getattr(order, name) for name in _COPIED},
        )
        session.add(replacement)
        session.flush()
        for line_no, (line, units) in enumerate(coming_back, start=1):
            session.add(OrderLine(order_id=replacement.id, line_no=line_no, product_id=line.product_id,  # type: ignore[arg-type]
                                  stock_code=line.stock_code, product_name=line.product_name, quantity=units,
                                  unit_price=0, discount=0, line_total=0))
        session.add(Payment(order_id=replacement.id, method=PaymentMethod.FOC.value, status=PaymentStatus.Paid.value,
                            amount=0, reference=rma.number, comment="replacement", source="operator", paid_at=now,
                            recorded_at=now, recorded_by=ctx.operator.user_name))
        rma.replacement_order_id = replacement.id
        units = sum(u for _, u in coming_back)
        audit.record(session, ctx, order_id=replacement.id, rma_id=rma.id, action="placed",
                     summary=f"{'Exchange' if products else 'Replacement'} for {order.number} ({rma.number}): "
                             f"{units} unit(s) at no charge",
                     after={"status": replacement.status, "lines": [(l.stock_code, u) for l, u in coming_back]})
        record_move(session, ctx, rma, RmaStatus.ReplacementOrderCreated,
                    summary=f"Replacement order {replacement.number} created for {rma.number}",
                    after={"replacement": replacement.number})
        rma_number = rma.number
    return get_return(ctx, rma_number)


__all__ = ["REFUND_METHODS", "credit_return", "refund_return", "replace_return"]
