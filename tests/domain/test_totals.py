"""The one sum of an order's money (hubtui.domain.totals), used by the wizard and the services."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.order_draft import DraftLine, totals
from hubtui.domain.totals import LineMoney, line_total, order_totals

lines = st.lists(st.builds(LineMoney, st.integers(0, 10**7), st.integers(1, 999), st.integers(0, 10**5)), max_size=30)


@given(lines, st.integers(0, 10**5), st.integers(0, 10**5))
def test_the_order_total_is_its_lines_less_the_discount_plus_shipping(money: list[LineMoney], shipping: int,
                                                                      discount: int) -> None:
    t = order_totals(money, shipping, discount)
    assert t.lines == len(money) and t.items == sum(m.quantity for m in money)
    assert t.lines_total == sum(m.unit_price * m.quantity - m.discount for m in money)
    assert t.order_total == t.lines_total - discount + shipping
    assert all(isinstance(v, int) for v in (t.lines_total, t.order_total))


def test_the_wizard_adds_up_the_same_way() -> None:
    drafted = (DraftLine("BT-DRI-1000", "Drill", 14799, 3), DraftLine("BT-SAW-1001", "Saw", 2599, 1))
    t = totals(drafted, shipping=499)
    assert (t.lines, t.items, t.lines_total, t.order_total) == (2, 4, 14799 * 3 + 2599, 14799 * 3 + 2599 + 499)
    assert line_total(14799, 3, 100) == 44297
