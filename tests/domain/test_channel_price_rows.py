"""domain.import_rows.read_channel_price: one row of a channel-prices file read into a record,
or every problem with it (row, column, value, reason), table-driven; and no row, however made,
gets a record with a price of 0 or less or a channel outside the price-match channels."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubtui.domain.import_rows import ChannelPriceRecord, read_channel_price
from hubtui.domain.price_match import MAX_PRICE, PRICE_MATCH_CHANNELS

GOOD = {"stock_code": "BT-DRI-1000", "channel": "amazon", "price": "57.99"}


def test_a_good_row_and_its_optional_moment() -> None:
    assert read_channel_price(4, GOOD) == (ChannelPriceRecord(4, "BT-DRI-1000", "amazon", 5799, None), [])
    record, problems = read_channel_price(5, {**GOOD, "channel": " Flipkart ", "price": "1,234.50",
                                              "observed_at": "28/11/2026 14:05"})
    assert problems == [] and record == ChannelPriceRecord(5, "BT-DRI-1000", "flipkart", 123450,
                                                           datetime(2026, 11, 28, 14, 5, tzinfo=timezone.utc))
    ist = timezone(timedelta(hours=5, minutes=30))
    record, _ = read_channel_price(6, {**GOOD, "observed_at": "2026-11-28"}, tz=ist)
    assert record.observed_at == datetime(2026, 11, 27, 18, 30, tzinfo=timezone.utc), "a day starts in the org's zone"
    record, _ = read_channel_price(7, {**GOOD, "price": "57,99"}, delimiter=";")
    assert record.price == 5799, "a decimal comma in a file separated by semicolons"
    assert read_channel_price(8, {**GOOD, "channel": "website"})[0].channel == "website", "history of the own site"


@pytest.mark.parametrize(("change", "column", "reason"), [
    ({"channel": "etsy"}, "channel", "is not a price-match channel (website, app, amazon, ebay, flipkart, myntra)"),
    ({"channel": ""}, "channel", "is empty; it is needed"),
    ({"stock_code": ""}, "stock_code", "is empty; it is needed"),
    ({"stock_code": "X" * 41}, "stock_code", "is longer than 40 characters"),
    ({"price": "-3.00"}, "price", "is negative; a channel's price is more than 0"),
    ({"price": "0"}, "price", "is 0; a channel's price is more than 0"),
    ({"price": "0.00"}, "price", "is 0; a channel's price is more than 0"),
    ({"price": "abc"}, "price", "'abc' is not an amount; write it like 12.50 or 1,234.50"),
    ({"price": "1000000.01"}, "price", "is more than a price can be (1,000,000.00)"),
    ({"price": "12.345"}, "price", "'12.345' has more than two decimal places"),
    ({"price": ""}, "price", "is empty; it is needed"),
    ({"observed_at": "yesterday"}, "observed_at",
     "'yesterday' is not a date; use 2026-11-28, 2026-11-28T14:05:00 or 28/11/2026 14:05"),
    ({"observed_at": "31/02/2026"}, "observed_at", "'31/02/2026' is not a real date: February 2026 has 28 days"),
])
def test_a_bad_value_is_one_problem_naming_the_row_and_column(change: dict[str, str], column: str,
                                                               reason: str) -> None:
    record, problems = read_channel_price(9, {**GOOD, **change})
    assert record is None
    assert [(p.row, p.column, p.value, p.reason) for p in problems] == [
        (9, column, change[column].strip().lower() if column == "channel" else change[column], reason)]


def test_every_bad_column_of_a_row_is_reported_not_just_the_first() -> None:
    _, problems = read_channel_price(3, {"stock_code": "", "channel": "shop", "price": "-1", "observed_at": "x"})
    assert [p.column for p in problems] == ["stock_code", "channel", "price", "observed_at"]


@settings(max_examples=300)
@given(st.fixed_dictionaries({"stock_code": st.text(max_size=6), "channel": st.text(max_size=9) | st.sampled_from(
    PRICE_MATCH_CHANNELS), "price": st.text(alphabet="0123456789.,-£ ", max_size=8)}))
def test_a_record_always_has_a_known_channel_and_a_price_above_zero(values: dict[str, str]) -> None:
    record, problems = read_channel_price(2, values)
    assert (record is None) == bool(problems)
    if record is not None:
        assert record.channel in PRICE_MATCH_CHANNELS and 0 < record.price <= MAX_PRICE and record.stock_code
