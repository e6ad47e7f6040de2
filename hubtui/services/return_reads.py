"""Reading returns: pages of the returns list, its counts, one return in full, and finding a
return by the RMA or order number a person typed or a scanner sent.

What a return's units cost is worked out the way the refund cap is (domain.refunds): each
line's paid amount (its share of order discounts included) spread over its units, the units
of earlier returns of the line counted first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.errors import NumberFormatError
from hubtui.domain.numbers import parse_order_number, parse_rma_number
from hubtui.domain.permissions import Permission
from hubtui.domain.refunds import PaidLine, paid_for_units, paid_per_line
from hubtui.domain.returns import (
    RECEIVABLE_STATUSES,
    RETURNS_FILTER_STATUSES,
    RMA_FINAL_STATUSES,
    ReturnsFilter,
    RmaStatus,
    status_moves,
)
from hubtui.domain.returns_query import ReturnsQuery
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput, NotFound
from hubtui.services.return_quotes import CLAIM_NOTHING, still_refundable
from hubtui.services.return_views import RefundView, ReturnDetail, ReturnLineView, ReturnRow
from hubtui.services.views import ActivityView, Cursor, Page
from hubtui.store import return_queries as rq
from hubtui.store.return_tables import Refund, Return, ReturnLine
from hubtui.store.tables import Activity, Order, OrderLine

REFUND_PROCESSED = "Processed"
REFUND_FAILED = "Failed"


def _midnight(day: date, ctx: Context) -> datetime:
    try:
        return datetime.combine(day, time(), tzinfo=ctx.tz).astimezone(timezone.utc)
    except OverflowError:
        return (datetime.min if day.year < 2 else datetime.max).replace(tzinfo=timezone.utc)


def _scope(ctx: Context, query: ReturnsQuery) -> rq.ReturnsScope:
    statuses = RETURNS_FILTER_STATUSES[query.quick_filter]
    if query.status:
        statuses = statuses & {RmaStatus(query.status)} if query.status in RmaStatus.__members__ else frozenset()
    rma_number = order_number = text = None
    if query.text and query.text.strip():
        typed = query.text.strip()
        try:
            rma_number = parse_rma_number(typed)
        except NumberFormatError:
            pass
        try:
            order_number = parse_order_number(typed)
        except NumberFormatError:
            pass
        if rma_number is None and order_number is None:
            text = typed.lower()
    return rq.ReturnsScope(
        org_id=ctx.operator.org_id,
        statuses=None if query.quick_filter is ReturnsFilter.ALL and not query.status else [s.value for s in statuses],
        action=query.action or None,
        created_from=_midnight(query.date_from, ctx) if query.date_from else None,
        created_before=_midnight(query.date_to + timedelta(days=1), ctx) if query.date_to else None,
        updated_from=_midnight(ctx.today(), ctx) if query.quick_filter is ReturnsFilter.DONE_TODAY else None,
        rma_number=rma_number, order_number=order_number, text=text,
    )


def unit_amounts(session: Session, orders: Iterable[Order]) -> dict[tuple[int, int], int]:
    """What each return line's units cost, by (rma id, order line id), for every return of `orders`."""
    orders = {order.id: order for order in orders}
    if not orders:
        return {}
    lines_by_order: dict[int, list[OrderLine]] = {}
    for line in session.scalars(select(OrderLine).where(OrderLine.order_id.in_(list(orders)))
                                .order_by(OrderLine.order_id, OrderLine.line_no)):
        lines_by_order.setdefault(line.order_id, []).append(line)
    paid: dict[int, tuple[int, int]] = {}  # order line id -> (paid for the line, its quantity)
    for order_id, lines in lines_by_order.items():
        per_line = paid_per_line([PaidLine(l.line_no, l.quantity, l.line_total) for l in lines],
                                 orders[order_id].discount_total)
        for line in lines:
            paid[line.id] = (per_line[line.line_no], line.quantity)  # type: ignore[index]
    amounts: dict[tuple[int, int], int] = {}
    claimed: dict[int, int] = {}
    for rma_id, _order_id, status, line_id, quantity, received in rq.returns_of_orders(session, list(orders)):
        line_paid, line_quantity = paid.get(line_id, (0, 0))
        units = quantity if received is None else received
        before = claimed.get(line_id, 0)
        units = max(0, min(units, line_quantity - before))
        amounts[(rma_id, line_id)] = paid_for_units(line_paid, line_quantity, returned_before=before,
                                                    returning=units) if line_quantity else 0
        if status not in CLAIM_NOTHING:
            claimed[line_id] = before + units
    return amounts


def _row(rma: Return, order: Order, lines: int, units: int, amounts: dict[tuple[int, int], int]) -> ReturnRow:
    amount = sum(v for (rma_id, _), v in amounts.items() if rma_id == rma.id)
    name = f"{order.customer_first_name} {order.customer_last_name}".strip() or order.company_name
    return ReturnRow(rma.id, rma.number, order.number, name, order.customer_email, rma.status,  # type: ignore[arg-type]
                     rma.action, lines, units, amount, order.currency, rma.raised_from, rma.created_at)


def list_returns(ctx: Context, query: ReturnsQuery = ReturnsQuery(), *, after: Cursor | None = None,
                 before: Cursor | None = None, from_end: bool = False, limit: int = 50) -> Page[ReturnRow]:
    ctx.require(Permission.view_orders)
    scope = _scope(ctx, query)
    with ctx.store.read() as session:
        ids, more = rq.page_ids(session, scope, after=after.key[0] if after else None,
                                before=before.key[0] if before else None, from_end=from_end, limit=limit)
        found = rq.rows(session, ids)
        amounts = unit_amounts(session, {o.id: o for _, o, _, _ in found}.values())
        rows = tuple(_row(r, o, n, u, amounts) for r, o, n, u in found)
        if not rows:
            return Page((), None, None, False, False)
        first, last = rows[0].id, rows[-1].id
        backwards = before is not None or from_end
        has_before = more if backwards else (after is not None and rq.exists_beyond(session, scope, newer_than=first))
        has_after = more if not backwards else (before is not None and rq.exists_beyond(session, scope,
                                                                                        older_than=last))
        return Page(rows, Cursor((first,)), Cursor((last,)), has_before, has_after)


def count_returns(ctx: Context, query: ReturnsQuery = ReturnsQuery()) -> int:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return rq.count(session, _scope(ctx, query))


def returns_filter_counts(ctx: Context, query: ReturnsQuery = ReturnsQuery()) -> dict[ReturnsFilter, int]:
    """How many returns each quick filter lists with the query's other filters."""
    ctx.require(Permission.view_orders)
    base = query.with_changes(quick_filter=ReturnsFilter.ALL)
    with ctx.store.read() as session:
        by_status = rq.counts_by_status(session, _scope(ctx, base))
        today = rq.counts_by_status(session, _scope(ctx, base.with_changes(quick_filter=ReturnsFilter.DONE_TODAY)))
    counts = {}
    for quick, statuses in RETURNS_FILTER_STATUSES.items():
        source = today if quick is ReturnsFilter.DONE_TODAY else by_status
        counts[quick] = sum(n for status, n in source.items() if status in statuses)
    return counts


def find_return(session: Session, ctx: Context, number: str, *, for_update: bool = False) -> Return:
    """The return numbered `number` (RMA optional, any case) in the operator's organisation."""
    try:
        canonical = parse_rma_number(number)
    except NumberFormatError as error:
        raise InvalidInput(str(error), "rma") from None
    statement = select(Return).where(Return.number == canonical, Return.org_id == ctx.operator.org_id)
    rma = session.scalars(statement.with_for_update() if for_update else statement).first()
    if rma is None:
        raise NotFound(f"No return {canonical} in {ctx.operator.org_code}.")
    return rma


def return_detail(session: Session, ctx: Context, rma: Return, *, history_limit: int = 200) -> ReturnDetail:
    order = session.get(Order, rma.order_id)
    assert order is not None
    amounts = unit_amounts(session, [order])
    lines = []
    for return_line, line in session.execute(
            select(ReturnLine, OrderLine).join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
            .where(ReturnLine.rma_id == rma.id).order_by(OrderLine.line_no)):
        lines.append(ReturnLineView(line.line_no, line.stock_code, line.product_name, return_line.quantity,
                                    return_line.received_quantity, amounts.get((rma.id, line.id), 0)))  # type: ignore[arg-type]
    refunds = tuple(RefundView(r.id, r.amount, r.method, r.reference, r.status, r.created_at, r.created_by)  # type: ignore[arg-type]
                    for r in session.scalars(select(Refund).where(Refund.rma_id == rma.id).order_by(Refund.id)))
    refunded = sum(r.amount for r in refunds if r.status == REFUND_PROCESSED)
    amount = sum(line.amount for line in lines)
    left = still_refundable(session, order)
    replacement = session.get(Order, rma.replacement_order_id) if rma.replacement_order_id else None
    history = session.scalars(select(Activity).where(Activity.rma_id == rma.id).order_by(Activity.id.desc())
                              .limit(history_limit))
    name = f"{order.customer_first_name} {order.customer_last_name}".strip() or order.company_name
    return ReturnDetail(
        id=rma.id, number=rma.number, order_number=order.number, order_status=order.status,  # type: ignore[arg-type]
        customer_name=name, customer_email=order.customer_email, status=rma.status, action=rma.action,
        reason=rma.reason, raised_from=rma.raised_from, note=rma.note, currency=order.currency,
        created_at=rma.created_at, created_by=rma.created_by, updated_at=rma.updated_at, updated_by=rma.updated_by,
        version=rma.version, lines=tuple(lines), amount=amount, refunded=refunded, still_refundable=left,
        refund_cap=0 if rma.status in RMA_FINAL_STATUSES else max(0, min(amount - refunded - rma.credit_note_amount,
                                                                         left)),
        payment_method=order.payment_method, refunds=refunds,
        replacement_order_number=replacement.number if replacement else None,
        credit_note_number=rma.credit_note_number, credit_note_amount=rma.credit_note_amount,
        moves=tuple(s.value for s in status_moves(rma.status)), final=rma.status in RMA_FINAL_STATUSES,
        history=tuple(ActivityView(a.id, a.at, a.user_name, a.action, a.summary, audit.load(a.before),  # type: ignore[arg-type]
                                   audit.load(a.after)) for a in history),
    )


def get_return(ctx: Context, number: str) -> ReturnDetail:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return return_detail(session, ctx, find_return(session, ctx, number))


def return_to_receive(ctx: Context, typed: str) -> ReturnDetail:
    """The return a warehouse scan or typed number means: an RMA number, or an order number whose
    return is waiting for its goods (the oldest, when several are)."""
    ctx.require(Permission.view_orders)
    typed = typed.strip()
    with ctx.store.read() as session:
        if typed.upper().startswith("RMA"):
            return return_detail(session, ctx, find_return(session, ctx, typed))
        if typed.isdigit():  # the warehouse types the RMA's digits more often than an order's
            try:
                return return_detail(session, ctx, find_return(session, ctx, typed))
            except (NotFound, InvalidInput):
                pass
        try:
            number = parse_order_number(typed)
        except NumberFormatError:
            raise InvalidInput(f"{typed!r} is neither an RMA nor an order number.", "rma") from None
        order = session.scalars(select(Order).where(Order.number == number,
                                                    Order.org_id == ctx.operator.org_id)).first()
        if order is None:
            raise NotFound(f"No order {number} in {ctx.operator.org_code}.")
        waiting = session.scalars(select(Return).where(Return.order_id == order.id,
                                                       Return.status.in_([s.value for s in RECEIVABLE_STATUSES]))
                                  .order_by(Return.id)).first()
        if waiting is None:
            raise NotFound(f"{number} has no return waiting for its goods.")
        return return_detail(session, ctx, waiting)


__all__ = ["REFUND_FAILED", "REFUND_PROCESSED", "count_returns", "find_return", "get_return", "list_returns",
           "return_detail", "return_to_receive", "returns_filter_counts", "still_refundable", "unit_amounts"]
