"""The returns list's table: its columns and how a return fills them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from hubtui.domain.money import format_money
from hubtui.services.return_views import ReturnRow
from hubtui.widgets.line_table import Cell, Column, LineTable

# RMA, order, status and amount fit 80 columns; the rest is a scroll to the right.
COLUMNS = (
    Column("RMA", 10), Column("Order", 9), Column("Status", 16), Column("Amount", 10, right=True),
    Column("Customer", 15), Column("Action", 11), Column("Lines", 5, right=True), Column("Via", 15),
    Column("Age", 5, right=True), Column("Email", 30),
)
STATUS_STYLES = {
    "ReturnRequested": "bold yellow", "ExchangeRequested": "bold yellow", "RejectRequest": "dim",
    "ExchangeDenied": "dim", "ReturnCantBeProcessed": "dim", "RefundPaymentProblems": "bold red",
    "ReturnProcessingProblem": "bold red", "RefundProcessed": "green", "ReplacementOrderCreated": "green",
    "CreditNoteCreated": "green", "RMAQCcomplete": "cyan", "ProcessReturn": "cyan",
}


def age(raised: datetime, now: datetime | None = None) -> str:
    """How long ago, in the largest whole unit: 5m, 3h, 12d."""
    now = now or datetime.now(timezone.utc)
    if raised.tzinfo is None:
        raised = raised.replace(tzinfo=timezone.utc)
    seconds = max(0, int((now - raised).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


class ReturnsTable(LineTable[ReturnRow]):
    COLUMNS = COLUMNS
    now: datetime | None = None  # the clock ages are counted from (tests fix it)

    def cells(self, row: ReturnRow) -> Sequence[Cell]:
        return [
            Cell(row.number), Cell(row.order_number), Cell(row.status, STATUS_STYLES.get(row.status, "")),
            Cell(format_money(row.amount, row.currency, grouping=True)), Cell(row.customer_name), Cell(row.action),
            Cell(str(row.lines)), Cell(row.raised_from), Cell(age(row.created_at, self.now)), Cell(row.customer_email),
        ]

    def row_key(self, row: ReturnRow) -> str:
        return row.number
