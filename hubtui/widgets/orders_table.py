"""The order list's table: its columns and how an order fills them."""

from __future__ import annotations

from collections.abc import Sequence

from hubtui.domain.money import format_money
from hubtui.domain.orders import HIGH_RISK_SCORE
from hubtui.services.views import OrderRow
from hubtui.widgets.line_table import Cell, Column, LineTable

# What an operator scans for first comes first; the rest is a scroll to the right at 80 columns.
# Widths chosen so number, date, customer, total, status and payment fit 80 columns beside the
# scroll bar, so a long payment status ends in "…" rather than being cut off by the edge.
COLUMNS = (
    Column("Number", 9), Column("Date", 11), Column("Customer", 14), Column("Total", 11, right=True),
    Column("Status", 16), Column("Payment", 10), Column("Channel", 11), Column("Type", 11),
    Column("Email", 32), Column("Tags", 12),
)
STATUS_STYLES = {
    "Cancelled": "dim", "OnHold": "yellow", "AwaitingApproval": "bold yellow", "ReturnedByWarehouse": "magenta",
    "Delivered": "green", "Dispatched": "green",
}
PAYMENT_STYLES = {"Declined": "bold red", "Pending": "yellow", "Refunded": "dim", "PartiallyRefunded": "cyan"}


def order_cells(row: OrderRow) -> list[Cell]:
    channel = "Phone Order" if row.channel == "telephone" else row.channel
    status = row.status + (" !" if row.fraud_score >= HIGH_RISK_SCORE else "")
    return [
        Cell(row.number), Cell(row.placed_at.strftime("%d/%m %H:%M")), Cell(row.customer_name),
        Cell(format_money(row.order_total, row.currency, grouping=True)),
        Cell(status, STATUS_STYLES.get(row.status, "")), Cell(row.payment_status, PAYMENT_STYLES.get(row.payment_status, "")),
        Cell(channel), Cell(row.order_type), Cell(row.customer_email), Cell(row.tags),
    ]


class OrdersTable(LineTable[OrderRow]):
    COLUMNS = COLUMNS

    def cells(self, row: OrderRow) -> Sequence[Cell]:
        return order_cells(row)

    def row_key(self, row: OrderRow) -> str:
        return row.number

    def highlighted_number(self) -> str | None:
        return self.highlighted_key()

    def order_numbers(self) -> list[str]:
        return self.keys()
