"""What an order still has to return and what a return of some of its units may refund (SPEC 4,
issue 12): the reads the new-return screen and the refund dialog start from. Nothing is written.

A line's units are returnable up to what was dispatched less what other returns claim (open or
completed; a rejected request, a denied exchange or a cancelled pickup claims nothing). A
return's refund is capped by what its units cost (discounts included, domain.refunds) and by
what is still refundable on the order (paid less refunded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.permissions import Permission
from hubtui.domain.refunds import PaidLine, RefundQuote, RefundRefused, paid_for_units, paid_per_line
from hubtui.domain.returns import RmaStatus, returnable_quantity
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_lookup import find_order
from hubtui.store.return_tables import Return, ReturnLine
from hubtui.store.tables import Order, OrderLine

# Returns that ended without taking any unit back: their lines claim nothing.
CLAIM_NOTHING = frozenset({RmaStatus.RejectRequest, RmaStatus.ExchangeDenied, RmaStatus.ReturnPickupCancelled})


@dataclass(frozen=True)
class ReturnableLine:
    line_no: int
    order_line_id: int
    stock_code: str
    product_name: str
    quantity: int
    dispatched: int
    claimed: int  # by other returns, open or completed
    paid: int  # what the customer paid for the whole line, its share of order discounts included

    @property
    def returnable(self) -> int:
        return returnable_quantity(self.dispatched, self.claimed)


def returnable_of(session: Session, order: Order) -> tuple[ReturnableLine, ...]:
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                 .order_by(OrderLine.line_no)))
    claimed = dict(session.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(Return, Return.id == ReturnLine.rma_id)
        .where(Return.order_id == order.id, Return.status.not_in([s.value for s in CLAIM_NOTHING]))
        .group_by(ReturnLine.order_line_id)).all())
    paid = paid_per_line([PaidLine(l.line_no, l.quantity, l.line_total) for l in lines], order.discount_total)
    return tuple(ReturnableLine(l.line_no, l.id, l.stock_code, l.product_name, l.quantity,  # type: ignore[arg-type]
                                l.dispatched_quantity, int(claimed.get(l.id) or 0), paid[l.line_no])
                 for l in lines)


def returnable_lines(ctx: Context, number: str) -> tuple[ReturnableLine, ...]:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return returnable_of(session, find_order(session, ctx, number))


def quote_refund(ctx: Context, number: str, quantities: Mapping[int, int]) -> RefundQuote:
    """The refund cap of returning `quantities` (line number -> units) of the order now."""
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)
        lines = {line.line_no: line for line in returnable_of(session, order)}
        cost = 0
        for line_no, quantity in quantities.items():
            line = lines.get(line_no)
            if line is None:
                raise InvalidInput(f"{order.number} has no line {line_no}.", "quantity")
            if quantity > line.returnable:
                raise InvalidInput(f"Line {line_no} ({line.stock_code}): {quantity} to return, but only "
                                   f"{line.returnable} of {line.dispatched} dispatched can still come back.",
                                   "quantity", line=line_no)
            try:
                cost += paid_for_units(line.paid, line.quantity, returned_before=line.claimed, returning=quantity)
            except RefundRefused as error:
                raise InvalidInput(str(error), "quantity", line=line_no) from None
        return RefundQuote(cost, still_refundable(session, order), order.currency)


def still_refundable(session: Session, order: Order) -> int:
    """Paid on the order less refunded less what credit notes gave."""
    credited = sum(session.scalars(select(Return.credit_note_amount).where(Return.order_id == order.id)))
    return max(0, order.paid_total - order.refunded_total - int(credited or 0))


@dataclass(frozen=True)
class ReturnStart:
    """What the new-return screen opens on: the order and what each of its lines may still return."""

    order_number: str
    customer_name: str
    customer_email: str
    order_status: str
    currency: str
    paid_total: int
    refunded_total: int
    lines: tuple[ReturnableLine, ...]


def return_start(ctx: Context, typed: str) -> ReturnStart:
    """The order a new return is for, named by its number or its customer's e-mail (the newest
    order of theirs that can still return something), with its returnable lines. An order that
    cannot be returned yet is refused with the reason, before anything is typed."""
    from hubtui.domain.numbers import parse_order_number
    from hubtui.domain.errors import NumberFormatError
    from hubtui.domain.returns import eligibility_refusal
    from hubtui.services.errors import NotFound
    from hubtui.services.org_settings import return_eligible_from

    ctx.require(Permission.raise_return)
    typed = typed.strip()
    with ctx.store.read() as session:
        eligible_from = return_eligible_from(session, ctx.operator.org_id)
        if "@" in typed:
            candidates = session.scalars(select(Order).where(Order.org_id == ctx.operator.org_id,
                                                             Order.customer_email == typed.lower())
                                         .order_by(Order.id.desc()).limit(50))
            order = next((o for o in candidates if eligibility_refusal(o.status, eligible_from) is None
                          and any(l.returnable for l in returnable_of(session, o))), None)
            if order is None:
                raise NotFound(f"{typed} has no order that can be returned (returns open from {eligible_from}).")
        else:
            try:
                parse_order_number(typed)
            except NumberFormatError as error:
                raise InvalidInput(str(error), "order") from None
            order = find_order(session, ctx, typed)
            refusal = eligibility_refusal(order.status, eligible_from)
            if refusal:
                raise InvalidInput(f"{order.number} cannot be returned yet. {refusal}", "order")
        lines = returnable_of(session, order)
        if not any(line.returnable for line in lines):
            raise InvalidInput(f"{order.number}: every dispatched unit is already on a return.", "order")
        name = f"{order.customer_first_name} {order.customer_last_name}".strip() or order.company_name
        return ReturnStart(order.number, name, order.customer_email, order.status, order.currency,  # type: ignore[arg-type]
                           order.paid_total, order.refunded_total, lines)


__all__ = ["CLAIM_NOTHING", "ReturnStart", "return_start", "ReturnableLine", "quote_refund", "returnable_lines", "returnable_of", "still_refundable"]
