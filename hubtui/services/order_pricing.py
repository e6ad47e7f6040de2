"""An order's lines and discounts as the edit rules see them, and writing back what they come to.

Shared by the lines editor and the discounts (issue 11): both read the order's lines and
discounts into domain values, let domain/order_edits.py work out the new money, and write the
lines, the discounts, the totals and the payment status that follows in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hubtui.domain.discounts import Promotion as PromotionRule
from hubtui.domain.money import format_money
from hubtui.domain.order_edits import AppliedDiscount, EditLine, LinesPreview, Money, Product, preview
from hubtui.domain.order_money import payment_status_for
from hubtui.domain.orders import PaymentStatus, edit_refusal
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_reads import settled_free_of_charge
from hubtui.store.tables import Order, OrderDiscount, OrderLine, Payment, Product as ProductRow, Promotion


@dataclass(frozen=True)
class PricedOrder:
    """An order's lines and discounts as stored, ready to be edited."""

    number: str
    currency: str
    version: int
    lines: tuple[EditLine, ...]
    discounts: tuple[AppliedDiscount, ...]
    shipping: int
    paid: int
    refunded: int

    def preview(self, lines: tuple[EditLine, ...] | None = None,
                discounts: tuple[AppliedDiscount, ...] | None = None) -> LinesPreview:
        return preview(self.lines if lines is None else lines, self.discounts if discounts is None else discounts,
                       shipping=self.shipping, paid=self.paid, refunded=self.refunded, currency=self.currency)


def require_editable(order: Order, what: str = "lines, discounts and addresses") -> None:
    refusal = edit_refusal(order.number, order.status, what)
    if refusal:
        raise InvalidInput(refusal, "status")


def promotion_rule(row: Promotion) -> PromotionRule:
    codes = frozenset(code for code in row.eligible_codes.split() if code)
    return PromotionRule(row.code, percent_bp=row.percent_bp if row.kind == "percent" else 0,
                         amount=row.amount if row.kind != "percent" else 0, active=row.active,
                         starts_at=_utc(row.starts_at), ends_at=_utc(row.ends_at), minimum=row.minimum,
                         eligible=codes or None)


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time, naive as SQLite and a plain PostgreSQL timestamp give it back, as UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def priced_order(session: Session, order: Order) -> PricedOrder:
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no))
    rows = session.execute(
        select(OrderDiscount, Promotion).outerjoin(Promotion, Promotion.id == OrderDiscount.promotion_id)
        .where(OrderDiscount.order_id == order.id).order_by(OrderDiscount.id)
    ).all()
    return PricedOrder(
        number=order.number, currency=order.currency, version=order.version,
        lines=tuple(EditLine(l.line_no, l.stock_code, l.product_name, l.unit_price, l.quantity, l.discount,
                             was_quantity=l.quantity, was_own_discount=l.discount) for l in lines),
        discounts=tuple(AppliedDiscount(d.id, d.code or d.description, d.amount, d.percent_bp,
                                        promotion_rule(p) if p is not None else None) for d, p in rows),
        shipping=order.shipping_total, paid=order.paid_total, refunded=order.refunded_total,
    )


def products_by_code(session: Session, ctx: Context, codes: Iterable[str]) -> dict[str, Product]:
    """The products on sale with these stock codes (as typed, or in any case)."""
    wanted = {code.strip().upper(): code.strip() for code in codes if code.strip()}
    if not wanted:
        return {}
    rows = session.scalars(select(ProductRow).where(
        ProductRow.org_id == ctx.operator.org_id, ProductRow.active.is_(True),
        func.upper(ProductRow.stock_code).in_(list(wanted))))
    found = {}
    for row in rows:
        product = Product(row.stock_code, row.name, row.price)
        found[row.stock_code] = product
        found[wanted[row.stock_code.upper()]] = product
    return found


def write_priced(session: Session, order: Order, result: LinesPreview) -> dict[str, Any]:
    """Store the lines, discounts and totals of `result` on the locked `order`; the payment
    status follows. Returns the money as it now is, for the activity entry."""
    stored = {l.line_no: l for l in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))}
    for line in result.lines:
        row = stored.get(line.line_no)
        if line.quantity == 0:
            if row is not None:
                session.delete(row)
            continue
        total = line.unit_price * line.quantity - line.own_discount
        if row is None:
            session.add(OrderLine(order_id=order.id, line_no=line.line_no, stock_code=line.stock_code,
                                  product_id=_product_id(session, order, line.stock_code),
                                  product_name=line.name, quantity=line.quantity, unit_price=line.unit_price,
                                  discount=line.own_discount, line_total=total))
        else:
            row.quantity, row.discount, row.line_total = line.quantity, line.own_discount, total
    for repriced in result.discounts:
        discount_id = repriced.discount.id
        if discount_id is None:
            continue  # a new discount is added by its own service
        if repriced.dropped:
            session.execute(delete(OrderDiscount).where(OrderDiscount.id == discount_id))
        else:
            session.get(OrderDiscount, discount_id).amount = repriced.amount  # type: ignore[union-attr]
    after = result.after
    order.lines_total, order.discount_total, order.order_total = after.lines_total, after.discount, after.total
    session.flush()
    refresh_payment_status(session, order)
    return money_state(order)


def _product_id(session: Session, order: Order, stock_code: str) -> int | None:
    return session.scalar(select(ProductRow.id).where(ProductRow.org_id == order.org_id,
                                                      ProductRow.stock_code == stock_code))


def refresh_payment_status(session: Session, order: Order) -> None:
    """The payment status from the payments and the total as they now are (a total changed)."""
    if settled_free_of_charge(session, order):
        order.payment_status = PaymentStatus.Paid.value
        return
    sums = dict(session.execute(select(Payment.status, func.sum(Payment.amount))
                                .where(Payment.order_id == order.id).group_by(Payment.status)).all())
    last = session.scalar(select(Payment.status).where(Payment.order_id == order.id).order_by(Payment.id.desc()))
    order.payment_status = payment_status_for(
        order.order_total, int(sums.get(PaymentStatus.Paid.value) or 0),
        int(sums.get(PaymentStatus.Authorized.value) or 0), order.refunded_total,
        PaymentStatus(last) if last else None).value


def money_state(order: Order) -> dict[str, Any]:
    return {"lines_total": order.lines_total, "discount_total": order.discount_total,
            "order_total": order.order_total, "payment_status": order.payment_status}


def money_sentence(before: Money, after: Money, currency: str) -> str:
    """What a change means for the customer's money, in one sentence."""
    total = f"total {format_money(before.total, currency)} → {format_money(after.total, currency)}"
    if after.balance_due and after.balance_due != before.balance_due:
        return f"{total}; {format_money(after.balance_due, currency)} to pay."
    if after.credit_owed:
        return f"{total}; {format_money(after.credit_owed, currency)} owed back to the customer."
    return f"{total}."


def stored_money(order: Order) -> Money:
    """The order's money as stored, before a change."""
    return Money(order.lines_total, order.discount_total, order.shipping_total, order.order_total,
                 max(0, order.order_total - order.paid_total),
                 max(0, order.paid_total - order.refunded_total - order.order_total))


__all__ = ["PricedOrder", "money_sentence", "money_state", "priced_order", "products_by_code", "promotion_rule",
           "refresh_payment_status", "require_editable", "stored_money", "write_priced"]
