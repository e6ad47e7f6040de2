"""Plain, frozen values the services hand out: screens and the CLI never see a session."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from hubtui.domain.orders import owed_to_customer

T = TypeVar("T")


@dataclass(frozen=True)
class OrderRow:
    """One row of an order list."""

    id: int
    number: str
    placed_at: datetime
    customer_name: str
    customer_email: str
    channel: str
    order_type: str
    status: str
    payment_status: str
    order_total: int
    currency: str
    tags: str
    microsite: str
    fraud_score: int


@dataclass(frozen=True)
class Cursor:
    """Where a keyset page ends: the sort key values and id of its edge row."""

    key: tuple[Any, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: tuple[T, ...]
    first: Cursor | None  # edge rows, to ask for the page before or after
    last: Cursor | None
    has_before: bool
    has_after: bool


@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    stock_code: str
    product_name: str
    quantity: int
    unit_price: int
    discount: int
    line_total: int
    dispatched_quantity: int


@dataclass(frozen=True)
class PaymentView:
    id: int
    method: str
    status: str
    amount: int
    reference: str
    comment: str
    source: str
    paid_at: datetime
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class DiscountView:
    id: int
    code: str
    description: str
    percent_bp: int
    amount: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class ActivityView:
    id: int
    at: datetime
    user_name: str
    action: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ReturnSummary:
    number: str
    status: str
    action: str
    reason: str
    raised_from: str
    created_at: datetime


@dataclass(frozen=True)
class RefundSummary:
    rma_number: str | None
    amount: int
    method: str
    reference: str
    status: str  # Processed | Failed
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Address:
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    postcode: str = ""
    country: str = "GB"

    def lines(self) -> list[str]:
        return [p for p in (self.name, self.line1, self.line2, self.city, self.postcode, self.country) if p]


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: str
    external_ref: str | None
    org_code: str
    microsite: str
    channel: str
    channel_label: str
    order_type: str
    status: str
    held_from_status: str | None
    payment_status: str
    payment_method: str | None
    currency: str
    customer_id: int | None
    customer_email: str
    customer_first_name: str
    customer_last_name: str
    customer_phone: str
    company_name: str
    shipping: Address
    billing: Address
    lines_total: int
    discount_total: int
    shipping_total: int
    order_total: int
    paid_total: int
    refunded_total: int
    balance_due: int
    customer_reference: str
    tags: str
    fraud_score: int
    cancel_reason: str | None
    tracking_number: str
    tracking_carrier: str
    tracking_link: str
    placed_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    version: int
    lines: tuple[LineView, ...] = ()
    payments: tuple[PaymentView, ...] = ()
    discounts: tuple[DiscountView, ...] = ()
    returns: tuple[ReturnSummary, ...] = ()
    refunds: tuple[RefundSummary, ...] = ()
    replacement_for: str | None = None  # "RMA0000039 of BT0000123" when this order replaces returned goods
    activity: tuple[ActivityView, ...] = field(default=())  # newest first

    @property
    def customer_name(self) -> str:
        return f"{self.customer_first_name} {self.customer_last_name}".strip()

    @property
    def owed_to_customer(self) -> int:
        return owed_to_customer(self.status, self.order_total, self.paid_total, self.refunded_total)


def to_jsonable(value: Any) -> Any:
    """A dataclass (or anything inside one) as JSON-ready data."""
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class CustomerChoice:
    """A customer as the new-order wizard offers it."""

    id: int
    name: str
    email: str
    phone: str
    company_id: int | None
    company_name: str
    address: Address


@dataclass(frozen=True)
class CompanyChoice:
    id: int
    name: str
    account_number: str
    phone: str
    contacts: int


@dataclass(frozen=True)
class ProductChoice:
    id: int
    stock_code: str
    name: str
    price: int  # minor units, tax-inclusive
    currency: str
