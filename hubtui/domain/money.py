"""Money as integer minor units.

All currencies handled here have two decimal places. Conversions go through
Decimal tuples or integer arithmetic rather than Decimal arithmetic, because
Decimal arithmetic rounds silently once a value exceeds the context precision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from hubtui.domain.errors import MoneyError

_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

# The sign may sit either side of the symbol so that both "-£5.00" (what
# format_money writes) and "£-5.00" (what spreadsheets often write) are read.
_MONEY_RE = re.compile(
    r"""
    (?P<sign1>-)?
    (?:(?P<symbol>[£€$])\s*)?
    (?P<sign2>-)?
    (?P<units>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?
    (?:\.(?P<cents>[0-9]{1,2}))?
    """,
    re.VERBOSE | re.ASCII,
)

# Beyond this many digits the amount is certainly a typo, and int() of a longer
# string would be slow or refused by Python's own digit limit.
_MAX_DIGITS = 1000


def parse_money(text: str, *, allow_negative: bool = False) -> int:
    """Read an amount such as ``"£1,234.50"`` into minor units (``123450``)."""
    cleaned = text.strip() if isinstance(text, str) else ""
    match = _MONEY_RE.fullmatch(cleaned)
    if (
        not cleaned
        or match is None
        or (match["units"] is None and match["cents"] is None)
        or (match["sign1"] and match["sign2"])
    ):
        raise MoneyError(
            f"{text!r} is not an amount; write it like 12.50 or 1,234.50 "
            "(at most two decimal places)"
        )
    if len(cleaned) > _MAX_DIGITS:
        raise MoneyError(f"The amount starting {cleaned[:12]!r} is too long")
    negative = bool(match["sign1"] or match["sign2"])
    units = (match["units"] or "0").replace(",", "")
    minor = int(units) * 100 + int((match["cents"] or "").ljust(2, "0"))
    if negative:
        minor = -minor
    if minor < 0 and not allow_negative:
        raise MoneyError(f"{text!r} is negative; the amount must be 0 or more")
    return minor


def money_symbol(text: str) -> str | None:
    """The currency symbol an amount was written with ("£", "€", "$"), or None."""
    match = _MONEY_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    return match["symbol"] if match else None


def check_symbol(symbol: str | None, currency: str) -> None:
    """Refuse an amount written in another currency's symbol: "$5.00" is not £5.00."""
    expected = _SYMBOLS.get(currency.strip().upper())
    if symbol is not None and symbol != expected:
        shown = f"in {expected}" if expected else f"in {currency.strip().upper()}"
        raise MoneyError(f"{symbol} is not this order's currency; give the amount {shown} or without a symbol.")


def format_money(
    minor: int, currency: str | None = None, *, grouping: bool = False
) -> str:
    """Write minor units as ``12.50``, ``£12.50`` or ``12.50 SEK``."""
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 100)
    body = f"{units:,}" if grouping else str(units)
    number = f"{body}.{cents:02d}"
    if not currency:
        return f"{sign}{number}"
    code = currency.strip().upper()
    symbol = _SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {code}"


def to_decimal(minor: int) -> Decimal:
    """Minor units as a Decimal with exactly two places (``1250`` -> ``12.50``)."""
    sign, digits, _ = Decimal(minor).as_tuple()
    return Decimal((sign, digits, -2))


def from_decimal(d: Decimal) -> int:
    """A Decimal amount as minor units; refuses fractions of a minor unit."""
    if not isinstance(d, Decimal):
        raise MoneyError(f"Expected a Decimal amount, got {d!r}")
    if not d.is_finite():
        raise MoneyError(f"{d} is not an amount")
    if d.adjusted() > _MAX_DIGITS:
        raise MoneyError("The amount is too large")
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)  # guaranteed by is_finite() above
    coefficient = int("".join(map(str, digits)))
    shift = exponent + 2
    if shift >= 0:
        minor = coefficient * 10**shift
    else:
        minor, rest = divmod(coefficient, 10**-shift)
        if rest:
            raise MoneyError(f"{d} has more than two decimal places")
    return -minor if sign else minor


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by largest remainder.

    The parts always add up to ``total``. Each part first gets the floor of
    its exact share; the units left over go one each to the parts with the
    largest remainders, the earliest index winning a tie, so the result is
    deterministic. When every weight is 0 the total is spread evenly by the
    same rule. A negative total is split as its absolute value, then negated,
    so a refund mirrors the charge it reverses.
    """
    weights = list(weights)
    if any(w < 0 for w in weights):
        raise MoneyError(f"Cannot allocate by negative weights: {weights}")
    if not weights:
        if total:
            raise MoneyError(f"Cannot allocate {format_money(total)} over no parts")
        return []
    if total < 0:
        return [-part for part in allocate(-total, weights)]
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return parts


def percent_of(amount: int, percent: Decimal) -> int:
    """``percent`` % of ``amount``, rounded half away from zero to a minor unit."""
    if isinstance(percent, float):
        # A binary float such as 0.1 is not the percentage the operator typed.
        raise MoneyError(f"Give the percentage {percent!r} as a Decimal, not a float")
    try:
        share = Fraction(amount) * Fraction(percent) / 100
    except (ValueError, TypeError, OverflowError, InvalidOperation) as exc:
        raise MoneyError(f"{percent!r} is not a percentage") from exc
    units, rest = divmod(abs(share.numerator), share.denominator)
    if 2 * rest >= share.denominator:
        units += 1
    return -units if share < 0 else units


def allocate_discount(line_totals: Sequence[int], discount: int) -> list[int]:
    """Spread an order discount over its lines in proportion to their totals."""
    if discount < 0:
        raise MoneyError(f"A discount cannot be negative ({format_money(discount)})")
    if any(t < 0 for t in line_totals):
        raise MoneyError("Cannot spread a discount over lines with negative totals")
    available = sum(line_totals)
    if discount > available:
        raise MoneyError(
            f"A discount of {format_money(discount)} is more than the lines' "
            f"total of {format_money(available)}"
        )
    # With discount <= sum(line_totals), allocate() keeps each part within its
    # line total, so no line is ever discounted below zero.
    return allocate(discount, line_totals)
