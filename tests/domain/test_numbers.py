import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.errors import NumberFormatError
from hubtui.domain.numbers import (
    format_order_number,
    format_rma_number,
    order_sequence,
    parse_order_number,
    parse_rma_number,
    rma_sequence,
)


def test_format_numbers():
    assert format_order_number(1234) == "BT0001234"
    assert format_order_number(9_999_999) == "BT9999999"
    assert format_rma_number(1) == "RMA0000001"


@pytest.mark.parametrize("seq", [0, -1, 10_000_000, True, "12", 1.0])
def test_format_refuses_out_of_range(seq):
    with pytest.raises(NumberFormatError):
        format_order_number(seq)
    with pytest.raises(NumberFormatError):
        format_rma_number(seq)


@pytest.mark.parametrize(
    "text", ["BT0001234", "bt0001234", " BT1234 ", "1234", "0001234", "Bt 1234"]
)
def test_parse_order_number_canonicalises(text):
    assert parse_order_number(text) == "BT0001234"
    assert order_sequence(text) == 1234


@pytest.mark.parametrize("text", ["RMA0000042", "rma42", " 42 ", "0000042"])
def test_parse_rma_number_canonicalises(text):
    assert parse_rma_number(text) == "RMA0000042"
    assert rma_sequence(text) == 42


@pytest.mark.parametrize(
    "text",
    ["", "BT", "BT0000000", "0", "BT12345678", "RMA0001234", "BT-1234", "BT12a4", "B T1234", "١٢٣"],
)
def test_parse_order_number_refuses_naming_the_text(text):
    with pytest.raises(NumberFormatError, match=re.escape(repr(text))):
        parse_order_number(text)


@pytest.mark.parametrize("text", ["", "RMA", "BT0001234", "RMA00000001", "RMA0000000"])
def test_parse_rma_number_refuses(text):
    with pytest.raises(NumberFormatError):
        parse_rma_number(text)


@given(st.integers(min_value=1, max_value=9_999_999))
def test_numbers_round_trip(seq):
    number = format_order_number(seq)
    assert len(number) == 9
    assert parse_order_number(number.lower()) == number
    assert order_sequence(number) == seq
    rma = format_rma_number(seq)
    assert parse_rma_number(rma) == rma
    assert rma_sequence(rma) == seq
