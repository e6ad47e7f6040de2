"""How every write reaches an order: found by number in the operator's organisation under the
write lock, its version checked against the caller's copy, stamped, and read back afterwards.

Every write loads the order under the write lock (BEGIN IMMEDIATE on SQLite, FOR UPDATE on
PostgreSQL), compares the version the caller read with the stored one, and refuses a stale
edit with ConflictError, so nothing is silently overwritten.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.numbers import parse_order_number
from hubtui.services.context import Context
from hubtui.services.errors import ConflictError, NotFound
from hubtui.services.order_reads import detail_of
from hubtui.services.views import OrderDetail
from hubtui.store.tables import Order


def read_back(ctx: Context, number: str) -> OrderDetail:
    """The order as stored, read after the write has committed: the write lock is held
    only for the change itself, not for assembling the detail."""
    with ctx.store.read() as session:
        order = session.scalars(select(Order).where(Order.number == number, Order.org_id == ctx.operator.org_id)).one()
        return detail_of(session, ctx, order)


def lock_order(session: Session, ctx: Context, number: str) -> Order:
    canonical = parse_order_number(number)
    order = session.scalars(
        select(Order)
        .where(Order.number == canonical, Order.org_id == ctx.operator.org_id)
        .with_for_update()
    ).first()
    if order is None:
        raise NotFound(f"No order {canonical} in {ctx.operator.org_code}.")
    return order


def check_version(order: Order, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != order.version:
        raise ConflictError(order.number, order.updated_by, order.updated_at, order.version)


def touch(order: Order, ctx: Context) -> None:
    order.version += 1
    order.updated_at = ctx.now()
    order.updated_by = ctx.operator.user_name
