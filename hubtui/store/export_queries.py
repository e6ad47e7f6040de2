"""What an export writes of a batch of orders: their import columns, their lines, their payments.

The orders themselves (which, in what order) come from the list's keyset pages
(services.order_reads.iter_orders); each batch of ids is read here in one statement per kind,
on the raw read path (engine.RawRead), timestamps as aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubtui.store.engine import RawRead

# In the order of domain.import_columns.ORDER_COLUMNS, then payment_taken (paid_total); o.id first.
ORDER_SELECT = (
    "o.id, o.number, o.external_ref, m.code, o.channel, o.order_type, o.placed_at, o.status, o.payment_status, "
    "o.currency, o.customer_email, o.customer_first_name, o.customer_last_name, o.customer_phone, o.company_name, "
    "o.shipping_name, o.shipping_line1, o.shipping_line2, o.shipping_city, o.shipping_postcode, o.shipping_country, "
    "o.shipping_total, o.discount_total, o.order_total, o.customer_reference, o.tags, o.fraud_score, o.paid_total"
)
ORDER_DATE_AT = 6  # the position of placed_at in ORDER_SELECT's rows
PAYMENT_DATE_AT = 6  # the position of paid_at in payment_rows' rows


def _dated(reader: RawRead, rows: list[tuple[Any, ...]], at: int) -> list[tuple[Any, ...]]:
    if reader.sqlite:  # stored as UTC text without an offset; never NULL
        parse = datetime.fromisoformat
        return [(*r[:at], parse(r[at] + "+00:00"), *r[at + 1:]) for r in rows]
    to_datetime = reader.datetime
    return [(*r[:at], to_datetime(r[at]), *r[at + 1:]) for r in rows]


def order_rows(reader: RawRead, org_id: int, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """ORDER_SELECT of each order of `org_id` among `ids`, by id."""
    sql = (f"SELECT {ORDER_SELECT} FROM orders o LEFT JOIN microsites m ON m.id = o.microsite_id "
           f"WHERE o.org_id = :org_id AND {reader.one_of('o.id', 'ids')}")
    rows = _dated(reader, reader.all(sql, {"org_id": org_id, "ids": reader.list_value(ids)}), ORDER_DATE_AT)
    return {row[0]: row for row in rows}


def line_rows(reader: RawRead, org_id: int, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(order id, order number, stock_code, product_name, quantity, unit_price, discount) of
    the orders' lines, by order id then line number."""
    sql = ("SELECT l.order_id, o.number, l.stock_code, l.product_name, l.quantity, l.unit_price, l.discount "
           "FROM order_lines l JOIN orders o ON o.id = l.order_id "
           f"WHERE o.org_id = :org_id AND {reader.one_of('l.order_id', 'ids')} ORDER BY l.order_id, l.line_no")
    return reader.all(sql, {"org_id": org_id, "ids": reader.list_value(ids)})


def payment_rows(reader: RawRead, org_id: int, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(order id, order number, method, status, amount, reference, paid_at) of the orders'
    payments, by order id then payment id."""
    sql = ("SELECT p.order_id, o.number, p.method, p.status, p.amount, p.reference, p.paid_at "
           "FROM payments p JOIN orders o ON o.id = p.order_id "
           f"WHERE o.org_id = :org_id AND {reader.one_of('p.order_id', 'ids')} ORDER BY p.order_id, p.id")
    return _dated(reader, reader.all(sql, {"org_id": org_id, "ids": reader.list_value(ids)}), PAYMENT_DATE_AT)


__all__ = ["ORDER_DATE_AT", "ORDER_SELECT", "PAYMENT_DATE_AT", "line_rows", "order_rows", "payment_rows"]
