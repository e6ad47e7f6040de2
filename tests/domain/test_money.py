from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.errors import MoneyError
from hubtui.domain.money import (
    allocate,
    allocate_discount,
    format_money,
    from_decimal,
    parse_money,
    percent_of,
    to_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("1,234.50", 123450),
        ("1,234,567", 123456700),
        (" 0.99 ", 99),
        ("0", 0),
        (".5", 50),
        ("£12.50", 1250),
        ("€0.01", 1),
        ("$1,000", 100000),
        ("£ 3", 300),
    ],
)
def test_parse_money_reads_amounts(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-3.10", -310), ("-£3.10", -310), ("£-3.10", -310), ("-0.01", -1)],
)
def test_parse_money_reads_negative_amounts_when_allowed(text, expected):
    assert parse_money(text, allow_negative=True) == expected


@pytest.mark.parametrize("text", ["-3.10", "-£0.01"])
def test_parse_money_refuses_negative_by_default(text):
    with pytest.raises(MoneyError, match="negative"):
        parse_money(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "abc", "1.234", "1e3", "nan", "NaN", "inf", "-inf", "--1", "1.2.3",
        "12,34", "1234,567", ",123", "12.", "-", "£", "£$1", "1 000", "+-1", "0x10",
        "١٢", "12.50 GBP",
    ],
)
def test_parse_money_refuses_bad_text_naming_it(text):
    with pytest.raises(MoneyError) as info:
        parse_money(text, allow_negative=True)
    assert repr(text) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("minor", "currency", "grouping", "expected"),
    [
        (1250, None, False, "12.50"),
        (-5, None, False, "-0.05"),
        (0, None, False, "0.00"),
        (123450, None, True, "1,234.50"),
        (123450, None, False, "1234.50"),
        (1250, "GBP", False, "£12.50"),
        (1250, "EUR", False, "€12.50"),
        (1250, "USD", False, "$12.50"),
        (1250, "SEK", False, "12.50 SEK"),
        (-123456789, "gbp", True, "-£1,234,567.89"),
    ],
)
def test_format_money(minor, currency, grouping, expected):
    assert format_money(minor, currency, grouping=grouping) == expected


@given(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([None, "GBP", "EUR", "USD"]),
    st.booleans(),
)
def test_format_then_parse_round_trips(minor, currency, grouping):
    text = format_money(minor, currency, grouping=grouping)
    assert parse_money(text, allow_negative=True) == minor


@given(st.integers())
def test_decimal_round_trip_is_exact_for_any_size(minor):
    d = to_decimal(minor)
    assert d.as_tuple().exponent == -2
    assert from_decimal(d) == minor


def test_to_decimal():
    assert to_decimal(1250) == Decimal("12.50")
    assert str(to_decimal(-5)) == "-0.05"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("1.230", 123), ("1E+2", 10000), ("-0.01", -1)],
)
def test_from_decimal(value, expected):
    assert from_decimal(Decimal(value)) == expected


@pytest.mark.parametrize("value", ["1.234", "0.001", "NaN", "Infinity", "1E+5000"])
def test_from_decimal_refuses_fractions_of_a_unit_and_non_numbers(value):
    with pytest.raises(MoneyError):
        from_decimal(Decimal(value))


def test_allocate_examples():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(5, [0, 0]) == [3, 2]
    assert allocate(10, [0, 3, 0, 1]) == [0, 8, 0, 2]
    assert allocate(0, []) == []
    # remainders 0.5 each: the earliest index wins the single spare unit
    assert allocate(1, [1, 1]) == [1, 0]
    # the largest remainder wins over an earlier index
    assert allocate(2, [1, 2]) == [1, 1]
    assert allocate(1, [1, 2]) == [0, 1]


@pytest.mark.parametrize(("total", "weights"), [(10, [1, -1]), (5, []), (-1, [])])
def test_allocate_refuses_bad_input(total, weights):
    with pytest.raises(MoneyError):
        allocate(total, weights)


weights_st = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20)


@given(st.integers(min_value=-(10**12), max_value=10**12), weights_st)
def test_allocate_parts_sum_exactly_and_are_deterministic(total, weights):
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert allocate(total, list(weights)) == parts


@given(weights_st, st.data())
def test_allocate_within_weights_stays_between_zero_and_weight(weights, data):
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    parts = allocate(total, weights)
    assert sum(parts) == total and len(parts) == len(weights) > 0
    for part, weight in zip(parts, weights, strict=True):
        assert 0 <= part <= weight


@given(weights_st, st.data())
def test_allocate_is_close_to_the_exact_share(weights, data):
    total = data.draw(st.integers(min_value=0, max_value=10**12))
    whole = sum(weights) or len(weights)
    shares = weights if sum(weights) else [1] * len(weights)
    parts = allocate(total, weights)
    assert len(parts) == len(shares) > 0
    for part, share in zip(parts, shares, strict=True):
        assert abs(part * whole - total * share) < whole


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1000, Decimal("12.5"), 125),
        (999, Decimal("10"), 100),  # 99.9
        (5, Decimal("50"), 3),  # 2.5 rounds half up
        (3, Decimal("50"), 2),  # 1.5
        (1, Decimal("49.99"), 0),
        (-5, Decimal("50"), -3),  # symmetric, so a reversal mirrors the charge
        (1234, 20, 247),
        (0, Decimal("33.3333"), 0),
    ],
)
def test_percent_of(amount, percent, expected):
    assert percent_of(amount, percent) == expected


@pytest.mark.parametrize("percent", [Decimal("NaN"), Decimal("Infinity"), 12.5])
def test_percent_of_refuses_non_decimal_percentages(percent):
    with pytest.raises(MoneyError):
        percent_of(100, percent)


def test_allocate_discount_examples():
    assert allocate_discount([1000, 2000, 3000], 600) == [100, 200, 300]
    assert allocate_discount([333, 333, 334], 100) == [33, 33, 34]
    assert allocate_discount([500, 0], 500) == [500, 0]


@pytest.mark.parametrize(
    ("lines", "discount", "message"),
    [
        ([100, 200], 301, "more than"),
        ([100], -1, "negative"),
        ([], 1, "more than"),
        ([-5, 10], 1, "negative"),
    ],
)
def test_allocate_discount_refuses(lines, discount, message):
    with pytest.raises(MoneyError, match=message):
        allocate_discount(lines, discount)


@given(st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=30), st.data())
def test_allocate_discount_never_exceeds_a_line_and_adds_up(lines, data):
    discount = data.draw(st.integers(min_value=0, max_value=sum(lines)))
    parts = allocate_discount(lines, discount)
    assert sum(parts) == discount
    assert all(0 <= part <= line for part, line in zip(parts, lines, strict=True))
