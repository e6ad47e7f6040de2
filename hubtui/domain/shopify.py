"""A Shopify orders export read into orders (pure): one row per line item, the order's own
columns on its first row, `Name` (#1001) the order's external reference. Statuses are mapped to
ours; taxes are kept as a line of their own so the lines still add up to the order's total.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from hubtui.domain.csv_values import CsvValueError, parse_csv_datetime, parse_csv_money, parse_csv_quantity
from hubtui.domain.import_rows import Problem
from hubtui.domain.orders import OrderStatus, PaymentStatus

# Columns every Shopify orders export has (header names as normalise_header makes them).
SHOPIFY_REQUIRED = ("name", "email", "financial_status", "fulfillment_status", "currency", "subtotal", "shipping",
                    "taxes", "total", "discount_amount", "created_at", "lineitem_quantity", "lineitem_name",
                    "lineitem_price", "lineitem_sku")
TAX_CODE = "SHOPIFY-TAX"

FINANCIAL = {"paid": PaymentStatus.Paid, "pending": PaymentStatus.Pending, "authorized": PaymentStatus.Authorized,
             "partially_paid": PaymentStatus.Pending, "refunded": PaymentStatus.Refunded,
             "partially_refunded": PaymentStatus.PartiallyRefunded, "voided": PaymentStatus.Declined,
             "expired": PaymentStatus.Declined}
FULFILMENT = {"fulfilled": OrderStatus.Dispatched, "partial": OrderStatus.PartiallyDispatched,
              "restocked": OrderStatus.Cancelled}


@dataclass(frozen=True)
class ShopifyLine:
    row: int
    sku: str
    name: str
    quantity: int
    price: int
    discount: int


@dataclass
class ShopifyOrder:
    row: int
    reference: str  # "#1001"
    email: str
    name: str  # billing or shipping name
    phone: str
    address: dict[str, str]
    status: str
    payment_status: str
    currency: str
    placed_at: datetime
    shipping: int
    taxes: int
    discount: int
    total: int
    paid: int
    refunded: int
    payment_reference: str
    tags: str
    lines: list[ShopifyLine] = field(default_factory=list)


def product_code(sku: str, name: str) -> str:
    """The stock code of a line: its SKU, or one made from its name for a line without."""
    if sku.strip():
        return sku.strip()[:40]
    slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")
    return f"SHOP-{slug}"[:40].rstrip("-")


def _money(values: Mapping[str, str], column: str, problems: list[Problem], row: int) -> int:
    text = (values.get(column) or "").strip() or "0"
    try:
        return parse_csv_money(text)
    except CsvValueError as error:
        problems.append(Problem(row, column, text, str(error)))
        return 0


def read_shopify_order(row: int, values: Mapping[str, str], problems: list[Problem]) -> ShopifyOrder | None:
    """The order's own columns, from the first row of an order."""
    found: list[Problem] = []
    financial = (values.get("financial_status") or "").strip().lower()
    if financial not in FINANCIAL:
        found.append(Problem(row, "financial_status", financial, f"is not one of {', '.join(FINANCIAL)}"))
    fulfilment = (values.get("fulfillment_status") or "").strip().lower()
    try:
        placed = parse_csv_datetime(values.get("created_at") or "")
    except CsvValueError as error:
        found.append(Problem(row, "created_at", values.get("created_at") or "", str(error)))
        placed = None
    money = {c: _money(values, c, found, row) for c in ("shipping", "taxes", "discount_amount", "total",
                                                          "refunded_amount", "outstanding_balance")}
    currency = (values.get("currency") or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        found.append(Problem(row, "currency", currency, "is not a three-letter currency code"))
    problems.extend(found)
    if found or placed is None:
        return None
    payment = FINANCIAL[financial]
    if (values.get("cancelled_at") or "").strip():
        status = OrderStatus.Cancelled
    elif fulfilment in FULFILMENT:
        status = FULFILMENT[fulfilment]
    else:
        status = OrderStatus.Approved if payment in (PaymentStatus.Paid, PaymentStatus.Authorized) else \
            OrderStatus.Pending
    prefix = "shipping" if (values.get("shipping_name") or "").strip() else "billing"
    address = {part: (values.get(f"{prefix}_{key}") or "").strip() for part, key in (
        ("name", "name"), ("line1", "address1"), ("line2", "address2"), ("city", "city"), ("postcode", "zip"),
        ("country", "country"))}
    paid = 0 if payment in (PaymentStatus.Pending, PaymentStatus.Declined) else \
        max(0, money["total"] - money["outstanding_balance"])
    return ShopifyOrder(
        row=row, reference=(values.get("name") or "").strip(), email=(values.get("email") or "").strip().lower(),
        name=address["name"] or (values.get("billing_name") or "").strip(),
        phone=(values.get("phone") or values.get(f"{prefix}_phone") or "").strip(), address=address,
        status=status.value, payment_status=payment.value, currency=currency, placed_at=placed,
        shipping=money["shipping"], taxes=money["taxes"], discount=money["discount_amount"], total=money["total"],
        paid=paid, refunded=min(paid, money["refunded_amount"]),
        payment_reference=(values.get("payment_reference") or "").strip()[:120],
        tags=(values.get("tags") or "").strip()[:400],
    )


def read_shopify_line(row: int, values: Mapping[str, str], problems: list[Problem]) -> ShopifyLine | None:
    found: list[Problem] = []
    try:
        quantity = parse_csv_quantity(values.get("lineitem_quantity") or "", minimum=1, maximum=1_000_000)
    except CsvValueError as error:
        found.append(Problem(row, "lineitem_quantity", values.get("lineitem_quantity") or "", str(error)))
        quantity = 0
    price = _money(values, "lineitem_price", found, row)
    discount = _money(values, "lineitem_discount", found, row) if "lineitem_discount" in values else 0
    name = (values.get("lineitem_name") or "").strip()[:200]
    if not name:
        found.append(Problem(row, "lineitem_name", "", "is empty; a line item has a name"))
    problems.extend(found)
    if found:
        return None
    return ShopifyLine(row, (values.get("lineitem_sku") or "").strip(), name, quantity, price, discount)


def check_total(order: ShopifyOrder) -> Problem | None:
    """An order whose lines, taxes and shipping do not come to its total (within a penny)."""
    lines = sum(l.price * l.quantity - l.discount for l in order.lines)
    comes_to = lines + order.taxes + order.shipping - order.discount
    if abs(comes_to - order.total) <= 1:
        return None
    return Problem(order.row, "total", f"{order.total / 100:.2f}",
                   f"{order.reference}'s line items, taxes and shipping come to {comes_to / 100:.2f}")


__all__ = ["SHOPIFY_REQUIRED", "ShopifyLine", "ShopifyOrder", "TAX_CODE", "check_total", "product_code",
           "read_shopify_line", "read_shopify_order"]
