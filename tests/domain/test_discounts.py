"""Discounts: promotion rules, ad-hoc discounts, and line shares that add up exactly."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.discounts import (
    DiscountRefused,
    Line,
    Promotion,
    adhoc_discount,
    line_discounts,
    promotion_discount,
    promotion_refusal,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
LINES = [Line("BT-DRI-1000", 3000), Line("BT-SAW-1001", 1210)]


@pytest.mark.parametrize(("promotion", "says"), [
    (Promotion("OLD", amount=500, ends_at=datetime(2026, 11, 1, tzinfo=timezone.utc)), "OLD ended on 01 Nov 2026."),
    (Promotion("SOON", amount=500, starts_at=datetime(2026, 12, 1, tzinfo=timezone.utc)),
     "SOON starts on 01 Dec 2026."),
    (Promotion("BIG", amount=500, minimum=5000), "BIG needs £50.00 of products, the order has £42.10."),
    (Promotion("SAWS", percent_bp=1000, minimum=5000, eligible=frozenset({"BT-SAW-1001"})),
     "SAWS needs £50.00 of eligible products, the order has £12.10."),
    (Promotion("HAMMERS", percent_bp=1000, eligible=frozenset({"BT-HAN-1"})),
     "HAMMERS applies to none of the order's products."),
    (Promotion("GONE", amount=500, active=False), "GONE has been withdrawn."),
])
def test_a_promotion_that_does_not_apply_says_why_with_the_figures(promotion, says) -> None:
    assert promotion_refusal(promotion, LINES, NOW) == says
    with pytest.raises(DiscountRefused, match="^" + says.replace(".", r"\.") + "$"):
        promotion_discount(promotion, LINES, NOW)


def test_a_promotion_takes_its_share_of_the_eligible_products_only() -> None:
    assert promotion_discount(Promotion("TEN", percent_bp=1000), LINES, NOW) == 421  # 10 % of 42.10
    assert promotion_discount(Promotion("SAW", percent_bp=1250, eligible=frozenset({"BT-SAW-1001"})), LINES,
                              NOW) == 151  # 12.5 % of 12.10 = 1.5125
    assert promotion_discount(Promotion("FIVER", amount=500), LINES, NOW) == 500
    assert promotion_discount(Promotion("HUGE", amount=99_999), LINES, NOW) == 4210  # never more than the lines
    assert promotion_discount(Promotion("EDGE", amount=100, starts_at=NOW, minimum=4210), LINES, NOW) == 100


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"amount": 0}, "more than 0.00"),
    ({"amount": -100}, "more than 0.00"),
    ({"amount": 4211}, "more than the order's £42.10 left"),
    ({"amount": 200, "already": 4100}, "more than the order's £1.10 left"),
    ({"percent": Decimal("100.01")}, "at most 100"),
    ({"percent": Decimal("0")}, "more than 0"),
    ({}, "an amount or a percentage"),
    ({"amount": 100, "percent": Decimal("5")}, "an amount or a percentage"),
])
def test_an_adhoc_discount_that_cannot_be_given_is_refused(kwargs, says) -> None:
    with pytest.raises(DiscountRefused, match=says):
        adhoc_discount(4210, **kwargs)


def test_an_adhoc_discount_as_an_amount_or_a_percentage() -> None:
    assert adhoc_discount(4210, amount=4210) == 4210
    assert adhoc_discount(4210, percent=Decimal("100")) == 4210
    assert adhoc_discount(4210, percent=Decimal("12.5")) == 526  # 5.2625 rounds half up


# ------------------------------------------------------------------ any sequence of edits

EDITS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.integers(1, 50_000), st.integers(1, 20)),  # unit price, quantity
    st.tuples(st.just("quantity"), st.integers(0, 30), st.integers(1, 20)),  # which line, new quantity
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("promotion"), st.integers(1, 10_000), st.booleans()),  # bp or amount
    st.tuples(st.just("adhoc"), st.integers(1, 20_000)),
), max_size=25)


@given(edits=EDITS, shipping=st.integers(0, 2_000))
def test_after_any_edits_line_discounts_add_up_and_no_total_is_negative(edits, shipping) -> None:
    lines: list[list[int]] = []  # [unit price, quantity]
    discounts: list[int] = []
    applied = 0
    for edit in edits:
        kind = edit[0]
        if kind == "add":
            lines.append([edit[1], edit[2]])
        elif kind == "quantity" and lines:
            lines[edit[1] % len(lines)][1] = edit[2]
        elif kind == "remove" and lines:
            lines.pop(edit[1] % len(lines))
        view = [Line(f"P{i}", price * quantity) for i, (price, quantity) in enumerate(lines)]
        value = sum(line.value for line in view)
        if kind == "promotion" and view:
            rule = Promotion("X", percent_bp=edit[1]) if edit[2] else Promotion("X", amount=edit[1])
            discounts.append(promotion_discount(rule, view, NOW))
        elif kind == "adhoc" and view:
            try:
                discounts.append(adhoc_discount(value, amount=edit[1], already=min(sum(discounts), value)))
            except DiscountRefused:
                assert edit[1] > value - min(sum(discounts), value)
        shares = line_discounts(view, discounts)
        applied = sum(shares)
        assert applied == min(sum(discounts), value)  # exactly the order's discount, never more than the lines
        assert all(0 <= share <= line.value for share, line in zip(shares, view))
        lines_total = sum(line.value - share for line, share in zip(view, shares))
        assert lines_total == value - applied >= 0
        assert lines_total + shipping >= 0
    assert applied >= 0


def test_a_promotion_on_products_that_come_to_nothing_says_so() -> None:
    free = [Line("BT-DRI-1000", 0)]
    assert promotion_refusal(Promotion("TEN", percent_bp=1000), free, NOW) == (
        "TEN: the order's products come to nothing, so there is nothing to discount.")
