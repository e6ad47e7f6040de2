"""Reading orders: pages of the list, counts, one order in full."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.numbers import parse_order_number
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.order_money import balance_due
from hubtui.domain.orders import PaymentMethod, PaymentStatus, QuickFilter, channel_label
from hubtui.domain.periods import period_range
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import NotFound
from hubtui.services.order_lookup import find_order
from hubtui.services.views import (
    ActivityView,
    Address,
    Cursor,
    DiscountView,
    LineView,
    OrderDetail,
    OrderRow,
    Page,
    PaymentView,
    RefundSummary,
    ReturnSummary,
)
from hubtui.store import order_queries as q
from hubtui.store import quick_counts
from hubtui.store.engine import RawRead
from hubtui.store.org_tables import Microsite
from hubtui.store.return_tables import Refund, Return
from hubtui.store.tables import Activity, Order, OrderDiscount, OrderLine, Payment
from hubtui.store.tally_counts import tally_counts, tally_rows

PAGE_SIZE = 50
DATE_FILTERS = {QuickFilter.TODAY: 0, QuickFilter.YESTERDAY: 1}


def _utc_midnight(day: date, ctx: Context) -> datetime:
    try:
        return datetime.combine(day, time(), tzinfo=ctx.tz).astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it: the ends of time hold no order
        return (datetime.min if day.year < 2 else datetime.max).replace(tzinfo=timezone.utc)


def _scope(ctx: Context, query: OrderQuery) -> q.Scope:
    """The organisation, microsite code and UTC date range a query means for this operator.

    The microsite code is resolved inside the list statement (no extra round trip); an
    unknown code is reported when the result is empty (see _check_microsite).
    """
    start: date | None = None
    end: date | None = None
    today = ctx.today()
    if query.quick_filter in DATE_FILTERS:
        start = today - timedelta(days=DATE_FILTERS[query.quick_filter])
        end = start + timedelta(days=1)
    if query.period is not None or query.date_from or query.date_to:
        p_start, p_end = _period(query, today)
        start = p_start if start is None or (p_start and p_start > start) else start
        end = p_end if end is None or (p_end and p_end < end) else end
    return q.Scope(
        org_id=ctx.operator.org_id,
        microsite=query.microsite or None,
        placed_from=_utc_midnight(start, ctx) if start else None,
        placed_to=_utc_midnight(end, ctx) if end else None,
    )


def _check_microsite(reader: RawRead, ctx: Context, code: str | None) -> None:
    """Called when a result came back empty: an unknown microsite is an error, not 'none'."""
    if code and not q.microsite_exists(reader, ctx.operator.org_id, code):
        raise NotFound(f"Unknown microsite '{code}' in {ctx.operator.org_code}.")


def _period(query: OrderQuery, today: date) -> tuple[date | None, date | None]:
    from hubtui.domain.periods import Period

    if query.period is not None and query.period != Period.CUSTOM:
        return period_range(query.period, today)
    end = query.date_to + timedelta(days=1) if query.date_to and query.date_to < date.max else None
    return query.date_from, end


def _normalised(query: OrderQuery) -> OrderQuery:
    if query.number:
        return query.with_changes(number=parse_order_number(query.number))
    return query


def list_orders(
    ctx: Context,
    query: OrderQuery = OrderQuery(),
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    from_end: bool = False,
    limit: int = PAGE_SIZE,
) -> Page[OrderRow]:
    """One keyset page of orders: the first, the one after/before a cursor, or the last."""
    ctx.require(Permission.view_orders)
    query = _normalised(query)
    scope = _scope(ctx, query)
    with ctx.store.raw_read() as reader:
        rows, more = q.fetch_page(
            reader, query, scope, limit=limit,
            after=after.key if after else None,
            before=before.key if before else None,
            from_end=from_end,
        )
        if not rows:
            _check_microsite(reader, ctx, scope.microsite)
    # Rows are LIST_COLUMNS in order, which is OrderRow's field order but for the name.
    views = tuple(
        OrderRow(i, n, placed, f"{first} {last}".strip(), email, channel, order_type, status, payment, total,
                 currency, tags, microsite or "", fraud)
        for (i, n, placed, first, last, email, channel, order_type, status, payment, total, currency, tags,
             microsite, fraud) in rows
    )
    first = Cursor(q.sort_key_of(rows[0], query.sort)) if rows else None
    last = Cursor(q.sort_key_of(rows[-1], query.sort)) if rows else None
    if before is not None or from_end:
        has_before, has_after = more, before is not None
    else:
        has_before, has_after = after is not None, more
    return Page(views, first, last, has_before, has_after)


def count_orders(ctx: Context, query: OrderQuery = OrderQuery()) -> int:
    """How many orders the query matches (from the tallies when it is a plain quick filter, or
    its text one character: 'w' this year 180 ms counted by the planner, 7 from the tallies; or
    the quick counts' numbers way)."""
    ctx.require(Permission.view_orders)
    query = _normalised(query)
    if quick_counts.held_char(query) is not None:
        return quick_filter_counts(ctx, query)[query.quick_filter]
    scope = _scope(ctx, query)
    with ctx.store.raw_read() as reader:
        # A text starting many order numbers: the bar's counts take its days whose numbers it
        # starts from the tallies ('07' all time, numbered as placed: 537 ms by the planner, 20).
        if not quick_counts.by_numbers(reader, query, scope):
            if not query.has_search and query.quick_filter not in DATE_FILTERS:
                rows = tally_rows(reader, ctx.operator.org_id, scope.microsite)
                result = tally_counts(rows)[query.quick_filter]
            else:
                result = q.count(reader, query, scope)
            if result == 0:
                _check_microsite(reader, ctx, scope.microsite)
            return result
    return quick_filter_counts(ctx, query)[query.quick_filter]


def quick_filter_counts(
    ctx: Context, query: OrderQuery | str | None = None, *, microsite: str | None = None,
) -> dict[QuickFilter, int]:
    """The count behind every quick filter, each with every other filter of `query` applied
    (period, microsite, the "/" text, the advanced-search fields); its own quick filter and
    sort do not matter. In one read transaction; see hubtui.store.quick_counts for how.

    A microsite code in place of the query (the older form) means OrderQuery(microsite=code).
    """
    ctx.require(Permission.view_orders)
    if not isinstance(query, OrderQuery):
        query = OrderQuery(microsite=query or microsite)
    query = _normalised(query).with_changes(quick_filter=QuickFilter.ALL)
    scope = _scope(ctx, query)
    today = ctx.today()
    days = quick_counts.Days(
        yesterday=_utc_midnight(today - timedelta(days=1), ctx), today=_utc_midnight(today, ctx),
        tomorrow=_utc_midnight(today + timedelta(days=1), ctx),
    )
    with ctx.store.raw_read() as reader:
        counts = quick_counts.quick_counts(reader, query, scope, days)
        if counts[QuickFilter.ALL] == 0:
            _check_microsite(reader, ctx, scope.microsite)
    return counts


def get_order(ctx: Context, number: str, *, activity_limit: int = 200) -> OrderDetail:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)
        return detail_of(session, ctx, order, activity_limit=activity_limit)


def settled_free_of_charge(session: Session, order: Order) -> bool:
    """An FOC payment saved as Paid or Authorized waives what the order costs."""
    return session.execute(
        select(Payment.id).where(
            Payment.order_id == order.id,
            Payment.method == PaymentMethod.FOC.value,
            Payment.status.in_((PaymentStatus.Paid.value, PaymentStatus.Authorized.value)),
        ).limit(1)
    ).first() is not None


def detail_of(session: Session, ctx: Context, order: Order, *, activity_limit: int = 200) -> OrderDetail:
    assert order.id is not None
    microsite = session.get(Microsite, order.microsite_id)
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no))
    payments = session.scalars(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id))
    discounts = session.scalars(
        select(OrderDiscount).where(OrderDiscount.order_id == order.id).order_by(OrderDiscount.id)
    )
    returns = session.scalars(select(Return).where(Return.order_id == order.id).order_by(Return.id))
    refunds = session.execute(select(Refund, Return.number).outerjoin(Return, Return.id == Refund.rma_id)
                              .where(Refund.order_id == order.id).order_by(Refund.id)).all()
    replaced = session.execute(select(Return.number, Order.number).join(Order, Order.id == Return.order_id)
                               .where(Return.replacement_order_id == order.id)).first()
    activity = session.scalars(
        select(Activity).where(Activity.order_id == order.id).order_by(Activity.id.desc()).limit(activity_limit)
    )
    return OrderDetail(
        id=order.id,
        number=order.number,
        external_ref=order.external_ref,
        org_code=ctx.operator.org_code,
        microsite=microsite.code if microsite else "",
        channel=order.channel,
        channel_label=channel_label(order.channel),
        order_type=order.order_type,
        status=order.status,
        held_from_status=order.held_from_status,
        payment_status=order.payment_status,
        payment_method=order.payment_method,
        currency=order.currency,
        customer_id=order.customer_id,
        customer_email=order.customer_email,
        customer_first_name=order.customer_first_name,
        customer_last_name=order.customer_last_name,
        customer_phone=order.customer_phone,
        company_name=order.company_name,
        shipping=Address(order.shipping_name, order.shipping_line1, order.shipping_line2,
                         order.shipping_city, order.shipping_postcode, order.shipping_country),
        billing=Address(order.billing_name, order.billing_line1, order.billing_line2,
                        order.billing_city, order.billing_postcode, order.billing_country),
        lines_total=order.lines_total,
        discount_total=order.discount_total,
        shipping_total=order.shipping_total,
        order_total=order.order_total,
        paid_total=order.paid_total,
        refunded_total=order.refunded_total,
        balance_due=0 if settled_free_of_charge(session, order) else balance_due(order.order_total, order.paid_total, order.refunded_total),
        customer_reference=order.customer_reference,
        tags=order.tags,
        fraud_score=order.fraud_score,
        cancel_reason=order.cancel_reason,
        tracking_number=order.tracking_number,
        tracking_carrier=order.tracking_carrier,
        tracking_link=order.tracking_link,
        placed_at=order.placed_at,
        created_by=order.created_by,
        updated_at=order.updated_at,
        updated_by=order.updated_by,
        version=order.version,
        lines=tuple(
            LineView(l.id, l.line_no, l.stock_code, l.product_name, l.quantity, l.unit_price,
                     l.discount, l.line_total, l.dispatched_quantity)
            for l in lines
        ),
        payments=tuple(
            PaymentView(p.id, p.method, p.status, p.amount, p.reference, p.comment, p.source,
                        p.paid_at, p.recorded_at, p.recorded_by)
            for p in payments
        ),
        discounts=tuple(
            DiscountView(d.id, d.code, d.description, d.percent_bp, d.amount, d.created_by, d.created_at)
            for d in discounts
        ),
        returns=tuple(
            ReturnSummary(r.number, r.status, r.action, r.reason, r.raised_from, r.created_at)
            for r in returns
        ),
        refunds=tuple(RefundSummary(rma, r.amount, r.method, r.reference, r.status, r.created_at, r.created_by)
                      for r, rma in refunds),
        replacement_for=f"{replaced[0]} of {replaced[1]}" if replaced else None,
        activity=tuple(
            ActivityView(a.id, a.at, a.user_name, a.action, a.summary, audit.load(a.before), audit.load(a.after))
            for a in activity
        ),
    )


# --------------------------------------------------------------------------- every row, page by page

from collections.abc import Iterator  # noqa: E402  (kept with the function it serves)

ITER_BATCH = 500


def iter_orders(ctx: Context, query: OrderQuery = OrderQuery(), *, batch: int = ITER_BATCH,
                limit: int | None = None) -> Iterator[OrderRow]:
    """Every order the query matches (at most `limit`), in its order, read a keyset page of up to
    `batch` rows at a time; each page is a short read of its own, so nothing stays open between
    them and a consumer that stops early reads no further page."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    after: Cursor | None = None
    left = limit
    while left is None or left > 0:
        page = list_orders(ctx, query, after=after, limit=batch if left is None else min(batch, left))
        yield from page.rows
        if left is not None:
            left -= len(page.rows)
        if not page.has_after or not page.rows:
            return
        after = page.last
