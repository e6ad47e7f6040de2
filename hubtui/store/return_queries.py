"""The returns list: one organisation's returns newest first, filtered, a keyset page at a time.

An organisation has far fewer returns than orders (about one in seventy), and the list reads
them by (org_id, id) or (org_id, status, id); a text search joins the orders of those returns.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from hubtui.store.return_tables import Return, ReturnLine
from hubtui.store.tables import Order


@dataclass(frozen=True)
class ReturnsScope:
    org_id: int
    statuses: Collection[str] | None = None  # None: any
    action: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    updated_from: datetime | None = None  # "done today"
    rma_number: str | None = None
    order_number: str | None = None
    text: str | None = None  # part of an e-mail or a name, lower-cased


def _where(statement: Select, scope: ReturnsScope) -> Select:  # type: ignore[type-arg]
    statement = statement.where(Return.org_id == scope.org_id)
    if scope.statuses is not None:
        statement = statement.where(Return.status.in_(list(scope.statuses)))
    if scope.action:
        statement = statement.where(Return.action == scope.action)
    if scope.created_from is not None:
        statement = statement.where(Return.created_at >= scope.created_from)
    if scope.created_before is not None:
        statement = statement.where(Return.created_at < scope.created_before)
    if scope.updated_from is not None:
        statement = statement.where(Return.updated_at >= scope.updated_from)
    numbers = []
    if scope.rma_number:
        numbers.append(Return.number == scope.rma_number)
    if scope.order_number:
        numbers.append(Order.number == scope.order_number)
    if scope.text:
        pattern = f"%{scope.text}%"
        numbers.append(or_(Order.customer_email.like(pattern), Order.customer_name_key.like(pattern)))
    if numbers:
        statement = statement.where(or_(*numbers))
    return statement


def _joined(columns: Select) -> Select:  # type: ignore[type-arg]
    return columns.select_from(Return).join(Order, Order.id == Return.order_id)


def page_ids(session: Session, scope: ReturnsScope, *, after: int | None, before: int | None, from_end: bool,
             limit: int) -> tuple[list[int], bool]:
    """Ids of one page, newest first, and whether there are more beyond it in the direction read."""
    statement = _where(_joined(select(Return.id)), scope)
    if after is not None:
        statement = statement.where(Return.id < after)
    if before is not None:
        statement = statement.where(Return.id > before)
    backwards = before is not None or from_end
    statement = statement.order_by(Return.id.asc() if backwards else Return.id.desc()).limit(limit + 1)
    ids = [int(i) for i in session.scalars(statement)]
    more = len(ids) > limit
    ids = ids[:limit]
    if backwards:
        ids.reverse()
    return ids, more


def exists_beyond(session: Session, scope: ReturnsScope, *, newer_than: int | None = None,
                  older_than: int | None = None) -> bool:
    statement = _where(_joined(select(Return.id)), scope)
    if newer_than is not None:
        statement = statement.where(Return.id > newer_than)
    if older_than is not None:
        statement = statement.where(Return.id < older_than)
    return session.scalar(statement.limit(1)) is not None


def count(session: Session, scope: ReturnsScope) -> int:
    return int(session.scalar(_where(_joined(select(func.count(Return.id))), scope)) or 0)


def counts_by_status(session: Session, scope: ReturnsScope) -> dict[str, int]:
    statement = _where(_joined(select(Return.status, func.count(Return.id))), scope).group_by(Return.status)
    return {status: int(n) for status, n in session.execute(statement)}


def rows(session: Session, ids: list[int]) -> list[tuple[Return, Order, int, int]]:
    """(return, its order, lines, units) for `ids`, in that order."""
    if not ids:
        return []
    lines = (select(ReturnLine.rma_id, func.count(ReturnLine.id).label("n"), func.sum(ReturnLine.quantity).label("u"))
             .where(ReturnLine.rma_id.in_(ids)).group_by(ReturnLine.rma_id).subquery())
    statement = (select(Return, Order, lines.c.n, lines.c.u).join(Order, Order.id == Return.order_id)
                 .outerjoin(lines, lines.c.rma_id == Return.id).where(Return.id.in_(ids)))
    found = {r.id: (r, o, int(n or 0), int(u or 0)) for r, o, n, u in session.execute(statement)}
    return [found[i] for i in ids if i in found]


def returns_of_orders(session: Session, order_ids: Collection[int]) -> list[tuple[int, int, str, int, int, int | None]]:
    """(rma id, order id, status, order line id, quantity, received) of every return line of these orders."""
    if not order_ids:
        return []
    statement = (select(Return.id, Return.order_id, Return.status, ReturnLine.order_line_id, ReturnLine.quantity,
                        ReturnLine.received_quantity)
                 .join(ReturnLine, ReturnLine.rma_id == Return.id).where(Return.order_id.in_(list(order_ids)))
                 .order_by(Return.id, ReturnLine.id))
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


__all__ = ["ReturnsScope", "count", "counts_by_status", "exists_beyond", "page_ids", "returns_of_orders", "rows"]
