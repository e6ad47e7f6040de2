"""Discounts on a placed order (SPEC 3, issue 11): a promotion code, checked against its dates,
minimum and products; an operator's own discount as an amount or a percentage with a reason;
taking one off. Each is one transaction against the version the operator saw: the discounts are
worked out again on the lines, the totals and payment status follow, and the activity log says
what changed with the money before and after."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hubtui.domain.discounts import DiscountRefused, Line, adhoc_discount, promotion_discount, read_entry
from hubtui.domain.errors import MoneyError
from hubtui.domain.limits import text_problem
from hubtui.domain.money import check_symbol, format_money
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import check_version, lock_order, read_back, touch
from hubtui.services.order_pricing import (
    money_sentence,
    money_state,
    priced_order,
    promotion_rule,
    require_editable,
    stored_money,
    write_priced,
)
from hubtui.services.refusals import refusals_recorded
from hubtui.services.views import OrderDetail
from hubtui.store.tables import Order, OrderDiscount, Promotion


def _change(ctx: Context, number: str, expected_version: int | None,
            change: Callable[[Session, Order, list[Line], int], str]) -> OrderDetail:
    """Lock the order, let `change(session, order, lines, discount so far)` add or take off a
    discount and say what it did, then work every discount out again and write the money."""
    ctx.require(Permission.edit_order)
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        require_editable(order, "lines, discounts and addresses")
        before, was = money_state(order), stored_money(order)
        priced = priced_order(session, order)
        lines = [Line(l.stock_code, l.value) for l in priced.lines]
        what = change(session, order, lines, sum(d.amount for d in priced.discounts))
        session.flush()
        result = priced_order(session, order).preview()
        after = write_priced(session, order, result)
        touch(order, ctx)
        audit.record(session, ctx, order_id=order.id, action="discount",
                     summary=f"{what}; {money_sentence(was, result.after, order.currency)}"[:400], before=before, after=after)
        number = order.number
    return read_back(ctx, number)


@refusals_recorded("apply promotion")
def apply_promotion(ctx: Context, number: str, code: str, *, expected_version: int | None = None) -> OrderDetail:
    code = code.strip()
    problem = text_problem("promotion_code", code)
    if problem or not code:
        raise InvalidInput(problem or "Type a promotion code.", "code")

    def give(session: Session, order: Order, lines: list[Line], already: int) -> str:
        row = session.scalar(select(Promotion).where(Promotion.org_id == order.org_id,
                                                     func.upper(Promotion.code) == code.upper()))
        if row is None:
            raise InvalidInput(f"No promotion has the code '{code}'.", "code")
        if session.scalar(select(OrderDiscount.id).where(OrderDiscount.order_id == order.id,
                                                         OrderDiscount.promotion_id == row.id)):
            raise InvalidInput(f"{row.code} is already on {order.number}.", "code")
        try:
            amount = promotion_discount(promotion_rule(row), lines, ctx.now(), order.currency)
        except DiscountRefused as error:
            raise InvalidInput(str(error), "code") from None
        amount = min(amount, sum(l.value for l in lines) - already)
        if amount <= 0:
            raise InvalidInput(f"{order.number} has nothing left to discount.", "code")
        session.add(OrderDiscount(order_id=order.id, promotion_id=row.id, code=row.code,
                                  description=row.description, percent_bp=row.percent_bp if row.kind == "percent"
                                  else 0, amount=amount, created_at=ctx.now(), created_by=ctx.operator.user_name))
        return f"Promotion {row.code} applied: −{format_money(amount, order.currency)}"

    return _change(ctx, number, expected_version, give)


def parse_percent(text: str) -> Decimal:
    """A percentage as typed ("12.5", "12.5%"): more than 0, at most 100, two decimals at most."""
    typed = text.strip()
    try:
        entry = read_entry(typed if typed.endswith("%") else typed + "%")
    except DiscountRefused as error:
        raise InvalidInput(str(error).replace(f"'{typed}%'", f"'{typed}'"), "percent") from None
    assert entry.percent is not None
    return entry.percent


@refusals_recorded("add discount")
def add_discount(ctx: Context, number: str, *, reason: str, amount: int | None = None,
                 percent: Decimal | None = None, written_in: str | None = None,
                 expected_version: int | None = None) -> OrderDetail:
    """The operator's own discount: `amount` (minor units) or `percent` of the lines, with a reason."""
    reason = reason.strip()
    problem = text_problem("discount_reason", reason)
    if problem or not reason:
        raise InvalidInput(problem or "Give the reason for the discount (it goes on the order).", "reason")
    if percent is not None and (percent <= 0 or percent > 100):
        raise InvalidInput(f"A percentage is more than 0 and at most 100 ({percent} given).", "percent")

    def give(session: Session, order: Order, lines: list[Line], already: int) -> str:
        try:
            check_symbol(written_in, order.currency)
            given = adhoc_discount(sum(l.value for l in lines), amount=amount, percent=percent, already=already,
                                   currency=order.currency)
        except (DiscountRefused, MoneyError) as error:
            raise InvalidInput(str(error), "percent" if percent is not None else "amount") from None
        bp = int(percent * 100) if percent is not None else 0
        session.add(OrderDiscount(order_id=order.id, code="", description=reason, percent_bp=bp, amount=given,
                                  created_at=ctx.now(), created_by=ctx.operator.user_name))
        how = f"{percent.normalize():f}% " if percent is not None else ""
        return f"Discount {how}−{format_money(given, order.currency)} given: {reason}"

    return _change(ctx, number, expected_version, give)


@refusals_recorded("remove discount")
def remove_discount(ctx: Context, number: str, discount_id: int, *,
                    expected_version: int | None = None) -> OrderDetail:
    def take_off(session: Session, order: Order, lines: list[Line], already: int) -> str:
        row = session.get(OrderDiscount, discount_id)
        if row is None or row.order_id != order.id:
            raise InvalidInput(f"{order.number} has no discount {discount_id}.", "discount")
        label = row.code or row.description
        session.execute(delete(OrderDiscount).where(OrderDiscount.id == discount_id))
        return f"Discount removed: {label} −{format_money(row.amount, order.currency)}"

    return _change(ctx, number, expected_version, take_off)


__all__ = ["add_discount", "apply_promotion", "parse_percent", "remove_discount"]
