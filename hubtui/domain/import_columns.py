"""The columns of each CSV import (SPEC 7), exactly as an export writes them, so an export can
be edited and imported again. Pure data; `hubtui template KIND` prints a kind's header."""

from __future__ import annotations

from enum import StrEnum


class ImportKind(StrEnum):
    orders = "orders"
    items = "items"
    payments = "payments"
    channel_prices = "channel-prices"


class ExportKind(StrEnum):
    """The kinds an export writes (the order kinds; channel prices are only imported)."""

    orders = "orders"
    items = "items"
    payments = "payments"


ORDER_COLUMNS = (
    "order_number", "external_ref", "microsite", "channel", "order_type", "order_date", "status", "payment_status",
    "currency", "customer_email", "customer_first_name", "customer_last_name", "customer_phone", "company",
    "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_country",
    "shipping_total", "discount_total", "order_total", "customer_reference", "tags", "fraud_score",
)
ORDER_OPTIONAL = ("payment_taken",)  # the amount already paid, one imported payment
ITEM_COLUMNS = ("order_number", "stock_code", "product_name", "quantity", "unit_price", "discount")
PAYMENT_COLUMNS = ("order_number", "method", "status", "amount", "reference", "paid_at")
CHANNEL_PRICE_COLUMNS = ("stock_code", "channel", "price")
CHANNEL_PRICE_OPTIONAL = ("observed_at",)  # when the price was seen; blank or left out: the import's moment

COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.orders: ORDER_COLUMNS, ImportKind.items: ITEM_COLUMNS, ImportKind.payments: PAYMENT_COLUMNS,
    ImportKind.channel_prices: CHANNEL_PRICE_COLUMNS,
}
OPTIONAL: dict[ImportKind, tuple[str, ...]] = {ImportKind.orders: ORDER_OPTIONAL, ImportKind.items: (),
                                               ImportKind.payments: (),
                                               ImportKind.channel_prices: CHANNEL_PRICE_OPTIONAL}


def template(kind: ImportKind | str) -> str:
    """The header line of a kind's CSV file."""
    return ",".join(COLUMNS[ImportKind(kind)])


__all__ = ["CHANNEL_PRICE_COLUMNS", "CHANNEL_PRICE_OPTIONAL", "COLUMNS", "ExportKind", "ITEM_COLUMNS", "ImportKind", "OPTIONAL", "ORDER_COLUMNS", "ORDER_OPTIONAL",
           "PAYMENT_COLUMNS", "template"]
