"""What a return may refund (SPEC 4, issue 12): what the customer paid for the units coming
back, each unit's share of the order's discounts included, and never more than is still
refundable on the order. Pure rules; the returns services and screens build on them.

A line's paid amount is its value (unit price times quantity, less its own markdown) less its
share of the order discount, spread over the lines by largest remainder as the order editor
spreads it (domain.discounts.line_discounts). Over a line's units it is spread so that
returning all of them, in one return or in several, refunds exactly what was paid for the line:
the first k units cost floor(paid × k / quantity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubtui.domain.discounts import Line, line_discounts
from hubtui.domain.errors import MoneyError
from hubtui.domain.money import format_money


class RefundRefused(MoneyError):
    """A refund that cannot be given; the message says why, with the figures."""


@dataclass(frozen=True)
class PaidLine:
    line_no: int
    quantity: int
    value: int  # unit price × quantity less the line's own markdown, before order discounts


def paid_per_line(lines: Sequence[PaidLine], order_discount: int) -> dict[int, int]:
    """What the customer paid for each line (by line number): its value less its share of the
    order discount. The amounts add up to the lines' value less the order discount."""
    shares = line_discounts([Line(str(line.line_no), line.value) for line in lines], [order_discount])
    return {line.line_no: line.value - share for line, share in zip(lines, shares)}


def paid_for_units(line_paid: int, quantity: int, *, returned_before: int, returning: int) -> int:
    """What `returning` units of a line cost when `returned_before` of its `quantity` units have
    been claimed by earlier returns."""
    if quantity <= 0 or returning < 0 or returned_before < 0 or returned_before + returning > quantity:
        raise RefundRefused(f"{returning} of {quantity} unit(s) cannot come back after {returned_before} already "
                            "have.")
    end = returned_before + returning
    return line_paid * end // quantity - line_paid * returned_before // quantity


@dataclass(frozen=True)
class RefundQuote:
    paid_for_units: int  # what the returned units cost
    still_refundable: int  # paid on the order less refunded so far
    currency: str = "GBP"

    @property
    def cap(self) -> int:
        """The most this return may refund."""
        return max(0, min(self.paid_for_units, self.still_refundable))

    def check(self, amount: int) -> int:
        """The amount an operator typed, if it may be refunded; RefundRefused names the cap it breaks."""
        money = lambda minor: format_money(minor, self.currency)  # noqa: E731
        if amount <= 0:
            raise RefundRefused("A refund is more than 0.00.")
        if amount > self.paid_for_units:
            raise RefundRefused(f"{money(amount)} is more than the returned units cost "
                                f"({money(self.paid_for_units)}, their share of discounts included).")
        if amount > self.still_refundable:
            raise RefundRefused(f"{money(amount)} is more than is still refundable on the order "
                                f"({money(max(0, self.still_refundable))}).")
        return amount


__all__ = ["PaidLine", "RefundQuote", "RefundRefused", "paid_for_units", "paid_per_line"]
