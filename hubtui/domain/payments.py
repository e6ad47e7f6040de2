"""Rules for recording an offline payment by hand (SPEC 3): choices, defaults and the amount.

The service (hubtui.services.order_payments.record_payment) enforces the same limits against
the stored order; these let a form answer at once, before anything is written.
"""

from __future__ import annotations

from hubtui.domain.errors import MoneyError
from hubtui.domain.money import check_symbol, format_money, money_symbol, parse_money
from hubtui.domain.orders import (
    OFFLINE_PAYMENT_METHODS,
    OPERATOR_PAYMENT_STATUSES,
    Channel,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)

# The order a form offers them in (SPEC 3 lists them so); OFFLINE_PAYMENT_METHODS is a set.
OPERATOR_METHODS: tuple[PaymentMethod, ...] = tuple(
    m for m in PaymentMethod if m in OFFLINE_PAYMENT_METHODS
)
OPERATOR_STATUSES: tuple[PaymentStatus, ...] = OPERATOR_PAYMENT_STATUSES
DEFAULT_STATUS = PaymentStatus.Paid
# Methods whose payment is looked up later by a code the agent is given on the call: the card
# terminal's authorisation code, the cheque number. A form puts the cursor there first.
REFERENCE_EXPECTED = frozenset({PaymentMethod.CardOverPhone, PaymentMethod.MOTO, PaymentMethod.Cheque})


def reference_expected(method: str) -> bool:
    return method in {m.value for m in REFERENCE_EXPECTED}


def default_method(channel: str) -> PaymentMethod:
    """A phone order is almost always paid by card over the phone; anything else by transfer."""
    return PaymentMethod.CardOverPhone if channel.strip().lower() == Channel.telephone.value else PaymentMethod.Bacs


def payment_refusal(number: str, status: str, balance_due: int, currency: str) -> str | None:
    """Why no payment can be recorded on this order now, or None when one can."""
    if status == OrderStatus.Cancelled.value:
        return f"{number} is cancelled; no payment can be recorded."
    if balance_due <= 0:
        return f"{number} has nothing to pay (balance due {format_money(0, currency)})."
    return None


def payment_amount(text: str, *, method: str, balance_due: int, currency: str) -> int:
    """The amount typed into a payment form, in minor units; MoneyError says what is wrong with it.

    FOC always records zero, whatever was typed.
    """
    if method == PaymentMethod.FOC.value:
        return 0
    check_symbol(money_symbol(text), currency)
    if not text.strip():
        raise MoneyError(f"Enter an amount, e.g. {format_money(balance_due)}.")
    try:
        amount = parse_money(text, allow_negative=True)
    except MoneyError:
        shown = text.strip()
        shown = repr(shown) if len(shown) <= 16 else "That"
        raise MoneyError(f"{shown} is not an amount; write it like 12.50.") from None
    if amount < 0:
        raise MoneyError("The amount cannot be negative.")
    if amount == 0:
        # A zero payment records nothing; waiving the cost is what FOC is for.
        raise MoneyError("The amount must be more than 0.00; choose FOC for free of charge.")
    if amount > balance_due:
        raise MoneyError(
            f"{format_money(amount, currency, grouping=True)} is more than the balance due "
            f"({format_money(balance_due, currency, grouping=True)})."
        )
    return amount


def correction_refusal(current: str, target: str) -> str | None:
    """Why a recorded payment's status cannot be corrected from `current` to `target`, or None.

    An operator corrects among the statuses an operator records (Pending, Authorized, Paid,
    Declined), either way: a card first noted as declined that went through, a cheque noted as
    paid that bounced. Refunded and PartiallyRefunded come only from refunds, and a payment
    already refunded is changed only by refunds.
    """
    operator = {s.value for s in OPERATOR_STATUSES}
    if current not in operator:
        return f"A {current} payment is changed only by refunds."
    if target not in operator:
        return (f"{target} comes only from a refund; a payment is corrected to "
                f"{', '.join(s.value for s in OPERATOR_STATUSES)}.")
    if target == current:
        return f"The payment is already {current}."
    return None


def correction_targets(current: str) -> tuple[PaymentStatus, ...]:
    """The statuses a payment now `current` may be corrected to, in the order a form offers them."""
    return tuple(s for s in OPERATOR_STATUSES if correction_refusal(current, s.value) is None)
