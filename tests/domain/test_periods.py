from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.errors import DomainError
from hubtui.domain.periods import Period, parse_date, parse_datetime, period_range

D = date
LONDON = ZoneInfo("Europe/London")


def test_period_values():
    assert [p.value for p in Period] == [
        "today", "yesterday", "last-7-days", "last-30-days", "this-month", "last-month",
        "this-year", "custom",
    ]


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        (Period.TODAY, D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 2))),
        (Period.TODAY, D(2025, 12, 31), (D(2025, 12, 31), D(2026, 1, 1))),
        (Period.YESTERDAY, D(2026, 1, 1), (D(2025, 12, 31), D(2026, 1, 1))),
        (Period.YESTERDAY, D(2024, 3, 1), (D(2024, 2, 29), D(2024, 3, 1))),
        (Period.LAST_7_DAYS, D(2026, 1, 3), (D(2025, 12, 28), D(2026, 1, 4))),
        (Period.LAST_30_DAYS, D(2026, 3, 1), (D(2026, 1, 31), D(2026, 3, 2))),
        (Period.THIS_MONTH, D(2026, 12, 15), (D(2026, 12, 1), D(2027, 1, 1))),
        (Period.THIS_MONTH, D(2026, 2, 1), (D(2026, 2, 1), D(2026, 3, 1))),
        (Period.LAST_MONTH, D(2026, 1, 1), (D(2025, 12, 1), D(2026, 1, 1))),
        (Period.LAST_MONTH, D(2026, 3, 31), (D(2026, 2, 1), D(2026, 3, 1))),
        (Period.LAST_MONTH, D(2026, 12, 31), (D(2026, 11, 1), D(2026, 12, 1))),
        (Period.THIS_YEAR, D(2026, 1, 1), (D(2026, 1, 1), D(2027, 1, 1))),
        (Period.THIS_YEAR, D(2026, 12, 31), (D(2026, 1, 1), D(2027, 1, 1))),
        ("last-7-days", D(2026, 3, 1), (D(2026, 2, 23), D(2026, 3, 2))),
    ],
)
def test_period_range(period, today, expected):
    assert period_range(period, today) == expected


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2999, 12, 30)), st.sampled_from(
    [p for p in Period if p is not Period.CUSTOM]))
def test_every_period_is_non_empty_and_sensible(today, period):
    start, end = period_range(period, today)
    assert start < end
    days = (end - start).days
    if period is Period.LAST_7_DAYS:
        assert days == 7
    if period is Period.LAST_30_DAYS:
        assert days == 30
    if period is Period.LAST_MONTH:
        assert start.day == 1 and end.day == 1 and end == today.replace(day=1)
    if period is not Period.YESTERDAY and period is not Period.LAST_MONTH:
        assert start <= today < end


def test_custom_period_includes_the_to_date():
    assert period_range(Period.CUSTOM, D(2026, 5, 5), date_from=D(2026, 1, 30),
                        date_to=D(2026, 2, 2)) == (D(2026, 1, 30), D(2026, 2, 3))
    assert period_range(Period.CUSTOM, D(2026, 5, 5), date_from=D(2026, 2, 2),
                        date_to=D(2026, 2, 2)) == (D(2026, 2, 2), D(2026, 2, 3))


@pytest.mark.parametrize(
    ("period", "date_from", "date_to", "message"),
    [
        (Period.CUSTOM, None, D(2026, 1, 1), "needs both"),
        (Period.CUSTOM, D(2026, 1, 1), None, "needs both"),
        (Period.CUSTOM, D(2026, 1, 2), D(2026, 1, 1), "after the to date"),
        (Period.TODAY, D(2026, 1, 2), None, "not both"),
        ("fortnight", None, None, "not a period"),
    ],
)
def test_period_range_refuses(period, date_from, date_to, message):
    with pytest.raises(DomainError, match=message):
        period_range(period, D(2026, 1, 1), date_from=date_from, date_to=date_to)


@pytest.mark.parametrize("text", ["2026-11-28", "28/11/2026", " 2026-11-28 "])
def test_parse_date(text):
    assert parse_date(text) == D(2026, 11, 28)


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-13-01", "31/02/2026", "20261128", "11/28/2026", "2026-11-28T14:05"]
)
def test_parse_date_refuses(text):
    with pytest.raises(DomainError, match="is not a date"):
        parse_date(text)


UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # November: London is on GMT, so local time equals UTC
        ("2026-11-28T14:05:00", datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("2026-11-28 14:05", datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("28/11/2026 14:05", datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("28/11/2026 14:05:30", datetime(2026, 11, 28, 14, 5, 30, tzinfo=UTC)),
        ("28/11/2026", datetime(2026, 11, 28, tzinfo=UTC)),
        ("2026-11-28", datetime(2026, 11, 28, tzinfo=UTC)),
        # June: BST, one hour ahead of UTC
        ("2026-06-01T09:00:00", datetime(2026, 6, 1, 8, 0, tzinfo=UTC)),
        ("01/06/2026 00:30", datetime(2026, 5, 31, 23, 30, tzinfo=UTC)),
        # an explicit offset wins over the zone
        ("2026-06-01T09:00:00+02:00", datetime(2026, 6, 1, 7, 0, tzinfo=UTC)),
        ("2026-06-01T09:00:00Z", datetime(2026, 6, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text, expected):
    result = parse_datetime(text, LONDON)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-11-28T25:00", "28/11/2026 14h05", "20261128T1405", "2026-11-28 "
             "lunchtime"]
)
def test_parse_datetime_refuses(text):
    with pytest.raises(DomainError, match="is not a date and time"):
        parse_datetime(text, LONDON)


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 31),
                    timezones=st.just(UTC)))
def test_iso_output_parses_back(moment):
    assert parse_datetime(moment.isoformat(), LONDON) == moment
