"""The one way a service finds an order by the number a person typed: in the operator's
organisation only (another organisation's order is "not found", never shown or changed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.numbers import parse_order_number
from hubtui.services.context import Context
from hubtui.services.errors import NotFound
from hubtui.store.tables import Order


def find_order(session: Session, ctx: Context, number: str, *, for_update: bool = False) -> Order:
    """The order numbered `number` (BT optional, any case) in the operator's organisation;
    `for_update`: under the write lock (FOR UPDATE on PostgreSQL; SQLite's write transaction
    holds the file). NotFound names the number as read and the organisation."""
    canonical = parse_order_number(number)
    statement = select(Order).where(Order.number == canonical, Order.org_id == ctx.operator.org_id)
    order = session.scalars(statement.with_for_update() if for_update else statement).first()
    if order is None:
        raise NotFound(f"No order {canonical} in {ctx.operator.org_code}.")
    return order


__all__ = ["find_order"]
