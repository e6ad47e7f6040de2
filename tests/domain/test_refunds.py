"""Refund caps (SPEC 4): what returned units cost, discounts included, and what is still refundable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.refunds import PaidLine, RefundQuote, RefundRefused, paid_for_units, paid_per_line

LINES = [PaidLine(1, 3, 3000), PaidLine(2, 1, 1210)]


def test_each_line_paid_its_value_less_its_share_of_the_order_discount() -> None:
    assert paid_per_line(LINES, 421) == {1: 3000 - 300, 2: 1210 - 121}  # 10 % of 42.10, spread
    assert paid_per_line(LINES, 0) == {1: 3000, 2: 1210}


def test_units_cost_their_share_of_the_line_and_all_of_them_cost_the_line() -> None:
    assert paid_for_units(1000, 3, returned_before=0, returning=1) == 333
    assert paid_for_units(1000, 3, returned_before=1, returning=1) == 333
    assert paid_for_units(1000, 3, returned_before=2, returning=1) == 334
    assert paid_for_units(1000, 3, returned_before=0, returning=3) == 1000


@pytest.mark.parametrize(("before", "returning"), [(0, 4), (2, 2), (-1, 1), (0, -1)])
def test_more_units_than_the_line_has_cannot_come_back(before: int, returning: int) -> None:
    with pytest.raises(RefundRefused, match="cannot come back"):
        paid_for_units(1000, 3, returned_before=before, returning=returning)


@pytest.mark.parametrize(("amount", "says"), [
    (0, "more than 0.00"),
    (-5, "more than 0.00"),
    (2701, "£27.01 is more than the returned units cost (£27.00, their share of discounts included)."),
    (2001, "£20.01 is more than is still refundable on the order (£20.00)."),
])
def test_a_refund_above_either_cap_is_refused_saying_which(amount: int, says: str) -> None:
    quote = RefundQuote(paid_for_units=2700, still_refundable=2000)
    with pytest.raises(RefundRefused, match=says.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")):
        quote.check(amount)
    assert quote.cap == 2000 and quote.check(2000) == 2000 and quote.check(1) == 1


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 100_000)), min_size=1, max_size=8),
       st.integers(0, 10**6), st.data())
def test_returns_in_any_pieces_refund_exactly_what_was_paid(lines, discount, data) -> None:
    paid_lines = [PaidLine(n, quantity, value) for n, (quantity, value) in enumerate(lines, 1)]
    discount = min(discount, sum(line.value for line in paid_lines))
    paid = paid_per_line(paid_lines, discount)
    assert sum(paid.values()) == sum(line.value for line in paid_lines) - discount
    assert all(0 <= paid[line.line_no] <= line.value for line in paid_lines)
    for line in paid_lines:
        left, refunded, before = line.quantity, 0, 0
        while left:
            piece = data.draw(st.integers(1, left))
            cost = paid_for_units(paid[line.line_no], line.quantity, returned_before=before, returning=piece)
            assert cost >= 0
            refunded, before, left = refunded + cost, before + piece, left - piece
        assert refunded == paid[line.line_no]


@given(st.integers(0, 10**6), st.integers(-10**4, 10**6), st.integers(-10**4, 2 * 10**6))
def test_no_refund_above_either_cap_is_ever_accepted(paid_for, refundable, amount) -> None:
    quote = RefundQuote(paid_for, refundable)
    assert quote.cap == max(0, min(paid_for, refundable))
    if 0 < amount <= paid_for and amount <= refundable:
        assert quote.check(amount) == amount
    else:
        with pytest.raises(RefundRefused):
            quote.check(amount)
