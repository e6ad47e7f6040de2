"""What the returns services hand out: a list row and one return in full (frozen values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubtui.services.views import ActivityView


@dataclass(frozen=True)
class ReturnRow:
    """One row of the returns list."""

    id: int
    number: str
    order_number: str
    customer_name: str
    customer_email: str
    status: str
    action: str
    lines: int
    units: int
    amount: int  # what the units coming back cost, their share of order discounts included
    currency: str
    raised_from: str
    created_at: datetime


@dataclass(frozen=True)
class ReturnLineView:
    line_no: int
    stock_code: str
    product_name: str
    quantity: int  # asked to return
    received: int | None  # confirmed by the warehouse; None: not yet
    amount: int  # what these units cost

    @property
    def coming_back(self) -> int:
        """The units a refund or replacement is for: what came in once received, else what was asked."""
        return self.quantity if self.received is None else self.received


@dataclass(frozen=True)
class RefundView:
    id: int
    amount: int
    method: str
    reference: str
    status: str  # Processed | Failed
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class ReturnDetail:
    id: int
    number: str
    order_number: str
    order_status: str
    customer_name: str
    customer_email: str
    status: str
    action: str
    reason: str
    raised_from: str
    note: str
    currency: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    version: int
    lines: tuple[ReturnLineView, ...]
    amount: int  # what the units coming back cost
    refunded: int  # refunded on this return so far
    still_refundable: int  # on the order: paid less refunded less credit notes
    refund_cap: int  # the most a refund or credit note of this return may be now
    payment_method: str | None  # the order's, for "back to the original method"
    refunds: tuple[RefundView, ...]
    replacement_order_number: str | None
    credit_note_number: str
    credit_note_amount: int
    moves: tuple[str, ...]  # the plain status moves allowed now
    final: bool
    history: tuple[ActivityView, ...]  # newest first


__all__ = ["RefundView", "ReturnDetail", "ReturnLineView", "ReturnRow"]
