"""Reading the values of a CSV import: money, dates, quantities, header names (issue 13)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.csv_values import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_AMOUNT,
    CsvMoneyError,
    CsvValueError,
    check_header_names,
    normalise_header,
    parse_csv_datetime,
    parse_csv_money,
    parse_csv_quantity,
)
from hubtui.domain.errors import MoneyError
from hubtui.domain.money import format_money

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")

# ------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(("text", "delimiter", "expected"), [
    ("12.50", ",", 1250),
    ("12.5", ",", 1250),
    ("12", ",", 1200),
    (" 0.99 ", ",", 99),
    ("0", ",", 0),
    (".5", ",", 50),
    ("1,234.50", ",", 123450),
    ("1,234,567.89", ",", 123456789),
    ("£12.50", ",", 1250),
    ("-0.00", ",", 0),
    # a file separated by semicolons: the comma is a decimal point, the dot groups thousands
    ("12,50", ";", 1250),
    ("12,5", ";", 1250),
    (",5", ";", 50),
    ("1.234,50", ";", 123450),
    ("1.234.567,89", ";", 123456789),
    ("12.50", ";", 1250),  # the dot is still read there
    ("1,234.50", ";", 123450),
    ("1234", ";", 123400),
])
def test_amounts_are_read_into_minor_units(text, delimiter, expected):
    assert parse_csv_money(text, delimiter=delimiter) == expected


@pytest.mark.parametrize(("text", "delimiter", "expected"), [
    ("-3.10", ",", -310), ("-£3.10", ",", -310), ("£-3.10", ",", -310), ("-3,10", ";", -310),
])
def test_negative_amounts_only_where_asked(text, delimiter, expected):
    assert parse_csv_money(text, delimiter=delimiter, allow_negative=True) == expected
    with pytest.raises(CsvMoneyError, match=r"is negative; the amount must be 0 or more"):
        parse_csv_money(text, delimiter=delimiter)


@pytest.mark.parametrize(("text", "delimiter", "reason"), [
    ("12.345", ",", "'12.345' has more than two decimal places"),
    ("0.001", ",", "'0.001' has more than two decimal places"),
    ("1,234", ";", "'1,234' has more than two decimal places (in a file separated by semicolons a comma is the "
                   "decimal point)"),
    ("12,50", ",", "'12,50' has a decimal comma, read only in a file separated by semicolons; write it like 12.50"),
    ("12,5", ",", "'12,5' has a decimal comma"),
    ("1,23.50", ",", "'1,23.50' has its thousands separators in the wrong places"),
    ("1234,567", ",", "'1234,567' has its thousands separators in the wrong places"),
    ("1.23,50", ";", "'1.23,50' has its thousands separators in the wrong places"),
    ("1.234,50", ",", "'1.234,50' is not an amount; write it like 12.50 or 1,234.50"),
    ("1.2.3", ",", "'1.2.3' has more than one decimal point"),
    ("12.", ",", "'12.' has no digits after its decimal point"),
    ("", ",", "no amount given; write it like 12.50 or 1,234.50"),
    ("   ", ";", "no amount given; write it like 12.50, 12,50 or 1.234,50"),
    ("abc", ",", "'abc' is not an amount"),
    ("12.50 GBP", ",", "'12.50 GBP' is not an amount"),
    ("1e3", ",", "'1e3' is not an amount"),
    ("nan", ",", "'nan' is not an amount"),
    ("--1", ",", "'--1' is not an amount"),
    ("-£-1", ",", "'-£-1' is not an amount"),
    ("+1", ",", "'+1' is not an amount"),
    ("1 000", ",", "'1 000' is not an amount"),
    ("١٢", ",", "'١٢' is not an amount"),
    ("£", ",", "'£' is not an amount"),
    ("9" * 17, ",", "is too large an amount"),
    ("9" * 41, ",", "is too long to be an amount"),
])
def test_amounts_that_cannot_be_read_say_why(text, delimiter, reason):
    with pytest.raises(CsvMoneyError) as caught:
        parse_csv_money(text, delimiter=delimiter)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_money_errors_are_value_errors_and_money_errors():
    with pytest.raises(ValueError):
        parse_csv_money("x")
    with pytest.raises(MoneyError):
        parse_csv_money("x")
    with pytest.raises(CsvValueError):
        parse_csv_money("x")


def test_the_largest_amount_is_read_and_one_more_is_refused():
    assert parse_csv_money(format_money(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(CsvMoneyError, match="too large"):
        parse_csv_money(format_money(MAX_AMOUNT + 1))


amounts = st.integers(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT)


@given(amounts, st.booleans())
def test_money_round_trips_as_an_export_writes_it(minor, grouping):
    assert parse_csv_money(format_money(minor, grouping=grouping), allow_negative=True) == minor


@given(amounts, st.booleans())
def test_money_round_trips_in_the_semicolon_form(minor, grouping):
    english = format_money(minor, grouping=grouping)
    european = english.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1,234.50 -> 1.234,50
    assert parse_csv_money(european, delimiter=";", allow_negative=True) == minor
    assert parse_csv_money(english, delimiter=";", allow_negative=True) == minor


@given(st.integers(min_value=0, max_value=MAX_AMOUNT), st.sampled_from([",", ";"]))
def test_money_with_a_third_decimal_is_always_refused(minor, delimiter):
    text = format_money(minor) + "1"
    with pytest.raises(CsvMoneyError, match="more than two decimal places"):
        parse_csv_money(text, delimiter=delimiter)


# ------------------------------------------------------------------------------------------ dates

@pytest.mark.parametrize(("text", "tz", "expected"), [
    ("2026-11-28", UTC, datetime(2026, 11, 28, tzinfo=UTC)),
    ("2026-11-28T14:05:00", UTC, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("2026-11-28T14:05", UTC, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("2026-11-28 14:05:00", UTC, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("2026-11-28T14:05:00Z", LONDON, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("2026-11-28t14:05:00z", UTC, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("2026-11-28T14:05:00+05:30", UTC, datetime(2026, 11, 28, 8, 35, tzinfo=UTC)),
    ("2026-11-28T14:05:00.250+05:30", UTC, datetime(2026, 11, 28, 8, 35, 0, 250000, tzinfo=UTC)),
    ("2026-11-28T14:05:00-08:00", UTC, datetime(2026, 11, 28, 22, 5, tzinfo=UTC)),
    ("2025-05-11 09:55:16 -0400", UTC, datetime(2025, 5, 11, 13, 55, 16, tzinfo=UTC)),  # a Shopify export
    ("2026-11-28T23:30:00+05", UTC, datetime(2026, 11, 28, 18, 30, tzinfo=UTC)),
    ("28/11/2026 14:05", UTC, datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("28/11/2026 14:05:30", UTC, datetime(2026, 11, 28, 14, 5, 30, tzinfo=UTC)),
    ("28/11/2026", UTC, datetime(2026, 11, 28, tzinfo=UTC)),
    ("1/2/2026 9:05", UTC, datetime(2026, 2, 1, 9, 5, tzinfo=UTC)),
    (" 2026-11-28 ", UTC, datetime(2026, 11, 28, tzinfo=UTC)),
    # without an offset: wall-clock time where the organisation is
    ("2026-07-01T12:00:00", LONDON, datetime(2026, 7, 1, 11, 0, tzinfo=UTC)),  # BST
    ("01/07/2026 12:00", LONDON, datetime(2026, 7, 1, 11, 0, tzinfo=UTC)),
    ("2026-12-01", LONDON, datetime(2026, 12, 1, tzinfo=UTC)),  # GMT
    ("2029-02-28", UTC, datetime(2029, 2, 28, tzinfo=UTC)),
    ("2028-02-29", UTC, datetime(2028, 2, 29, tzinfo=UTC)),
    (f"{EARLIEST_YEAR}-01-01", UTC, datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)),
    (f"{LATEST_YEAR}-12-31T23:59:59-12:00", UTC, datetime(LATEST_YEAR + 1, 1, 1, 11, 59, 59, tzinfo=UTC)),
])
def test_dates_are_read_as_utc(text, tz, expected):
    parsed = parse_csv_datetime(text, tz)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-02-30", "'2026-02-30' is not a real date: February 2026 has 28 days"),
    ("2027-02-29", "'2027-02-29' is not a real date: February 2027 has 28 days"),
    ("2026-04-31T10:00", "April 2026 has 30 days"),
    ("2026-13-01", "'2026-13-01' is not a real date: there is no month 13"),
    ("2026-00-10", "there is no month 0"),
    ("11/28/2026", "'11/28/2026' is not a real date: there is no month 28 (dates are day/month/year)"),
    ("0/11/2026", "November 2026 has 30 days"),
    ("2026-11-28T24:00", "'2026-11-28T24:00' is not a real time of day"),
    ("2026-11-28T12:60", "is not a real time of day"),
    ("28/11/2026 25:00", "is not a real time of day"),
    ("2026-11-28T12:00+24:00", "has an impossible UTC offset (+24:00)"),
    ("2026-11-28T12:00+05:60", "has an impossible UTC offset"),
    ("0001-01-01", "'0001-01-01' is out of range; dates run from 1900 to 2199"),
    ("9999-12-31T23:59:59", "is out of range"),
    ("0000-01-01", "is out of range"),
    (f"{EARLIEST_YEAR - 1}-12-31", "is out of range"),
    (f"{LATEST_YEAR + 1}-01-01", "is out of range"),
    ("", "no date given; use 2026-11-28, 2026-11-28T14:05:00 or 28/11/2026 14:05"),
    ("yesterday", "'yesterday' is not a date; use 2026-11-28"),
    ("20261128", "is not a date"),  # compact ISO: an 8-digit typo is not taken for a date
    ("2026-W48-6", "is not a date"),
    ("28.11.2026", "is not a date"),
    ("28/11/26", "is not a date"),
    ("2026-11-28T14:05:00 UTC", "is not a date"),
    ("2026-11-28Z", "is not a date"),
    ("２０２６-11-28", "is not a date"),
    ("2026-11-28T14:05:00+05:30:00", "is not a date"),
])
def test_dates_that_cannot_be_read_say_why(text, reason):
    with pytest.raises(CsvValueError) as caught:
        parse_csv_datetime(text, LONDON)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(EARLIEST_YEAR, 1, 2), max_value=datetime(LATEST_YEAR, 12, 30),
                       timezones=st.just(UTC))


@given(moments, offsets, st.sampled_from(["T", " "]))
def test_dates_round_trip_through_iso_8601(moment, offset, separator):
    local = moment.astimezone(offset)
    assert parse_csv_datetime(local.isoformat(sep=separator)) == moment
    assert parse_csv_datetime(local.isoformat(sep=separator, timespec="seconds"), LONDON) == moment.replace(
        microsecond=0)


@given(moments, offsets)
def test_dates_round_trip_day_first_in_the_zone_given(moment, offset):
    moment = moment.replace(second=0, microsecond=0)
    wall = moment.astimezone(offset)
    assert parse_csv_datetime(wall.strftime("%d/%m/%Y %H:%M"), offset) == moment
    assert parse_csv_datetime(wall.strftime("%Y-%m-%dT%H:%M:%S"), offset) == moment


@given(moments)
def test_a_date_alone_is_midnight_where_the_organisation_is(moment):
    day = moment.date()
    assert parse_csv_datetime(day.isoformat(), UTC) == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert parse_csv_datetime(day.strftime("%d/%m/%Y"), UTC) == datetime(day.year, day.month, day.day, tzinfo=UTC)


# ------------------------------------------------------------------------------------- quantities

@pytest.mark.parametrize(("text", "expected"), [("1", 1), (" 3 ", 3), ("+3", 3), ("007", 7), ("3.0", 3), ("12.00", 12),
                                                ("999999999", 999_999_999)])
def test_quantities_are_whole_numbers(text, expected):
    assert parse_csv_quantity(text) == expected


@pytest.mark.parametrize(("text", "kwargs", "reason"), [
    ("", {}, "no quantity given"),
    ("2.5", {}, "'2.5' is not a whole number"),
    ("1,000", {}, "'1,000' is not a whole number"),
    ("three", {}, "'three' is not a whole number"),
    ("١٢", {}, "'١٢' is not a whole number"),
    ("1e3", {}, "is not a whole number"),
    ("0", {}, "'0' is less than 1; the quantity must be at least 1"),
    ("-2", {}, "'-2' is less than 1"),
    ("1000000000", {}, "'1000000000' is too large a quantity"),
    ("9" * 5000, {}, "is too large a quantity"),
    ("10", {"maximum": 9}, "'10' is more than 9, the most allowed"),
    ("-1", {"minimum": 0}, "'-1' is less than 0"),
])
def test_quantities_that_cannot_be_read_say_why(text, kwargs, reason):
    with pytest.raises(CsvValueError) as caught:
        parse_csv_quantity(text, **kwargs)
    assert reason in str(caught.value)


def test_a_quantity_may_be_zero_or_negative_where_asked():
    assert parse_csv_quantity("0", minimum=0) == 0
    assert parse_csv_quantity("-4", minimum=-10) == -4


@given(st.integers(min_value=1, max_value=999_999_999))
def test_quantities_round_trip(quantity):
    assert parse_csv_quantity(str(quantity)) == quantity


# ---------------------------------------------------------------------------------------- headers

@pytest.mark.parametrize(("name", "expected"), [
    (" Order_Number ", "order_number"),
    ("ORDER_NUMBER", "order_number"),
    ("order_number", "order_number"),
    ("\ufefforder_number", "order_number"),  # a byte-order mark left in the first name
    ("\u00ef\u00bb\u00bforder_number", "order_number"),  # the same mark read as Windows-1252
    ("order_\u200bnumber", "order_number"),
    ("\u00a0order_number\t", "order_number"),
    ("Order  Number", "order_number"),
    ("Lineitem quantity", "lineitem_quantity"),
    ("Ｏｒｄｅｒ_ｎｕｍｂｅｒ", "order_number"),  # full-width letters
    ("", ""),
    ("   ", ""),
])
def test_header_names_are_normalised(name, expected):
    assert normalise_header(name) == expected


@given(st.text())
def test_normalising_a_header_name_twice_changes_nothing(name):
    once = normalise_header(name)
    assert normalise_header(once) == once
    assert once == once.strip()


def test_a_header_check_names_every_missing_unknown_and_repeated_column():
    found = check_header_names(["order_numbr", "stock_code", "colour", "colour", "size"],
                               ["order_number", "stock_code", "quantity"], ["discount"])
    assert found.missing == ("order_number", "quantity")
    assert found.unknown == ("order_numbr", "colour", "size")
    assert found.duplicated == ("colour",)
    assert found.message == ("The header has missing columns order_number, quantity; unknown columns order_numbr "
                             "(did you mean order_number?), colour, size; column named twice: colour")
    assert not found.ok


def test_a_header_check_passes_a_header_with_optional_columns_in_any_order():
    found = check_header_names(["quantity", "order_number", "payment_taken"], ["Order_Number", "quantity"],
                               ["payment_taken"])
    assert found.ok
    assert found.message == ""
    assert check_header_names(["order_number"], ["order_number"], ["payment_taken"]).ok


def test_a_header_check_may_allow_unknown_columns():
    found = check_header_names(["name", "vendor"], ["name", "email"], allow_unknown=True)
    assert (found.missing, found.unknown) == (("email",), ())
    assert found.message == "The header has missing column email"
