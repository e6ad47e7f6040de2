"""What an order's payments say: its payment status from its payment totals, and what the
customer still owes (SPEC 3). What is owed back depends on the status too: orders.owed_to_customer."""

from __future__ import annotations

from hubtui.domain.errors import MoneyError
from hubtui.domain.orders import PaymentStatus


def payment_status_for(
    order_total: int,
    paid: int,
    authorized: int,
    refunded: int,
    last_recorded: PaymentStatus | None,
) -> PaymentStatus:
    """The order's payment status, derived from its payment totals.

    The first rule that holds wins:

    1. Refunded: something was refunded and refunds cover everything paid.
    2. PartiallyRefunded: something was refunded.
    3. Paid: payments cover the total. A zero total counts as paid once a
       Paid or Authorized payment is recorded (FOC records a zero payment);
       with nothing recorded it stays Pending.
    4. Authorized: authorisations, with payments, cover the total.
    5. Declined: the most recently recorded payment was declined.
    6. Pending: anything else, including a part payment (see balance_due).
    """
    for name, amount in (
        ("order total", order_total),
        ("paid", paid),
        ("authorized", authorized),
        ("refunded", refunded),
    ):
        if amount < 0:
            raise MoneyError(f"The {name} amount cannot be negative ({amount})")
    if refunded > 0 and paid > 0 and refunded >= paid:
        return PaymentStatus.Refunded
    if refunded > 0:
        return PaymentStatus.PartiallyRefunded
    recorded_ok = last_recorded in (PaymentStatus.Paid, PaymentStatus.Authorized)
    if order_total == 0:
        return PaymentStatus.Paid if recorded_ok or paid > 0 else _fallback(last_recorded)
    if paid >= order_total:
        return PaymentStatus.Paid
    if authorized > 0 and authorized + paid >= order_total:
        return PaymentStatus.Authorized
    return _fallback(last_recorded)


def _fallback(last_recorded: PaymentStatus | None) -> PaymentStatus:
    if last_recorded == PaymentStatus.Declined:
        return PaymentStatus.Declined
    return PaymentStatus.Pending


def balance_due(order_total: int, paid: int, refunded: int) -> int:
    """What the customer still owes.

    ``refunded`` is accepted but deliberately unused: a refund gives money
    back for returned goods, it does not make the customer owe it again.
    """
    return max(0, order_total - paid)


__all__ = ["balance_due", "payment_status_for"]
