"""Reading the values of a CSV import (SPEC 7, issue 13): amounts, dates, quantities and header
names, as text a file holds. Pure: no I/O and no business rules beyond what a value must look
like to be read at all (whether a status exists or a stock code is known is the importer's).

Every refusal is a `CsvValueError` (a ValueError) whose message is a short reason a person can
act on, quoting the value: "'12.345' has more than two decimal places". The importer puts the
row number and the column in front of it.

- Money: ``12.50``, ``1,234.50`` and, only in a file separated by semicolons, ``12,50`` and
  ``1.234,50``; into integer minor units through `hubtui.domain.money.parse_money`.
- Dates: ISO 8601 (``2026-11-28``, ``2026-11-28T14:05:00``, with ``Z``, ``+05:30`` or the
  ``-0400`` a Shopify export writes) or ``28/11/2026 14:05`` (``28/11/2026``); an aware UTC
  datetime, a value without an offset read in the time zone given.
- Quantities: whole numbers.
- Header names: ``' Order_Number '`` -> ``'order_number'``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from difflib import get_close_matches

from hubtui.domain.errors import DomainError, MoneyError
from hubtui.domain.money import parse_money

__all__ = [
    "EARLIEST_YEAR", "LATEST_YEAR", "MAX_AMOUNT", "MAX_QUANTITY_DIGITS", "CsvMoneyError", "CsvValueError",
    "HeaderCheck", "check_header_names", "normalise_header", "parse_csv_datetime", "parse_csv_money",
    "parse_csv_quantity",
]


class CsvValueError(DomainError, ValueError):
    """A value in a CSV file that cannot be read; the message says why, quoting the value."""


class CsvMoneyError(CsvValueError, MoneyError):
    """An amount in a CSV file that cannot be read (also a MoneyError)."""


def _shown(text: str, width: int = 40) -> str:
    """The value as a message quotes it: repr, cut short when long."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


# ---------------------------------------------------------------------------------------- money

# Sums of a million of these still fit a signed 64-bit column (9.2e18), with room to spare.
MAX_AMOUNT = 10**15 - 1  # minor units: 9,999,999,999,999.99
_MAX_AMOUNT_TEXT = 40  # characters; longer is not an amount anyone typed

_AMOUNT_SHAPE = re.compile(
    r"(?P<sign1>-)?(?:(?P<symbol>[£€$])\s*)?(?P<sign2>-)?(?P<number>[0-9.,]*[0-9][0-9.,]*)"
)
_GROUPED = {",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII), ".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+",
                                                                                     re.ASCII)}
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}", re.ASCII)
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,13})(?:\.([0-9]{1,2}))?", re.ASCII)  # 12.50: what nearly every row holds
_HINT = "write it like 12.50 or 1,234.50"
_HINT_SEMICOLON = "write it like 12.50, 12,50 or 1.234,50"


def parse_csv_money(text: str, *, delimiter: str = ",", allow_negative: bool = False) -> int:
    """An amount as a CSV file writes it, in minor units (``'1,234.50'`` -> ``123450``).

    The decimal point is ``.``, with ``,`` grouping thousands. In a file separated by semicolons
    (``delimiter=';'``, where spreadsheets set to a European locale write ``12,50``) a comma is
    the decimal point when it is the last separator, with ``.`` grouping thousands
    (``1.234,50``); ``12.50`` and ``1,234.50`` are read there too. A currency symbol in front
    (``£12.50``) is read as `parse_money` reads it. At most two decimal places; negative amounts
    only with ``allow_negative``.
    """
    if not isinstance(text, str):
        raise CsvMoneyError(f"{text!r} is not an amount; {_HINT}")
    cleaned = text.strip()
    plain = _PLAIN_AMOUNT.fullmatch(cleaned)
    if plain is not None:  # the same value the general reading below gives, without its work
        units, cents = plain.groups()
        return int(units) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
    hint = _HINT_SEMICOLON if delimiter == ";" else _HINT
    if not cleaned:
        raise CsvMoneyError(f"no amount given; {hint}")
    if len(cleaned) > _MAX_AMOUNT_TEXT:
        raise CsvMoneyError(f"{_shown(cleaned)} is too long to be an amount")
    shape = _AMOUNT_SHAPE.fullmatch(cleaned)
    if shape is None or (shape["sign1"] and shape["sign2"]):
        raise CsvMoneyError(f"{_shown(cleaned)} is not an amount; {hint}")
    number = shape["number"]
    point = ","
    if delimiter != ";" or "," not in number or number.rfind(".") > number.rfind(","):
        point = "."
    group = "," if point == "." else "."
    units, has_point, cents = number.rpartition(point) if point in number else (number, "", "")
    if has_point:
        if point in units:
            raise CsvMoneyError(f"{_shown(cleaned)} has more than one decimal point; {hint}")
        if not cents:
            raise CsvMoneyError(f"{_shown(cleaned)} has no digits after its decimal point; {hint}")
        if not cents.isdigit():  # 1.234,50 in a file separated by commas
            raise CsvMoneyError(f"{_shown(cleaned)} is not an amount; {hint}")
        if len(cents) > 2:
            where = " (in a file separated by semicolons a comma is the decimal point)" if point == "," else ""
            raise CsvMoneyError(f"{_shown(cleaned)} has more than two decimal places{where}")
    if group in units and not _GROUPED[group].fullmatch(units):
        if delimiter != ";" and not has_point and _DECIMAL_COMMA.fullmatch(units):
            raise CsvMoneyError(f"{_shown(cleaned)} has a decimal comma, read only in a file separated by "
                                "semicolons; write it like 12.50")
        raise CsvMoneyError(f"{_shown(cleaned)} has its thousands separators in the wrong places; {hint}")
    canonical = "".join((shape["sign1"] or "", shape["symbol"] or "", shape["sign2"] or "",
                         units.replace(group, ""), "." if has_point else "", cents))
    try:
        minor = parse_money(canonical, allow_negative=True)
    except MoneyError:  # a shape the checks above let through and money does not read
        raise CsvMoneyError(f"{_shown(cleaned)} is not an amount; {hint}") from None
    if minor < 0 and not allow_negative:
        raise CsvMoneyError(f"{_shown(cleaned)} is negative; the amount must be 0 or more")
    if abs(minor) > MAX_AMOUNT:
        raise CsvMoneyError(f"{_shown(cleaned)} is too large an amount")
    return minor


# ---------------------------------------------------------------------------------------- dates

EARLIEST_YEAR = 1900  # an order date outside these years is a typing slip, and outside 1..9999
LATEST_YEAR = 2199  # a UTC conversion would overflow
_DATE_HINT = "use 2026-11-28, 2026-11-28T14:05:00 or 28/11/2026 14:05"

_ISO_DATE = re.compile(
    r"""
    (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
    (?:
        [T\ ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
        (?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?
        \s*(?P<offset>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?
    )?
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
_DMY_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})"
    r"(?:\s+(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?",
    re.ASCII,
)


def _offset(text: str, shown: str) -> timezone:
    if text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 23 or minutes > 59:
        raise CsvValueError(f"{shown} has an impossible UTC offset ({text})")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_csv_datetime(text: str, tz: tzinfo = timezone.utc) -> datetime:
    """A moment as an aware UTC datetime.

    ISO 8601 with a dash-separated date (``2026-11-28``, ``2026-11-28T14:05``,
    ``2026-11-28 14:05:00.5+05:30``, ``2026-11-28T14:05:00Z``, ``2025-05-11 09:55:16 -0400``)
    or day/month/year (``28/11/2026``, ``28/11/2026 14:05``, ``28/11/2026 14:05:30``). A value
    without an offset is wall-clock time in ``tz``; a date alone is midnight at its start there.
    Years run from EARLIEST_YEAR to LATEST_YEAR.
    """
    if not isinstance(text, str):
        raise CsvValueError(f"{text!r} is not a date; {_DATE_HINT}")
    cleaned = text.strip()
    if not cleaned:
        raise CsvValueError(f"no date given; {_DATE_HINT}")
    shown = _shown(cleaned)
    found = _ISO_DATE.fullmatch(cleaned)
    day_first = found is None
    if day_first:
        found = _DMY_DATE.fullmatch(cleaned)
    if found is None:
        raise CsvValueError(f"{shown} is not a date; {_DATE_HINT}")
    year, month, day = int(found["year"]), int(found["month"]), int(found["day"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise CsvValueError(f"{shown} is out of range; dates run from {EARLIEST_YEAR} to {LATEST_YEAR}")
    if not 1 <= month <= 12:
        order = " (dates are day/month/year)" if day_first else ""
        raise CsvValueError(f"{shown} is not a real date: there is no month {month}{order}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise CsvValueError(f"{shown} is not a real date: {calendar.month_name[month]} {year} has {days} days")
    hour, minute, second = (int(found[part] or 0) for part in ("hour", "minute", "second"))
    if hour > 23 or minute > 59 or second > 59:
        raise CsvValueError(f"{shown} is not a real time of day")
    fraction = found.groupdict().get("fraction") or ""
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    offset_text = found.groupdict().get("offset")
    zone = _offset(offset_text, shown) if offset_text else tz
    moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    return moment.astimezone(timezone.utc)


# ------------------------------------------------------------------------------------ quantities

MAX_QUANTITY_DIGITS = 9  # a count with more digits than this is not a count of goods
_WHOLE = re.compile(r"(?P<sign>[-+])?(?P<digits>[0-9]+)(?:\.0+)?", re.ASCII)


def parse_csv_quantity(text: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number (``'3'``, ``'+3'``, ``'3.0'`` as spreadsheets sometimes write it) from
    ``minimum`` to ``maximum``."""
    if not isinstance(text, str):
        raise CsvValueError(f"{text!r} is not a whole number")
    cleaned = text.strip()
    if not cleaned:
        raise CsvValueError("no quantity given")
    found = _WHOLE.fullmatch(cleaned)
    if found is None:
        raise CsvValueError(f"{_shown(cleaned)} is not a whole number")
    if len(found["digits"].lstrip("0")) > MAX_QUANTITY_DIGITS:
        raise CsvValueError(f"{_shown(cleaned)} is too large a quantity")
    value = int(found["digits"]) * (-1 if found["sign"] == "-" else 1)
    if value < minimum:
        raise CsvValueError(f"{_shown(cleaned)} is less than {minimum:,}; the quantity must be at least {minimum:,}")
    if maximum is not None and value > maximum:
        raise CsvValueError(f"{_shown(cleaned)} is more than {maximum:,}, the most allowed")
    return value


# -------------------------------------------------------------------------------------- headers

# A byte-order mark where the text begins (a file saved twice, or joined from two), the same
# mark read as Windows-1252, and the invisible characters that make two equal names differ.
_MOJIBAKE_BOM = "\u00ef\u00bb\u00bf"
_INVISIBLE = re.compile("[\ufeff\ufffe\u200b\u200c\u200d\u2060\u00ad]")


def normalise_header(name: str) -> str:
    """A header name as the importer knows it: lower case, no surrounding spaces, each run of
    spaces inside one underscore, byte-order-mark remnants and invisible characters gone
    (``' Order_Number '`` -> ``'order_number'``, ``'Lineitem quantity'`` ->
    ``'lineitem_quantity'``, ``'\\ufeffName'`` -> ``'name'``)."""
    text = unicodedata.normalize("NFKC", name).replace(_MOJIBAKE_BOM, "")
    return "_".join(_INVISIBLE.sub("", text).lower().split())


@dataclass(frozen=True)
class HeaderCheck:
    """What is wrong with a header: the columns it lacks, the ones not expected, the ones named
    twice (each in the order found). `message` names every one of them on one line."""

    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    duplicated: tuple[str, ...] = ()
    suggestions: tuple[tuple[str, str], ...] = ()  # (unknown, the missing column it is close to)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown or self.duplicated)

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        parts = []
        if self.missing:
            parts.append(f"missing column{'s' if len(self.missing) > 1 else ''} {', '.join(self.missing)}")
        if self.unknown:
            close = dict(self.suggestions)
            names = [f"{name} (did you mean {close[name]}?)" if name in close else name for name in self.unknown]
            parts.append(f"unknown column{'s' if len(names) > 1 else ''} {', '.join(names)}")
        if self.duplicated:
            parts.append(f"column{'s' if len(self.duplicated) > 1 else ''} named twice: {', '.join(self.duplicated)}")
        return "The header has " + "; ".join(parts)


def check_header_names(header: Sequence[str], required: Iterable[str], optional: Iterable[str] = (), *,
                       allow_unknown: bool = False) -> HeaderCheck:
    """Compare a header (names as `normalise_header` gives them) with the columns a kind of
    file must have and may have; the expected names are normalised too."""
    wanted = [normalise_header(name) for name in required]
    allowed = set(wanted) | {normalise_header(name) for name in optional}
    present = set(header)
    missing = tuple(name for name in dict.fromkeys(wanted) if name not in present)
    unknown = () if allow_unknown else tuple(dict.fromkeys(name for name in header if name not in allowed))
    counts = Counter(header)
    duplicated = tuple(name for name in dict.fromkeys(header) if counts[name] > 1)
    suggestions = []
    for name in unknown:
        close = get_close_matches(name, missing, n=1, cutoff=0.75)
        if close:
            suggestions.append((name, close[0]))
    return HeaderCheck(missing, unknown, duplicated, tuple(suggestions))
