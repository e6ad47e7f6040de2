"""The demo's orders as plain rows: every order, its lines, payments, discounts, returns,
refunds and log, and the tallies they add, built a chunk at a time (demo_worker.py runs it in a
second process; demo.py writes the rows).

Written for speed (a million orders): weighted picks come from lookup tables and the customer
part of each order row is prepared once per customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from hubtui.domain.numbers import format_rma_number
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import CHANNEL_LABELS, HIGH_RISK_SCORE, Channel, OrderStatus, OrderType, PaymentStatus
from hubtui.domain.returns import RaisedFrom, ReturnAction, ReturnReason, RmaStatus
from hubtui.services.errors import DomainError

# Payment states a zero total never reaches through the services.
_NOTHING_TO_TAKE = (PaymentStatus.Authorized, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded)

HISTORY_DAYS = 120
_FIRST_DAYS_ORDERS = 40  # placed today and yesterday, whatever the demo's size
CARRIERS = (("Royal Mail", "https://track.example/rm/"), ("DPD", "https://track.example/dpd/"), ("DHL", "https://track.example/dhl/"))
NOTES = (
    "Customer called to check delivery date.", "Leave with neighbour if out.", "Gift wrap requested.",
    "Asked for a VAT invoice.", "Delivery address confirmed by phone.", "Customer prefers e-mail contact.",
)

# Status mix by age: the newest orders are still moving, the oldest are settled.
RECENT_STATUSES = (
    (OrderStatus.Incomplete, 10), (OrderStatus.Pending, 8), (OrderStatus.AwaitingApproval, 6),
    (OrderStatus.Approved, 14), (OrderStatus.OnHold, 5), (OrderStatus.AwaitingCustomerFeedback, 4),
    (OrderStatus.SentToWarehouse, 12), (OrderStatus.AcceptedInWarehouse, 10), (OrderStatus.ReadyToDispatch, 8),
    (OrderStatus.PartiallyDispatched, 3), (OrderStatus.Dispatched, 10), (OrderStatus.ReturnedByWarehouse, 3),
    (OrderStatus.Cancelled, 5), (OrderStatus.Delivered, 2),
)
OLD_STATUSES = (
    (OrderStatus.Delivered, 70), (OrderStatus.Dispatched, 10), (OrderStatus.Cancelled, 8),
    (OrderStatus.OnHold, 1), (OrderStatus.AwaitingCustomerFeedback, 1), (OrderStatus.Incomplete, 2),
    (OrderStatus.ReturnedByWarehouse, 1), (OrderStatus.PartiallyDispatched, 1), (OrderStatus.Pending, 1),
)
CHANNEL_WEIGHTS = (
    (Channel.web, 45), (Channel.mobile, 12), (Channel.telephone, 12), (Channel.amazon, 10), (Channel.ebay, 6),
    (Channel.etsy, 2), (Channel.store, 4), (Channel.admin, 3), (Channel.support, 3), (Channel.email, 3),
)
TYPE_WEIGHTS = ((OrderType.Standard, 90), (OrderType.PreOrder, 4), (OrderType.Exchange, 3), (OrderType.Replacement, 3))
METHOD_BY_CHANNEL = {
    Channel.web: "Card", Channel.mobile: "PayPal", Channel.telephone: "CardOverPhone", Channel.amazon: "Marketplace",
    Channel.ebay: "Marketplace", Channel.etsy: "Marketplace", Channel.store: "Cash", Channel.admin: "Bacs",
    Channel.support: "MOTO", Channel.email: "Cheque",
}
SETTLED = {OrderStatus.Dispatched, OrderStatus.Delivered}
TRACKED = {OrderStatus.ReadyToDispatch, OrderStatus.PartiallyDispatched, OrderStatus.Dispatched, OrderStatus.Delivered}
HOLD_FROM = (OrderStatus.Approved, OrderStatus.Pending, OrderStatus.AwaitingApproval)
CANCEL_REASONS = ("CustomerRequest", "PaymentIssue", "StockIssue", "FraudSuspected", "Duplicate", "Other")

ORDER_COLUMNS = (
    "id", "org_id", "number", "external_ref", "microsite_id", "channel", "order_type", "status",
    "held_from_status", "payment_status", "payment_method", "currency", "customer_id", "company_id",
    "customer_email", "customer_first_name", "customer_last_name", "customer_name_key", "customer_phone",
    "company_name", "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode",
    "shipping_postcode_key", "shipping_country", "billing_name", "billing_line1", "billing_line2",
    "billing_city", "billing_postcode", "billing_country", "lines_total", "discount_total", "shipping_total",
    "order_total", "paid_total", "refunded_total", "customer_reference", "tags", "fraud_score",
    "cancel_reason", "tracking_number", "tracking_carrier", "tracking_link", "placed_at", "created_at",
    "created_by", "updated_at", "updated_by", "version",
)
LINE_COLUMNS = (
    "order_id", "line_no", "product_id", "stock_code", "product_name", "quantity", "unit_price", "discount",
    "line_total", "dispatched_quantity",
)
PAYMENT_COLUMNS = (
    "order_id", "method", "status", "amount", "reference", "comment", "source", "paid_at", "recorded_at", "recorded_by",
)
ACTIVITY_COLUMNS = ("org_id", "order_id", "at", "user_name", "action", "summary")
DISCOUNT_COLUMNS = ("order_id", "promotion_id", "code", "description", "percent_bp", "amount", "created_at", "created_by")
RETURN_COLUMNS = (
    "id", "org_id", "number", "order_id", "status", "action", "reason", "raised_from", "note", "created_at",
    "created_by", "updated_at", "updated_by", "version",
)
RETURN_LINE_COLUMNS = ("rma_id", "order_line_id", "quantity", "reason")
REFUND_COLUMNS = ("order_id", "rma_id", "amount", "method", "reference", "status", "created_at", "created_by")


class DemoRefused(DomainError):
    """The demo is not loaded: a database that already holds data, a negative count, the worker failing."""


@dataclass(frozen=True)
class DemoCustomer:
    id: int
    company_id: int | None
    company_name: str
    email: str
    first: str
    last: str
    phone: str
    line1: str
    city: str
    postcode: str
    country: str


@dataclass(frozen=True)
class DemoOrg:
    id: int
    code: str
    microsites: tuple[tuple[int, str], ...]  # (id, currency), default first
    customers: tuple[DemoCustomer, ...]
    products: tuple[tuple[int, str, str, int], ...]  # (id, stock code, name, price)
    promotion: tuple[int, str, int]  # (id, code, percent bp)
    product_count: int  # active or not


@dataclass(frozen=True)
class Rows:
    """A chunk of orders and all that hangs from them, as the worker hands it over."""

    orders: list[tuple]  # type: ignore[type-arg]
    lines: list[tuple]  # type: ignore[type-arg]
    payments: list[tuple]  # type: ignore[type-arg]
    discounts: list[tuple]  # type: ignore[type-arg]
    returns: list[tuple]  # type: ignore[type-arg]
    return_lines: list[tuple]  # type: ignore[type-arg]
    refunds: list[tuple]  # type: ignore[type-arg]
    activity: list[tuple]  # type: ignore[type-arg]
    tallies: dict[tuple, int]  # type: ignore[type-arg]
    text_tallies: dict[tuple, int]  # type: ignore[type-arg]
    day_tallies: dict[tuple, int]  # type: ignore[type-arg]


@lru_cache(maxsize=4096)
def _utc_day(days_since_epoch: int) -> date:
    return date(1970, 1, 1) + timedelta(days=days_since_epoch)


def _table(pairs: tuple[tuple[object, int], ...], size: int = 1000) -> tuple[object, ...]:
    """A lookup table for weighted picks: table[int(random() * size)] is one draw."""
    total = sum(w for _, w in pairs)
    table: list[object] = []
    for value, weight in pairs:
        table.extend([value] * round(weight * size / total))
    while len(table) < size:
        table.append(pairs[0][0])
    return tuple(table[:size])


_RECENT = _table(RECENT_STATUSES)  # type: ignore[arg-type]
_OLD = _table(OLD_STATUSES)  # type: ignore[arg-type]
_CHANNELS = _table(CHANNEL_WEIGHTS)  # type: ignore[arg-type]
_TYPES = _table(TYPE_WEIGHTS)  # type: ignore[arg-type]
_LINE_COUNTS = _table(((1, 15), (2, 25), (3, 25), (4, 20), (5, 15)), 100)
_QUANTITIES = (1, 1, 1, 2, 3)
_FORCED_STATUSES = tuple(OrderStatus)
_FORCED_CHANNELS = tuple(Channel)
_PAID_LIKE = {PaymentStatus.Paid, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded}


def _customer_columns(c: DemoCustomer) -> tuple:  # type: ignore[type-arg]
    """The order columns from customer_id to billing_country, in ORDER_COLUMNS order."""
    full_name = f"{c.first} {c.last}"
    address = (full_name, c.line1, "", c.city, c.postcode)
    return (
        c.id, c.company_id, c.email, c.first, c.last, name_key(c.first, c.last), c.phone, c.company_name,
        *address, postcode_key(c.postcode), c.country, *address, c.country,
    )


class OrderBatch:
    """Builds the rows of a chunk of orders; every row is a plain tuple for executemany.

    Written for speed (a million orders): weighted picks come from lookup tables and the
    customer part of each order row is prepared once per customer.
    """

    def __init__(self, rng, now, orgs, timestamp, order_id, line_id, rma_id, offset, total):  # type: ignore[no-untyped-def]
        self.rng = rng
        self.total = total
        self.now_epoch = int(now.timestamp())
        self.orgs = orgs
        self.ts = timestamp
        self.next_order_id = order_id
        self.next_line_id = line_id
        self.next_rma_id = rma_id
        self.offset = offset
        self.customer_columns = {o.id: [(c, _customer_columns(c)) for c in o.customers] for o in orgs}
        self.orders: list[tuple] = []  # type: ignore[type-arg]
        self.lines: list[tuple] = []  # type: ignore[type-arg]
        self.payments: list[tuple] = []  # type: ignore[type-arg]
        self.discounts: list[tuple] = []  # type: ignore[type-arg]
        self.returns: list[tuple] = []  # type: ignore[type-arg]
        self.return_lines: list[tuple] = []  # type: ignore[type-arg]
        self.refunds: list[tuple] = []  # type: ignore[type-arg]
        self.activity: list[tuple] = []  # type: ignore[type-arg]
        self.tallies: dict[tuple, int] = {}  # type: ignore[type-arg]
        self.text_tallies: dict[tuple, int] = {}  # type: ignore[type-arg]
        self.day_tallies: dict[tuple, int] = {}  # type: ignore[type-arg]

    def build(self, size: int) -> None:
        random_ = self.rng.random
        for k in range(size):
            index = self.offset + k
            org = self.orgs[0] if random_() < 0.8 else self.orgs[1]
            age = self._age(index, random_())
            if index < _FIRST_DAYS_ORDERS:
                age = int(random_() * 86400 * (index % 2 + 1))  # the first orders cover today and yesterday
            status = (_RECENT if age < 12 * 86400 else _OLD)[int(random_() * 1000)]
            order_type = _TYPES[int(random_() * 1000)]
            channel = _CHANNELS[int(random_() * 1000)]
            # The first orders walk every status, type and channel so each quick filter has members.
            if index < len(_FORCED_STATUSES):
                status = _FORCED_STATUSES[index]
            if index < len(_FORCED_CHANNELS):
                channel = _FORCED_CHANNELS[index]
            if index in (14, 15):
                status, order_type = OrderStatus.OnHold, OrderType.Exchange
            elif index in (16, 17):
                order_type = OrderType.PreOrder
            self._order(org, age, status, order_type, channel)  # type: ignore[arg-type]

    def _age(self, index: int, jitter: float) -> int:
        """Seconds since an order after the first ones was placed: older as the index (and the
        number) rises, so each day holds a narrow run of numbers, as it does where the services
        number orders as they are placed (the numbers rise with the dates there: the demo counts
        from the newest, which keeps its first orders, the ones every quick filter shows, near
        the top of the list). The ages are spread evenly over the history."""
        later = max(1, self.total - _FIRST_DAYS_ORDERS)
        return int((index - _FIRST_DAYS_ORDERS + jitter) * HISTORY_DAYS * 86400 / later)

    def _payment_status(self, status: OrderStatus) -> PaymentStatus:
        r = self.rng.random()
        if status in SETTLED:
            return PaymentStatus.PartiallyRefunded if r < 0.04 else PaymentStatus.Refunded if r < 0.06 else PaymentStatus.Paid
        if status == OrderStatus.Incomplete:
            return PaymentStatus.Declined if r < 0.15 else PaymentStatus.Pending
        if status == OrderStatus.Pending:
            return PaymentStatus.Pending
        if status == OrderStatus.Cancelled:
            return PaymentStatus.Refunded if r < 0.3 else PaymentStatus.Declined if r < 0.6 else PaymentStatus.Pending
        if status == OrderStatus.OnHold:
            return PaymentStatus.Pending if r < 0.4 else PaymentStatus.Paid
        return PaymentStatus.Authorized if r < 0.2 else PaymentStatus.Paid

    def _order(self, org: DemoOrg, age: int, status: OrderStatus, order_type: OrderType, channel: Channel) -> None:
        random_ = self.rng.random
        order_id = self.next_order_id
        self.next_order_id += 1
        customers = self.customer_columns[org.id]
        customer, customer_columns = customers[int(random_() * len(customers))]
        site_id, currency = org.microsites[0] if random_() < 0.85 else org.microsites[1]
        placed_epoch = self.now_epoch - age
        placed = self.ts(placed_epoch)
        updated = self.ts(min(self.now_epoch, placed_epoch + int(random_() * 86400 * 3)))
        payment_status = self._payment_status(status)
        high_risk = random_() < 0.04 or status == OrderStatus.AwaitingApproval
        fraud = 70 + int(random_() * 30) if high_risk else int(random_() * 60)
        lines = self.lines
        products = org.products
        n_lines = _LINE_COUNTS[int(random_() * 100)]
        lines_total = 0
        first_line_id = self.next_line_id
        zero_price = order_type == OrderType.Replacement
        settled = status in SETTLED
        for line_no in range(1, n_lines + 1):
            pid, code, pname, price = products[int(random_() * len(products))]
            quantity = _QUANTITIES[int(random_() * 5)]
            unit = 0 if zero_price else price
            discount = unit * quantity // 10 if random_() < 0.05 else 0
            line_total = unit * quantity - discount
            lines_total += line_total
            dispatched = quantity if settled or (line_no == 1 and status == OrderStatus.PartiallyDispatched) else 0
            lines.append((self.next_line_id, order_id, line_no, pid, code, pname, quantity, unit, discount, line_total, dispatched))
            self.next_line_id += 1
        discount_total = 0
        if not zero_price and random_() < 0.05:
            promo_id, promo_code, bp = org.promotion
            discount_total = (lines_total * bp + 5000) // 10000
            self.discounts.append((order_id, promo_id, promo_code, "10% off everything", bp, discount_total, placed, "system"))
        shipping = 0 if zero_price or lines_total >= 5000 else 495
        order_total = lines_total - discount_total + shipping
        if order_total == 0 and payment_status in _NOTHING_TO_TAKE:
            # Nothing to pay, authorise or refund: recorded, it is paid (domain.order_money.payment_status_for).
            payment_status = PaymentStatus.Paid
        paid = order_total if payment_status in _PAID_LIKE else 0
        refunded = order_total if payment_status == PaymentStatus.Refunded else (
            order_total // 3 if payment_status == PaymentStatus.PartiallyRefunded else 0)
        method = None
        created_by = "pete" if channel == Channel.telephone else "alice" if channel in (Channel.admin, Channel.support) else "system"
        if payment_status != PaymentStatus.Pending or status == OrderStatus.OnHold:
            method = METHOD_BY_CHANNEL[channel]
            recorded = PaymentStatus.Paid if paid else payment_status
            self.payments.append((order_id, method, recorded, paid or order_total, f"PSP{order_id:09d}", "",
                                  "import", placed, placed, created_by))
        external = None
        if channel in (Channel.amazon, Channel.ebay, Channel.etsy):
            external = f"{channel[:3].upper()}-{order_id * 7919 % 10_000_000:07d}"
        if status in TRACKED:
            carrier, link = CARRIERS[order_id % 3]
            tracking_number = f"TRK{order_id:010d}"
            tracking = (tracking_number, carrier, link + tracking_number)
        else:
            tracking = ("", "", "")
        tags = "vip" if order_id % 23 == 0 else ("gift" if order_id % 31 == 0 else "")
        reference = ""
        if customer.company_id:
            tags = "b2b" if not tags else f"b2b,{tags}"
            reference = f"PO-{order_id % 100000:05d}"
        self.orders.append((
            order_id, org.id, f"BT{order_id:07d}", external, site_id, channel, order_type, status,
            HOLD_FROM[order_id % 3] if status == OrderStatus.OnHold else None,
            payment_status, method, currency, *customer_columns,
            lines_total, discount_total, shipping, order_total, paid, refunded, reference, tags, fraud,
            CANCEL_REASONS[order_id % 6] if status == OrderStatus.Cancelled else None,
            *tracking, placed, placed, created_by, updated, created_by, 1,
        ))
        key = (org.id, site_id, status.value, payment_status.value, order_type.value, fraud >= HIGH_RISK_SCORE)
        self.tallies[key] = self.tallies.get(key, 0) + 1
        # In text_tally.KEY order; the e-mail, name key and post-code key as the row holds them.
        text_key = (org.id, customer_columns[2], customer_columns[5], customer_columns[13], *key[1:])
        self.text_tallies[text_key] = self.text_tallies.get(text_key, 0) + 1
        day_key = (org.id, *key[2:], _utc_day(placed_epoch // 86400), site_id)  # in day_tally.KEY order
        self.day_tallies[day_key] = self.day_tallies.get(day_key, 0) + 1
        activity = self.activity
        activity.append((org.id, order_id, placed, created_by, "placed",
                         f"Order placed via {CHANNEL_LABELS[channel]}: {n_lines} line(s)"))
        if status not in (OrderStatus.Incomplete, OrderStatus.Delivered):
            activity.append((org.id, order_id, updated, "system", "status", f"Status → {status}"))
        if order_id % 20 == 0:
            activity.append((org.id, order_id, updated, "alice", "note", NOTES[order_id % len(NOTES)]))
        rma_id = self._return(org, order_id, first_line_id, updated, refunded) if settled and random_() < 0.015 \
            else None
        if refunded:  # the refund behind the order's refunded total, by the return that asked for it if any
            self.refunds.append((order_id, rma_id, refunded, method or "Card", f"RF{order_id:09d}", "Processed",
                                 updated, "sam"))

    def _return(self, org: DemoOrg, order_id: int, line_id: int, at: str, refunded: int) -> int | None:
        """A return of the order's first line; its id when it is the one refunded."""
        rng = self.rng
        rma_id = self.next_rma_id
        self.next_rma_id += 1
        status = rng.choice((RmaStatus.ReturnRequested, RmaStatus.ApproveRequest, RmaStatus.ReturnReceived,
                             RmaStatus.RMAQCcomplete, RmaStatus.RefundProcessed, RmaStatus.RejectRequest))
        if status == RmaStatus.RefundProcessed and not refunded:  # no money went back: still being processed
            status = RmaStatus.ProcessReturn
        reason = rng.choice(list(ReturnReason))
        number = format_rma_number(rma_id)
        self.returns.append((rma_id, org.id, number, order_id, status, ReturnAction.Refund, reason,
                             rng.choice(list(RaisedFrom)), "", at, "alice", at, "alice", 1))
        self.return_lines.append((rma_id, line_id, 1, reason))
        self.activity.append((org.id, order_id, at, "alice", "return", f"Return {number} raised ({reason})"))
        return rma_id if status == RmaStatus.RefundProcessed else None


__all__ = [
    "ACTIVITY_COLUMNS", "DISCOUNT_COLUMNS", "HISTORY_DAYS", "LINE_COLUMNS", "ORDER_COLUMNS", "PAYMENT_COLUMNS",
    "REFUND_COLUMNS", "RETURN_COLUMNS", "RETURN_LINE_COLUMNS", "DemoCustomer", "DemoOrg", "DemoRefused",
    "OrderBatch", "Rows",
]
