"""The order list: one page of rows at a time, asking its screen for more at the edges."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from hubtui.domain.money import format_money
from hubtui.services.views import OrderRow

# What an operator scans for first comes first; the rest is a scroll to the right at 80 columns.
COLUMNS = (
    ("number", "Number"), ("date", "Date"), ("customer", "Customer"), ("status", "Status"),
    ("payment", "Payment"), ("total", "Total"), ("channel", "Channel"), ("type", "Type"),
    ("email", "Email"), ("tags", "Tags"),
)
STATUS_STYLES = {
    "Cancelled": "dim", "OnHold": "yellow", "AwaitingApproval": "bold yellow", "ReturnedByWarehouse": "magenta",
    "Delivered": "green", "Dispatched": "green",
}
PAYMENT_STYLES = {"Declined": "bold red", "Pending": "yellow", "Refunded": "dim", "PartiallyRefunded": "cyan"}


class OrdersTable(DataTable[Text | str]):
    """Never holds more than the page it shows; `EdgeReached` asks for the next or previous one."""

    class EdgeReached(Message):
        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show_rows(self, rows: Sequence[OrderRow], *, cursor_at_end: bool = False, keep: str | None = None) -> None:
        """Replace the rows; the cursor stays on `keep` (an order number) when it is still there."""
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=row.number)
        if not rows:
            return
        target = len(rows) - 1 if cursor_at_end else 0
        if keep is not None:
            for index, row in enumerate(rows):
                if row.number == keep:
                    target = index
                    break
        self.move_cursor(row=target, animate=False)

    @staticmethod
    def _cells(row: OrderRow) -> tuple[Text | str, ...]:
        channel = "Phone Order" if row.channel == "telephone" else row.channel
        risk = " !" if row.fraud_score >= 70 else ""
        return (
            row.number,
            row.placed_at.strftime("%d %b %H:%M"),
            row.customer_name[:22],
            Text(row.status + risk, style=STATUS_STYLES.get(row.status, "")),
            Text(row.payment_status, style=PAYMENT_STYLES.get(row.payment_status, "")),
            Text(format_money(row.order_total, row.currency, grouping=True), justify="right"),
            channel,
            row.order_type,
            row.customer_email,
            row.tags,
        )

    def highlighted_number(self) -> str | None:
        if self.row_count == 0:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return str(key.value) if key.value is not None else None

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.EdgeReached(forward=True))
            return
        super().action_cursor_down()

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.EdgeReached(forward=True))
            return
        super().action_page_down()

    def action_page_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.EdgeReached(forward=False))
            return
        super().action_page_up()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.EdgeReached(forward=False))
            return
        super().action_cursor_up()
