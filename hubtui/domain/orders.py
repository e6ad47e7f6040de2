"""The order lifecycle, payment status and list filters (SPEC section 3)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from hubtui.domain.errors import DomainError, TransitionError


class OrderStatus(StrEnum):
    Incomplete = "Incomplete"
    Pending = "Pending"
    AwaitingApproval = "AwaitingApproval"
    Approved = "Approved"
    OnHold = "OnHold"
    AwaitingCustomerFeedback = "AwaitingCustomerFeedback"
    SentToWarehouse = "SentToWarehouse"
    AcceptedInWarehouse = "AcceptedInWarehouse"
    ReadyToDispatch = "ReadyToDispatch"
    PartiallyDispatched = "PartiallyDispatched"
    Dispatched = "Dispatched"
    Delivered = "Delivered"
    ReturnedByWarehouse = "ReturnedByWarehouse"
    Cancelled = "Cancelled"


class OrderType(StrEnum):
    Standard = "Standard"
    PreOrder = "PreOrder"
    Exchange = "Exchange"
    Replacement = "Replacement"


class PaymentStatus(StrEnum):
    Pending = "Pending"
    Authorized = "Authorized"
    Paid = "Paid"
    PartiallyRefunded = "PartiallyRefunded"
    Refunded = "Refunded"
    Declined = "Declined"


class PaymentMethod(StrEnum):
    Bacs = "Bacs"
    Cheque = "Cheque"
    Cash = "Cash"
    CardOverPhone = "CardOverPhone"
    FOC = "FOC"
    MOTO = "MOTO"
    Card = "Card"
    PayPal = "PayPal"
    Marketplace = "Marketplace"


class CancelReason(StrEnum):
    CustomerRequest = "CustomerRequest"
    PaymentIssue = "PaymentIssue"
    StockIssue = "StockIssue"
    FraudSuspected = "FraudSuspected"
    Duplicate = "Duplicate"
    Other = "Other"


class Channel(StrEnum):
    web = "web"
    admin = "admin"
    mobile = "mobile"
    telephone = "telephone"
    store = "store"
    amazon = "amazon"
    ebay = "ebay"
    etsy = "etsy"
    support = "support"
    email = "email"


class QuickFilter(StrEnum):
    ALL = "all"
    TODAY = "today"
    YESTERDAY = "yesterday"
    UNFULFILLED = "unfulfilled"
    UNPAID = "unpaid"
    AWAITING_APPROVAL = "awaiting-approval"
    HIGH_RISK = "high-risk"
    PRE_ORDERS = "pre-orders"
    AWAITING_FEEDBACK = "awaiting-feedback"
    RETURNED_FROM_WAREHOUSE = "returned-from-warehouse"
    ON_HOLD = "on-hold"
    EXCHANGE_ON_HOLD = "exchange-on-hold"


_S = OrderStatus

OFFLINE_PAYMENT_METHODS = frozenset(
    {
        PaymentMethod.Bacs,
        PaymentMethod.Cheque,
        PaymentMethod.Cash,
        PaymentMethod.CardOverPhone,
        PaymentMethod.FOC,
        PaymentMethod.MOTO,
    }
)

# Refunds are not recorded by hand as a payment status: they come from returns.
OPERATOR_PAYMENT_STATUSES = (
    PaymentStatus.Pending,
    PaymentStatus.Authorized,
    PaymentStatus.Paid,
    PaymentStatus.Declined,
)

CHANNEL_LABELS: dict[Channel, str] = {
    Channel.web: "Web",
    Channel.admin: "Admin",
    Channel.mobile: "Mobile",
    Channel.telephone: "Phone Order",
    Channel.store: "Store",
    Channel.amazon: "Amazon",
    Channel.ebay: "eBay",
    Channel.etsy: "Etsy",
    Channel.support: "Support",
    Channel.email: "Email",
}


def channel_label(code: str) -> str:
    """The label to show for a channel; an unknown code is shown as stored."""
    try:
        return CHANNEL_LABELS[Channel(code.strip().lower())]
    except ValueError:
        return code


HIGH_RISK_SCORE = 70

TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = MappingProxyType(
    {
        _S.Incomplete: frozenset({_S.Approved, _S.Pending, _S.AwaitingApproval, _S.Cancelled}),
        _S.Pending: frozenset({_S.Approved, _S.AwaitingApproval, _S.OnHold, _S.Cancelled}),
        _S.AwaitingApproval: frozenset({_S.Approved, _S.OnHold, _S.Cancelled}),
        _S.Approved: frozenset(
            {_S.SentToWarehouse, _S.OnHold, _S.AwaitingCustomerFeedback, _S.Cancelled}
        ),
        # Releasing a hold returns to wherever the order was held from; that
        # target is per order, so allowed_targets() adds it.
        _S.OnHold: frozenset({_S.Cancelled}),
        _S.AwaitingCustomerFeedback: frozenset({_S.Approved, _S.OnHold, _S.Cancelled}),
        _S.SentToWarehouse: frozenset({_S.AcceptedInWarehouse, _S.ReturnedByWarehouse}),
        _S.AcceptedInWarehouse: frozenset({_S.ReadyToDispatch, _S.ReturnedByWarehouse}),
        _S.ReadyToDispatch: frozenset(
            {_S.PartiallyDispatched, _S.Dispatched, _S.ReturnedByWarehouse}
        ),
        _S.PartiallyDispatched: frozenset({_S.Dispatched}),
        _S.Dispatched: frozenset({_S.Delivered}),
        _S.Delivered: frozenset(),
        _S.ReturnedByWarehouse: frozenset({_S.Approved, _S.OnHold, _S.Cancelled}),
        _S.Cancelled: frozenset(),
    }
)

FINAL_STATUSES = frozenset({_S.Delivered, _S.Cancelled})

# Only these can be put on hold, so only these can be returned to from OnHold.
HOLDABLE_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if _S.OnHold in targets)

EDITABLE_STATUSES = frozenset(
    {
        _S.Incomplete,
        _S.Pending,
        _S.AwaitingApproval,
        _S.Approved,
        _S.OnHold,
        _S.AwaitingCustomerFeedback,
        _S.ReturnedByWarehouse,
    }
)

TRACKING_STATUSES = frozenset(
    {_S.ReadyToDispatch, _S.PartiallyDispatched, _S.Dispatched, _S.Delivered}
)

FULFILMENT_PATH: tuple[OrderStatus, ...] = (
    _S.Approved,
    _S.SentToWarehouse,
    _S.AcceptedInWarehouse,
    _S.ReadyToDispatch,
    _S.PartiallyDispatched,
    _S.Dispatched,
    _S.Delivered,
)


def _status(value: OrderStatus | str) -> OrderStatus:
    try:
        return OrderStatus(value)
    except ValueError:
        raise TransitionError(f"{value!r} is not an order status") from None


def _names(statuses: frozenset[OrderStatus]) -> str:
    return ", ".join(s for s in OrderStatus if s in statuses)


def allowed_targets(
    current: OrderStatus, held_from: OrderStatus | None = None
) -> frozenset[OrderStatus]:
    """Where an order in ``current`` may go next.

    For OnHold that is Cancelled plus ``held_from``, when ``held_from`` is a
    status an order can be held from at all; anything else recorded there is
    ignored rather than trusted as a way to jump ahead in the lifecycle.
    """
    current = _status(current)
    targets = TRANSITIONS[current]
    if current is _S.OnHold and held_from is not None:
        held_from = _status(held_from)
        if held_from in HOLDABLE_STATUSES:
            targets = targets | {held_from}
    return targets


def check_transition(
    current: OrderStatus,
    target: OrderStatus,
    *,
    held_from: OrderStatus | None = None,
    reason: CancelReason | None = None,
) -> None:
    """Refuse, with a message for the operator, any move SPEC 3 does not allow."""
    current, target = _status(current), _status(target)
    if current is target:
        raise TransitionError(f"The order is already {current}")
    allowed = allowed_targets(current, held_from)
    if target not in allowed:
        hint = ""
        if current is _S.OnHold and target is not _S.Cancelled:
            hint = (
                " (the status it was held from is not recorded)"
                if held_from is None
                else f" (it was held from {held_from})"
            )
        if not allowed:
            raise TransitionError(
                f"Cannot move an order from {current} to {target}; {current} is final"
            )
        raise TransitionError(
            f"Cannot move an order from {current} to {target}; "
            f"allowed: {_names(allowed)}{hint}"
        )
    if target is _S.Cancelled:
        reasons = ", ".join(CancelReason)
        if reason is None:
            raise TransitionError(f"Cancelling needs a reason (one of {reasons})")
        try:
            CancelReason(reason)
        except ValueError:
            raise TransitionError(
                f"{reason!r} is not a cancel reason; use one of {reasons}"
            ) from None


def is_editable(status: OrderStatus) -> bool:
    """Lines, discounts and customer details may change (SPEC 3)."""
    return _status(status) in EDITABLE_STATUSES


def edit_refusal(number: str, status: OrderStatus | str, what: str = "lines, discounts and addresses") -> str | None:
    """Why `what` of this order cannot change now (SPEC 3), or None when they can."""
    if is_editable(status):
        return None
    if _status(status) is _S.Cancelled:
        return f"{number} is cancelled: its {what} can no longer change."
    return (f"{number} is {_status(status).value}: {what} are locked from SentToWarehouse on "
            f"(open again only while ReturnedByWarehouse).")


def can_set_tracking(status: OrderStatus) -> bool:
    return _status(status) in TRACKING_STATUSES


def can_raise_return(
    status: OrderStatus, eligible_from: OrderStatus = OrderStatus.Dispatched
) -> bool:
    """Whether ``status`` has reached ``eligible_from`` along FULFILMENT_PATH."""
    status, eligible_from = _status(status), _status(eligible_from)
    if eligible_from not in FULFILMENT_PATH:
        raise DomainError(
            f"Returns cannot start at {eligible_from}; choose one of "
            f"{', '.join(FULFILMENT_PATH)}"
        )
    if status not in FULFILMENT_PATH:
        return False
    return FULFILMENT_PATH.index(status) >= FULFILMENT_PATH.index(eligible_from)


def status_after_payment(
    current: OrderStatus, payment_status: PaymentStatus, fraud_score: int
) -> OrderStatus | None:
    """The status a saved payment moves the order to, or None to stay put."""
    if _status(current) is not _S.Incomplete:
        return None
    if payment_status not in (PaymentStatus.Paid, PaymentStatus.Authorized):
        return None
    if fraud_score is not None and fraud_score >= HIGH_RISK_SCORE:
        return _S.AwaitingApproval
    return _S.Approved


def owed_to_customer(status: OrderStatus | str, order_total: int, paid: int, refunded: int) -> int:
    """Money taken that the customer is now owed back: all of it once the order is cancelled,
    what was paid beyond the total otherwise; less what has been refunded already."""
    keeps = 0 if _status(status) == _S.Cancelled else order_total
    return max(0, paid - refunded - keeps)


def is_unfulfilled(status: OrderStatus) -> bool:
    return _status(status) not in (_S.Dispatched, _S.Delivered, _S.Cancelled)


def is_unpaid(status: OrderStatus, payment_status: PaymentStatus) -> bool:
    return _status(status) is not _S.Cancelled and payment_status in (
        PaymentStatus.Pending,
        PaymentStatus.Declined,
    )


def matches_quick_filter(
    f: QuickFilter,
    *,
    status: OrderStatus,
    payment_status: PaymentStatus,
    order_type: OrderType,
    fraud_score: int | None,
    placed_on: date,
    today: date,
) -> bool:
    """The one definition of every quick filter; SQL queries are tested against it.

    ``placed_on`` and ``today`` are calendar dates in the operator's time zone.
    """
    if isinstance(placed_on, datetime) or isinstance(today, datetime):
        # datetime == date is always False, which would silently empty the
        # today/yesterday filters.
        raise TypeError("matches_quick_filter needs calendar dates, not datetimes")
    status = _status(status)
    match QuickFilter(f):
        case QuickFilter.ALL:
            return True
        case QuickFilter.TODAY:
            return placed_on == today
        case QuickFilter.YESTERDAY:
            return placed_on == today - timedelta(days=1)
        case QuickFilter.UNFULFILLED:
            return is_unfulfilled(status)
        case QuickFilter.UNPAID:
            return is_unpaid(status, payment_status)
        case QuickFilter.AWAITING_APPROVAL:
            return status is _S.AwaitingApproval
        case QuickFilter.HIGH_RISK:
            return fraud_score is not None and fraud_score >= HIGH_RISK_SCORE
        case QuickFilter.PRE_ORDERS:
            return order_type == OrderType.PreOrder
        case QuickFilter.AWAITING_FEEDBACK:
            return status is _S.AwaitingCustomerFeedback
        case QuickFilter.RETURNED_FROM_WAREHOUSE:
            return status is _S.ReturnedByWarehouse
        case QuickFilter.ON_HOLD:
            return status is _S.OnHold
        case QuickFilter.EXCHANGE_ON_HOLD:
            return order_type == OrderType.Exchange and status is _S.OnHold
    raise AssertionError(f"unhandled quick filter {f!r}")
