"""Editing a placed order's lines: the edits, the discounts worked out again, and the money."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubtui.domain.discounts import Promotion
from hubtui.domain.order_edits import (
    AddProduct,
    AppliedDiscount,
    EditLine,
    LineEditError,
    Product,
    RemoveLine,
    SetQuantity,
    apply_edits,
    preview,
)

DRILL = EditLine(1, "BT-DRI-1000", "Drill", 14799, 1, was_quantity=1)
SAW = EditLine(2, "BT-SAW-1001", "Saw", 1210, 2, own_discount=242, was_quantity=2, was_own_discount=242)
PRODUCTS = {"BT-HAM-1002": Product("BT-HAM-1002", "Hammer", 999), "BT-SAW-1001": Product("BT-SAW-1001", "Saw", 1300)}


def test_adding_a_product_already_on_the_order_adds_to_its_line_at_the_order_price() -> None:
    lines = apply_edits((DRILL, SAW), [AddProduct("BT-SAW-1001", 1), AddProduct("BT-HAM-1002", 3)], PRODUCTS)
    assert [(l.line_no, l.stock_code, l.quantity, l.unit_price) for l in lines] == [
        (1, "BT-DRI-1000", 1, 14799), (2, "BT-SAW-1001", 3, 1210), (3, "BT-HAM-1002", 3, 999)]
    assert lines[1].own_discount == 363  # the saw's own 10 % markdown kept per unit


def test_a_removed_line_stays_listed_with_nothing_and_can_be_put_back() -> None:
    removed = apply_edits((DRILL, SAW), [RemoveLine(2)], PRODUCTS)
    assert [(l.line_no, l.quantity) for l in removed] == [(1, 1), (2, 0)]
    back = apply_edits((DRILL, SAW), [RemoveLine(2), SetQuantity(2, 2)], PRODUCTS)
    assert back[1].quantity == 2 and back[1].own_discount == 242


@pytest.mark.parametrize(("edits", "says"), [
    ([SetQuantity(1, 0)], "Line 1 (BT-DRI-1000): Quantity must be at least 1."),
    ([SetQuantity(1, -2)], "at least 1"),
    ([SetQuantity(1, 10_000)], "at most 9,999"),
    ([AddProduct("BT-HAM-1002", 0)], "BT-HAM-1002: Quantity must be at least 1."),
    ([AddProduct("NOPE", 1)], "No product on sale has the stock code 'NOPE'."),
    ([SetQuantity(7, 1)], "The order has no line 7."),
    ([RemoveLine(1), RemoveLine(2)], "An order keeps at least one line"),
    ([SetQuantity(1, 1.5)], "'1.5' is not a whole number."),  # type: ignore[arg-type]
])
def test_an_edit_that_cannot_be_made_says_why(edits, says) -> None:
    with pytest.raises(LineEditError, match=says.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        apply_edits((DRILL, SAW), edits, PRODUCTS)


def test_the_preview_reprices_a_percentage_and_says_what_is_owed_back() -> None:
    ten = AppliedDiscount(5, "TEN", amount=1696, percent_bp=1000, promotion=Promotion("TEN", percent_bp=1000))
    lines = apply_edits((DRILL, SAW), [RemoveLine(1)], PRODUCTS)
    p = preview(lines, [ten], shipping=499, paid=15756 + 499, refunded=0)
    assert p.before.total == 14799 + 2178 - 1696 + 499
    assert p.discounts[0].amount == 218  # 10 % of the saws' 21.78
    assert p.after.total == 2178 - 218 + 499
    assert p.after.credit_owed == 15756 + 499 - p.after.total and p.after.balance_due == 0
    assert p.shares == (218,)


def test_a_promotion_whose_minimum_no_longer_holds_is_dropped_with_the_reason() -> None:
    big = AppliedDiscount(5, "BIG", amount=500, promotion=Promotion("BIG", amount=500, minimum=10000))
    p = preview(apply_edits((DRILL, SAW), [RemoveLine(1)], PRODUCTS), [big], shipping=0, paid=0, refunded=0)
    assert p.discounts[0].amount == 0
    assert p.discounts[0].dropped == "BIG needs £100.00 of products, the order has £21.78."
    assert p.after.balance_due == 2178


EDITS = st.one_of(
    st.builds(AddProduct, st.sampled_from(sorted(PRODUCTS)), st.integers(1, 20)),
    st.builds(SetQuantity, st.integers(1, 4), st.integers(1, 20)),
    st.builds(RemoveLine, st.integers(1, 4)),
)
DISCOUNTS = st.lists(st.one_of(
    st.builds(lambda amount: AppliedDiscount(None, "ad hoc", amount), st.integers(1, 50_000)),
    st.builds(lambda bp: AppliedDiscount(None, "ad hoc %", 0, percent_bp=bp), st.integers(1, 10_000)),
    st.builds(lambda bp, minimum, codes: AppliedDiscount(None, "PROMO", 0, percent_bp=bp, promotion=Promotion(
        "PROMO", percent_bp=bp, minimum=minimum, eligible=codes)),
        st.integers(1, 10_000), st.integers(0, 30_000),
        st.one_of(st.none(), st.frozensets(st.sampled_from(["BT-DRI-1000", "BT-SAW-1001", "BT-HAM-1002"]),
                                           min_size=1))),
), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(EDITS, max_size=8), DISCOUNTS, st.integers(0, 2000), st.integers(0, 40_000))
def test_after_any_edits_the_shares_add_up_and_no_total_is_negative(edits, discounts, shipping, paid) -> None:
    lines = (DRILL, SAW)
    for edit in edits:  # one at a time, as an operator makes them; a refused one changes nothing
        try:
            lines = apply_edits(lines, [edit], PRODUCTS)
        except LineEditError:
            pass
    p = preview(lines, discounts, shipping=shipping, paid=paid, refunded=0)
    assert sum(p.shares) == p.after.discount == sum(r.amount for r in p.discounts)
    assert all(0 <= share <= line.value for share, line in zip(p.shares, p.kept))
    assert p.after.lines_total == sum(l.unit_price * l.quantity - l.own_discount for l in p.kept)
    assert p.after.total == p.after.lines_total - p.after.discount + shipping >= shipping
    assert p.after.balance_due - p.after.credit_owed == p.after.total - paid
