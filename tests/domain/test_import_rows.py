"""domain.import_rows: the quick reading of a plain item row gives exactly what the full reading
gives (Hypothesis over rows made of the characters that matter), and leaves every other row to it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hubtui.domain.import_rows import _plain_item, _read_item_in_full, read_item

_cell = st.text(alphabet="0123456789.,+- 'BTX=\x00a", max_size=12)
_row = st.fixed_dictionaries({"order_number": _cell, "stock_code": _cell, "product_name": _cell, "quantity": _cell,
                              "unit_price": _cell, "discount": _cell})


@settings(max_examples=600)
@given(_row)
def test_a_plain_item_row_reads_as_the_full_reading_reads_it(values: dict[str, str]) -> None:
    quick = _plain_item(7, values)
    full, problems = _read_item_in_full(7, values, ",")
    assert quick is None or (quick, []) == (full, problems)


def test_what_the_quick_reading_takes_and_leaves() -> None:
    plain = {"order_number": "bt12", "stock_code": "BT-DRI-1000", "product_name": "Drill", "quantity": "3",
             "unit_price": "57.99", "discount": ""}
    record, problems = read_item(2, plain)
    assert (record.order_ref, record.quantity, record.unit_price, record.discount, problems) == (
        "BT0000012", 3, 5799, 0, [])
    assert _plain_item(2, plain) == record
    left = [{**plain, "quantity": "3.0"}, {**plain, "unit_price": "£57.99"}, {**plain, "product_name": "'=1+1"},
            {**plain, "quantity": "0"}, {**plain, "order_number": ""}]
    assert [_plain_item(2, values) for values in left] == [None] * len(left)
    assert [read_item(2, values)[0] is None for values in left] == [False, False, False, True, True]
