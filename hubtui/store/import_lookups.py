"""What an import looks up a batch at a time (the orders a file names, whether they have lines),
on the driver's cursor inside the import's transaction.

Through SQLAlchemy (an expanding IN list compiled per batch, a Row object per order) these cost
0.8 s of an items import of 300,000 rows naming 100,000 orders; a JSON list the driver binds
once and plain tuples cost a fraction of that.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from hubtui.store.engine import RawRead


class OrderFound(NamedTuple):
    id: int
    number: str
    external_ref: str | None
    order_total: int
    shipping_total: int
    discount_total: int
    version: int


_FOUND = "SELECT " + ", ".join(OrderFound._fields) + " FROM orders WHERE org_id = :org AND {within}"
KEYS = ("number", "external_ref")


def _reader(session: Session) -> RawRead:
    connection = session.connection()
    return RawRead(connection.connection.dbapi_connection, connection.dialect.name)


def orders_by(session: Session, org: int, key: str, values: Collection[str]) -> list[OrderFound]:
    """The orders of `org` whose `key` (number or external_ref) is one of `values`."""
    if key not in KEYS:
        raise ValueError(f"orders are not looked up by {key}")
    if not values:
        return []
    reader = _reader(session)
    try:
        rows = reader.all(_FOUND.format(within=reader.one_of(key, "values")),
                          {"org": org, "values": reader.list_value(values)})
    finally:
        reader.close()
    return [OrderFound(*row) for row in rows]


def orders_with_lines(session: Session, ids: Collection[int]) -> set[int]:
    """Those of the orders `ids` that have a line."""
    if not ids:
        return set()
    reader = _reader(session)
    try:
        rows = reader.all(f"SELECT DISTINCT order_id FROM order_lines WHERE {reader.one_of('order_id', 'values')}",
                          {"values": reader.list_value(ids)})
    finally:
        reader.close()
    return {row[0] for row in rows}


__all__ = ["KEYS", "OrderFound", "orders_by", "orders_with_lines"]
