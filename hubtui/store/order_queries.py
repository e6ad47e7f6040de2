"""Order list queries: filters, keyset pages and counts, in SQLAlchemy Core.

Every list query is scoped to one organisation and pages with a keyset on its sort key
plus id, so the millionth row costs what the first does. Quick filters repeat the
predicates of the partial indexes in tables.py word for word so the planner can use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, func, select, text, tuple_
from sqlalchemy.orm import Session

from hubtui.domain.order_query import OrderQuery, SortKey, email_key, name_key, postcode_key
from hubtui.domain.orders import HIGH_RISK_SCORE, OrderStatus, OrderType, QuickFilter
from hubtui.store.tables import (
    EXCHANGE_ON_HOLD_SQL,
    HIGH_RISK_SQL,
    PRE_ORDER_SQL,
    UNFULFILLED_SQL,
    UNPAID_SQL,
    Microsite,
    Order,
    OrderTally,
)

orders = Order.__table__
tallies = OrderTally.__table__
microsites = Microsite.__table__

# The order of these columns is the order fetch_page's rows unpack in.
LIST_COLUMNS = (
    orders.c.id, orders.c.number, orders.c.placed_at, orders.c.customer_first_name,
    orders.c.customer_last_name, orders.c.customer_email, orders.c.channel,
    orders.c.order_type, orders.c.status, orders.c.payment_status, orders.c.order_total,
    orders.c.currency, orders.c.tags, microsites.c.code, orders.c.fraud_score,
    orders.c.order_total, orders.c.status,  # repeated so every sort key can be read back by position
)
_SORT_POSITIONS = {"placed": (2, 0), "total": (15, 0), "status": (16, 2, 0)}


@dataclass(frozen=True)
class Scope:
    """The resolved parts of a query the store cannot work out itself."""

    org_id: int
    microsite_id: int | None = None
    placed_from: datetime | None = None  # inclusive, UTC
    placed_to: datetime | None = None  # exclusive, UTC


def _prefix_end(prefix: str) -> str | None:
    """The first string after every string that starts with `prefix` (None: no such string)."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters: step over them
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    """A prefix match as a range, so it uses the index and `%`/`_` are plain text."""
    upper = _prefix_end(prefix)
    return column >= prefix if upper is None else and_(column >= prefix, column < upper)


def quick_filter_condition(quick: QuickFilter) -> ColumnElement[bool] | None:
    c = orders.c
    match quick:
        case QuickFilter.UNFULFILLED:
            return text(UNFULFILLED_SQL)
        case QuickFilter.UNPAID:
            return text(UNPAID_SQL)
        case QuickFilter.HIGH_RISK:
            return text(HIGH_RISK_SQL)
        case QuickFilter.PRE_ORDERS:
            return text(PRE_ORDER_SQL)
        case QuickFilter.AWAITING_APPROVAL:
            return c.status == OrderStatus.AwaitingApproval.value
        case QuickFilter.AWAITING_FEEDBACK:
            return c.status == OrderStatus.AwaitingCustomerFeedback.value
        case QuickFilter.RETURNED_FROM_WAREHOUSE:
            return c.status == OrderStatus.ReturnedByWarehouse.value
        case QuickFilter.ON_HOLD:
            return c.status == OrderStatus.OnHold.value
        case QuickFilter.EXCHANGE_ON_HOLD:
            return text(EXCHANGE_ON_HOLD_SQL)
        case _:  # all, and today/yesterday which the scope's date range expresses
            return None


def conditions(query: OrderQuery, scope: Scope) -> list[ColumnElement[bool]]:
    c = orders.c
    where: list[ColumnElement[bool]] = [c.org_id == scope.org_id]
    quick = quick_filter_condition(query.quick_filter)
    if quick is not None:
        where.append(quick)
    if scope.microsite_id is not None:
        where.append(c.microsite_id == scope.microsite_id)
    if scope.placed_from is not None:
        where.append(c.placed_at >= scope.placed_from)
    if scope.placed_to is not None:
        where.append(c.placed_at < scope.placed_to)
    for column, value in (
        (c.status, query.status), (c.order_type, query.order_type), (c.channel, query.channel),
        (c.payment_method, query.payment_method), (c.payment_status, query.payment_status),
    ):
        if value:
            where.append(column == value)
    if query.number:
        where.append(c.number == query.number)
    if query.email and email_key(query.email):
        where.append(_prefix(c.customer_email, email_key(query.email)))
    if query.postcode and postcode_key(query.postcode):
        where.append(_prefix(c.shipping_postcode_key, postcode_key(query.postcode)))
    if query.name and name_key(query.name):
        where.append(_prefix(c.customer_name_key, name_key(query.name)))
    return where


def sort_columns(sort: SortKey) -> tuple[Any, ...]:
    c = orders.c
    match sort:
        case SortKey.TOTAL:
            return (c.order_total, c.id)
        case SortKey.STATUS:
            return (c.status, c.placed_at, c.id)
        case _:
            return (c.placed_at, c.id)


def sort_key_of(row: Sequence[Any], sort: SortKey) -> tuple[Any, ...]:
    return tuple(row[i] for i in _SORT_POSITIONS[sort.value])


def fetch_page(
    connection: Connection | Session,
    query: OrderQuery,
    scope: Scope,
    *,
    limit: int,
    after: Sequence[Any] | None = None,
    before: Sequence[Any] | None = None,
    from_end: bool = False,
) -> tuple[list[Row[Any]], bool]:
    """One page in display order, and whether more rows lie beyond it in the direction read.

    `after`: the page following that key; `before`: the page preceding it; `from_end`: the
    last page. Reading backwards flips the order in SQL and the rows back in Python.
    """
    keys = sort_columns(query.sort)
    backwards = before is not None or from_end
    descending = query.descending != backwards
    where = conditions(query, scope)
    cursor = after if after is not None else before
    if cursor is not None:
        edge = tuple_(*keys)
        where.append(edge < tuple_(*cursor) if descending else edge > tuple_(*cursor))
    order = [k.desc() if descending else k.asc() for k in keys]
    # An outer join keeps orders the driving table, so the keyset index still serves the sort.
    source = orders.outerjoin(microsites, microsites.c.id == orders.c.microsite_id)
    stmt = select(*LIST_COLUMNS).select_from(source).where(*where).order_by(*order).limit(limit + 1)
    rows = connection.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    return rows, more


def count(session: Connection | Session, query: OrderQuery, scope: Scope) -> int:
    stmt = select(func.count()).select_from(orders).where(*conditions(query, scope))
    return int(session.execute(stmt).scalar_one())


def tally_rows(session: Connection | Session, org_id: int, microsite_id: int | None) -> list[Row[Any]]:
    """(status, payment_status, order_type, high_risk, n) for one org, or one microsite."""
    t = tallies.c
    stmt = select(t.status, t.payment_status, t.order_type, t.high_risk, func.sum(t.n)).where(
        t.org_id == org_id, t.n != 0
    )
    if microsite_id is not None:
        stmt = stmt.where(t.microsite_id == microsite_id)
    stmt = stmt.group_by(t.status, t.payment_status, t.order_type, t.high_risk)
    return list(session.execute(stmt))


__all__ = [
    "HIGH_RISK_SCORE",
    "LIST_COLUMNS",
    "Scope",
    "conditions",
    "count",
    "fetch_page",
    "sort_key_of",
    "tally_rows",
]
