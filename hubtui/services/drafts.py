"""What a caller hands the write services: a new order and its lines, a payment to record,
changes to an order's details. Plain data with no database in reach, so the screens that
build them load nothing of the SQL stack to do so (the services check every field)."""

from __future__ import annotations

from dataclasses import dataclass

from hubtui.domain.orders import Channel, OrderType
from hubtui.services.views import Address


@dataclass(frozen=True)
class NewLine:
    stock_code: str
    quantity: int
    unit_price: int | None = None  # None: the product's current price
    discount: int = 0


@dataclass(frozen=True)
class NewOrder:
    customer_id: int
    lines: tuple[NewLine, ...]
    microsite: str | None = None  # None: the organisation's default microsite
    channel: str = Channel.telephone.value
    order_type: str = OrderType.Standard.value
    shipping_total: int = 0
    customer_reference: str = ""
    tags: str = ""
    shipping: Address | None = None  # None: the customer's address
    billing: Address | None = None
    fraud_score: int = 0


@dataclass(frozen=True)
class OrderChanges:
    """Fields an operator may edit while the order is editable; None leaves a field alone."""

    customer_reference: str | None = None
    tags: str | None = None
    customer_phone: str | None = None
    shipping: Address | None = None
    billing: Address | None = None


@dataclass(frozen=True)
class PaymentDraft:
    method: str
    status: str
    amount: int | None = None  # None: the balance due
    reference: str = ""
    comment: str = ""
    written_in: str | None = None  # the currency symbol the amount was typed with, if any ("$5.00")


__all__ = ["NewLine", "NewOrder", "OrderChanges", "PaymentDraft"]
