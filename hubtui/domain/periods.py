"""Date periods for searches and exports, and reading dates people type."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum

from hubtui.domain.errors import DomainError


class Period(StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last-7-days"
    LAST_30_DAYS = "last-30-days"
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    THIS_YEAR = "this-year"
    CUSTOM = "custom"


_DAY = timedelta(days=1)


def _first_of_next_month(day: date) -> date:
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def period_range(
    period: Period,
    today: date,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[date, date]:
    """The period as (first day, day after the last day).

    The end is exclusive so that callers can compare timestamps with
    ``start <= t < end`` without fiddling with 23:59:59. This month and this
    year are whole calendar periods; for custom, ``date_to`` is inclusive.
    """
    try:
        period = Period(period)
    except ValueError:
        raise DomainError(
            f"{period!r} is not a period; use one of {', '.join(Period)}"
        ) from None
    if period is not Period.CUSTOM:
        if date_from is not None or date_to is not None:
            raise DomainError(f"Give either the period {period} or from/to dates, not both")
    match period:
        case Period.TODAY:
            return today, today + _DAY
        case Period.YESTERDAY:
            return today - _DAY, today
        case Period.LAST_7_DAYS:
            return today - 6 * _DAY, today + _DAY
        case Period.LAST_30_DAYS:
            return today - 29 * _DAY, today + _DAY
        case Period.THIS_MONTH:
            return today.replace(day=1), _first_of_next_month(today)
        case Period.LAST_MONTH:
            end = today.replace(day=1)
            return (end - _DAY).replace(day=1), end
        case Period.THIS_YEAR:
            return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    if date_from is None or date_to is None:
        raise DomainError("A custom period needs both a from date and a to date")
    if date_from > date_to:
        raise DomainError(f"The from date {date_from} is after the to date {date_to}")
    return date_from, date_to + _DAY


_FORMATS_HINT = "use 2026-11-28, 2026-11-28T14:05:00 or 28/11/2026 14:05"
# fromisoformat() also takes compact and week forms such as 20261128; requiring
# the dashed form keeps an 8-digit typo from being read as a date.
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_ISO_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].+", re.ASCII)
_DMY_DATE_FORMATS = ("%d/%m/%Y",)
_DMY_DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")


def _strptime_any(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(text: str) -> date:
    """A calendar date written as ``2026-11-28`` or ``28/11/2026``."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if _ISO_DATE_RE.fullmatch(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            pass
    elif (parsed := _strptime_any(cleaned, _DMY_DATE_FORMATS)) is not None:
        return parsed.date()
    raise DomainError(f"{text!r} is not a date; use 2026-11-28 or 28/11/2026")


def parse_datetime(text: str, tz: tzinfo) -> datetime:
    """A moment as an aware UTC datetime; values without an offset are read in ``tz``.

    A date alone means midnight at the start of that day in ``tz``.
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    parsed: datetime | None = None
    if _ISO_DATE_RE.fullmatch(cleaned) or _ISO_DATETIME_RE.fullmatch(cleaned):
        try:
            parsed = datetime.fromisoformat(cleaned)
        except ValueError:
            parsed = None
    else:
        parsed = _strptime_any(cleaned, _DMY_DATETIME_FORMATS)
    if parsed is None:
        raise DomainError(f"{text!r} is not a date and time; {_FORMATS_HINT}")
    if parsed.tzinfo is None:
        # replace() is right for zoneinfo zones: they resolve the UTC offset
        # from the wall-clock time (pytz zones would need localize()).
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(timezone.utc)
