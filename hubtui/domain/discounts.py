"""Order discounts (SPEC 3, issue 11): promotion codes with their rules, ad-hoc discounts as an
amount or a percentage, and how every discount on an order is spread over its lines.

Pure rules for the coming lines and discounts editors: what a promotion is worth on an order's
lines or why it does not apply, what an ad-hoc discount is worth or why it cannot be given, and
the line discounts that always add up exactly to the order's discount (largest remainder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from hubtui.domain.errors import MoneyError
from hubtui.domain.money import allocate_discount, format_money, money_symbol, parse_money, percent_of


class DiscountRefused(MoneyError):
    """A discount that cannot be given; the message says why, with the figures."""


@dataclass(frozen=True)
class Line:
    stock_code: str
    value: int  # unit price times quantity, before any discount


@dataclass(frozen=True)
class Promotion:
    code: str
    percent_bp: int = 0  # basis points: 1250 = 12.5 %; 0 with an amount
    amount: int = 0  # a fixed amount off, when percent_bp is 0
    active: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    minimum: int = 0  # of eligible products, before discounts
    eligible: frozenset[str] | None = None  # stock codes; None: every product


def eligible_value(promotion: Promotion, lines: Sequence[Line]) -> int:
    return sum(line.value for line in lines if promotion.eligible is None or line.stock_code in promotion.eligible)


def promotion_refusal(promotion: Promotion, lines: Sequence[Line], now: datetime, currency: str = "GBP") -> str | None:
    """Why `promotion` does not apply to these lines at `now`, or None when it does."""
    code = promotion.code
    if not promotion.active:
        return f"{code} has been withdrawn."
    if promotion.starts_at is not None and now < promotion.starts_at:
        return f"{code} starts on {promotion.starts_at:%d %b %Y}."
    if promotion.ends_at is not None and now >= promotion.ends_at:
        return f"{code} ended on {promotion.ends_at:%d %b %Y}."
    value = eligible_value(promotion, lines)
    if value == 0 and promotion.eligible is None:
        return f"{code}: the order's products come to nothing, so there is nothing to discount."
    if value == 0:
        return f"{code} applies to none of the order's products."
    if value < promotion.minimum:
        what = "eligible products" if promotion.eligible is not None else "products"
        return (f"{code} needs {format_money(promotion.minimum, currency)} of {what}, "
                f"the order has {format_money(value, currency)}.")
    return None


def promotion_discount(promotion: Promotion, lines: Sequence[Line], now: datetime, currency: str = "GBP") -> int:
    """What `promotion` takes off these lines: a percentage of the eligible products, or its
    amount, never more than they are worth. DiscountRefused says why when it does not apply."""
    refusal = promotion_refusal(promotion, lines, now, currency)
    if refusal:
        raise DiscountRefused(refusal)
    value = eligible_value(promotion, lines)
    if promotion.percent_bp:
        return min(value, percent_of(value, Decimal(promotion.percent_bp) / 100))
    return min(value, promotion.amount)


def adhoc_discount(lines_value: int, *, amount: int | None = None, percent: Decimal | None = None,
                   already: int = 0, currency: str = "GBP") -> int:
    """An operator's own discount, as an amount or a percentage of what the lines are worth;
    with the discounts `already` on the order it may not take the order below nothing."""
    if (amount is None) == (percent is None):
        raise DiscountRefused("Give an amount or a percentage.")
    if percent is not None:
        if percent <= 0 or percent > 100:
            raise DiscountRefused(f"A percentage is more than 0 and at most 100 ({percent} given).")
        amount = percent_of(lines_value, percent)
    assert amount is not None
    if amount <= 0:
        raise DiscountRefused("A discount is more than 0.00.")
    room = lines_value - already
    if amount > room:
        raise DiscountRefused(f"A discount of {format_money(amount, currency)} is more than the order's "
                              f"{format_money(max(room, 0), currency)} left to discount.")
    return amount


@dataclass(frozen=True)
class DiscountEntry:
    """What an operator typed in the one discount field: a code, an amount or a percentage."""

    code: str = ""
    amount: int | None = None  # minor units
    percent: Decimal | None = None
    written_in: str | None = None  # the currency symbol typed with an amount

    @property
    def needs_reason(self) -> bool:
        return not self.code


def read_entry(text: str) -> DiscountEntry:
    """"SAVE10" is a code, "5", "£5.00" an amount, "10%" a percentage. DiscountRefused says why
    it is none of them."""
    typed = text.strip()
    if not typed:
        raise DiscountRefused("Type a promotion code, an amount (5.00) or a percentage (10%).")
    if typed.endswith("%"):
        number = typed[:-1].strip()
        try:
            percent = Decimal(number)
        except ArithmeticError:
            raise DiscountRefused(f"'{typed}' is not a percentage.") from None
        if not percent.is_finite() or percent <= 0 or percent > 100:
            raise DiscountRefused(f"A percentage is more than 0 and at most 100 ({number} given).")
        if percent != percent.quantize(Decimal("0.01")):
            raise DiscountRefused("A percentage has at most two decimal places.")
        return DiscountEntry(percent=percent)
    symbol = money_symbol(typed)
    if symbol is not None or typed.replace(".", "", 1).replace(",", "", 1).isdigit() or typed.startswith("-"):
        try:
            return DiscountEntry(amount=parse_money(typed), written_in=symbol)
        except ValueError as error:
            raise DiscountRefused(str(error)) from None
    if not typed.replace("-", "").replace("_", "").isalnum():
        raise DiscountRefused(f"'{typed}' is not a promotion code, an amount or a percentage.")
    return DiscountEntry(code=typed)


def line_discounts(lines: Sequence[Line], discounts: Sequence[int]) -> list[int]:
    """Each line's share of the order's discounts, in proportion to the lines' values, adding up
    exactly to their sum; recomputed whenever a line changes. Discounts worth more than the
    lines (a line removed after a fixed amount was given) are cut to what the lines are worth."""
    values = [line.value for line in lines]
    total = min(sum(discounts), sum(values))
    if not values:
        return []
    return allocate_discount(values, total)


__all__ = ["DiscountEntry", "DiscountRefused", "Line", "Promotion", "read_entry", "adhoc_discount", "eligible_value", "line_discounts",
           "promotion_discount", "promotion_refusal"]
