"""The draft of a phone order: quantities, merging a product picked twice, totals, addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.order_draft import (
    MAX_QUANTITY,
    DraftLine,
    QuantityError,
    add_product,
    address_problems,
    parse_quantity,
    remove_line,
    set_quantity,
    totals,
)


@pytest.mark.parametrize(("text", "expected"), [("1", 1), (" 12 ", 12), ("9999", 9999), ("007", 7)])
def test_quantities_as_typed(text: str, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "Type a quantity."), ("0", "at least 1"), ("-2", "at least 1"), ("1.5", "not a whole number"),
    ("two", "not a whole number"), ("10000", "at most 9,999"), ("٣", "not a whole number"),
])
def test_bad_quantities_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QuantityError, match=message):
        parse_quantity(text)


lines_strategy = st.lists(
    st.builds(DraftLine, stock_code=st.sampled_from(["A", "B", "C", "D"]), name=st.just("x"),
              unit_price=st.integers(0, 10**7), quantity=st.integers(1, 50)),
    max_size=12,
)


@given(lines_strategy)
def test_picking_a_product_again_adds_to_its_line(picks: list[DraftLine]) -> None:
    lines: tuple[DraftLine, ...] = ()
    for pick in picks:
        lines, changed = add_product(lines, pick)
        assert lines[changed].stock_code == pick.stock_code
    codes = [line.stock_code for line in lines]
    assert len(codes) == len(set(codes))
    assert codes == list(dict.fromkeys(p.stock_code for p in picks))  # in the order first picked
    for line in lines:
        assert line.quantity == sum(p.quantity for p in picks if p.stock_code == line.stock_code)


@given(lines_strategy, st.integers(0, 10**6))
def test_totals_add_up_exactly(picks: list[DraftLine], shipping: int) -> None:
    lines = tuple(picks)
    t = totals(lines, shipping)
    assert t.lines_total == sum(p.unit_price * p.quantity for p in picks)
    assert t.order_total == t.lines_total + shipping
    assert (t.lines, t.items) == (len(picks), sum(p.quantity for p in picks))
    assert all(isinstance(v, int) for v in (t.lines_total, t.order_total))


def test_change_and_remove_a_line() -> None:
    lines = (DraftLine("A", "a", 100), DraftLine("B", "b", 250, 2))
    changed = set_quantity(lines, 1, 5)
    assert [l.quantity for l in changed] == [1, 5] and totals(changed).lines_total == 100 + 1250
    assert remove_line(changed, 0) == (DraftLine("B", "b", 250, 5),)
    with pytest.raises(QuantityError):
        set_quantity(lines, 0, 0)
    with pytest.raises(QuantityError):
        add_product((DraftLine("A", "a", 1, MAX_QUANTITY),), DraftLine("A", "a", 1))


def test_address_problems() -> None:
    complete = {"name": "A B", "line1": "1 High St", "line2": "", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}
    assert address_problems(complete) == {}
    assert address_problems({**complete, "postcode": "  ", "city": ""}) == {
        "city": "Give a town or city.", "postcode": "Give a post code."}
    assert "two-letter" in address_problems({**complete, "country": "GBR"})["country"]
    assert "two-letter" in address_problems({**complete, "country": "G1"})["country"]


# ---------------------------------------------------------------------- a quantity typed with the search

@pytest.mark.parametrize("typed, term, quantity", [
    ("BT-DRI-1000", "BT-DRI-1000", None),
    ("3*dri-1000", "dri-1000", 3),
    ("dri-1000*3", "dri-1000", 3),
    ("dri-1000 x3", "dri-1000", 3),
    ("dri-1000 X12", "dri-1000", 12),
    ("3 x bosch drill", "bosch drill", 3),
    ("  5 * bosch drill ", "bosch drill", 5),
    ("2x4 timber", "2x4 timber", None),  # an x inside the words is part of them
    ("1001", "1001", None),  # digits alone are a stock code, never a quantity
    ("3*", "3*", None),  # nothing to search for: not a quantity either
    ("0*drill", "drill", 0),  # refused when added, not mistaken for one
])
def test_a_quantity_typed_with_the_search(typed: str, term: str, quantity: int | None) -> None:
    from hubtui.domain.order_draft import split_quantity

    split = split_quantity(typed)
    assert (split.term, split.quantity) == (term, quantity)


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True), st.integers(min_value=1, max_value=9999))
def test_any_code_with_a_quantity_splits_back(code: str, quantity: int) -> None:
    from hubtui.domain.order_draft import split_quantity

    forms = (f"{quantity}*{code}", f"{code}*{quantity}", f"{code} x{quantity}")
    assert [(s.term, s.quantity) for s in map(split_quantity, forms)] == [(code, quantity)] * len(forms), forms


def test_above_the_usual_needs_a_confirmation() -> None:
    from hubtui.domain.order_draft import DEFAULT_CONFIRM_ABOVE, needs_confirmation

    assert DEFAULT_CONFIRM_ABOVE == 99
    assert not needs_confirmation(99) and needs_confirmation(100)
    assert needs_confirmation(6, confirm_above=5) and not needs_confirmation(5, confirm_above=5)
