"""How every write reaches an order: found by number in the operator's organisation under the
write lock, its version checked against the caller's copy, stamped, and read back afterwards.

Every write loads the order under the write lock (BEGIN IMMEDIATE on SQLite, FOR UPDATE on
PostgreSQL), compares the version the caller read with the stored one, and refuses a stale
edit with ConflictError, so nothing is silently overwritten.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hubtui.services.context import Context
from hubtui.services.errors import ConflictError
from hubtui.services.order_lookup import find_order
from hubtui.services.order_reads import detail_of
from hubtui.services.views import OrderDetail
from hubtui.store.tables import Order


def read_back(ctx: Context, number: str) -> OrderDetail:
    """The order as stored, read after the write has committed: the write lock is held
    only for the change itself, not for assembling the detail."""
    with ctx.store.read() as session:
        return detail_of(session, ctx, find_order(session, ctx, number))


def lock_order(session: Session, ctx: Context, number: str) -> Order:
    return find_order(session, ctx, number, for_update=True)


def check_version(order: Order, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != order.version:
        raise ConflictError(order.number, order.updated_by, order.updated_at, order.version)


def touch(order: Order, ctx: Context) -> None:
    order.version += 1
    order.updated_at = ctx.now()
    order.updated_by = ctx.operator.user_name
