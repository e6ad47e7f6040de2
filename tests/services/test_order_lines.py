"""change_lines / preview_lines and the discount services against a real SQLite file: the rules
are the service's, not only the screen's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.order_edits import AddProduct, RemoveLine, SetQuantity
from hubtui.domain.orders import EDITABLE_STATUSES, OrderStatus
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_discounts import add_discount, apply_promotion, remove_discount
from hubtui.services.order_lines import change_lines, preview_lines
from hubtui.services.order_payments import PaymentDraft, record_payment

from .support import Catalog, Sql, place


def _at(status: OrderStatus, ctx, catalog: Catalog, sql: Sql) -> str:
    order = place(ctx, catalog)
    assert sql.execute("UPDATE orders SET status = ? WHERE number = ?", (status.value, order.number)) == 1
    return order.number


def _money(sql: Sql, number: str) -> tuple[int, int, int, str]:
    row = sql.order(number)
    return row["lines_total"], row["discount_total"], row["order_total"], row["payment_status"]


@pytest.mark.parametrize("status", list(OrderStatus), ids=str)
def test_lines_change_only_while_the_order_is_editable(status, alice, catalog: Catalog, sql: Sql) -> None:
    number = _at(status, alice, catalog, sql)
    if status not in EDITABLE_STATUSES:
        before = sql.snapshot()
        for call in (lambda: change_lines(alice, number, [SetQuantity(1, 5)]),
                     lambda: preview_lines(alice, number, [SetQuantity(1, 5)]),
                     lambda: add_discount(alice, number, amount=100, reason="goodwill"),
                     lambda: apply_promotion(alice, number, "SAVE10")):
            with pytest.raises(InvalidInput, match=f"{number} is (cancelled|{status.value})"):
                call()
        assert sql.snapshot() == before
        return
    detail = change_lines(alice, number, [SetQuantity(1, 5)])
    assert detail.lines[0].quantity == 5


def test_adding_changing_and_removing_lines_moves_the_money_and_is_audited(alice, catalog: Catalog,
                                                                           sql: Sql) -> None:
    placed = place(alice, catalog)  # line 1: one of product 0, line 2: two of product 1
    (code0, price0), (code1, price1), (code2, price2) = catalog.products[:3]
    preview = preview_lines(alice, placed.number, [AddProduct(code2.lower(), 3), SetQuantity(1, 2), RemoveLine(2)])
    before = sql.snapshot()
    assert preview.preview.after.total == 2 * price0 + 3 * price2 + placed.shipping_total
    assert sql.snapshot() == before  # a preview writes nothing
    detail = change_lines(alice, placed.number, [AddProduct(code2.lower(), 3), SetQuantity(1, 2), RemoveLine(2)],
                          expected_version=placed.version)
    assert [(l.line_no, l.stock_code, l.quantity) for l in detail.lines] == [(1, code0, 2), (3, code2, 3)]
    assert _money(sql, placed.number) == (2 * price0 + 3 * price2, 0, 2 * price0 + 3 * price2 + placed.shipping_total,
                                          "Pending")
    entry = detail.activity[0]
    assert entry.action == "lines" and entry.user_name == "alice"
    assert entry.summary.startswith(f"Lines changed: {code0} 1 → 2; − {code1}; + {code2} ×3; total ")
    assert entry.before["lines"] == [{"line": 1, "stock_code": code0, "quantity": 1, "unit_price": price0},
                                     {"line": 2, "stock_code": code1, "quantity": 2, "unit_price": price1}]
    assert entry.after["order_total"] == detail.order_total


def test_fewer_lines_on_a_paid_order_leave_a_credit_owed_and_more_a_balance_due(alice, catalog: Catalog,
                                                                                 sql: Sql) -> None:
    placed = place(alice, catalog)
    paid = record_payment(alice, placed.number, PaymentDraft(method="CardOverPhone", status="Paid", reference="A1"))
    assert paid.payment_status == "Paid"
    smaller = change_lines(alice, placed.number, [RemoveLine(2)])
    assert smaller.owed_to_customer == 2 * catalog.products[1][1] and smaller.payment_status == "Paid"
    assert "owed back to the customer" in smaller.activity[0].summary
    larger = change_lines(alice, placed.number, [SetQuantity(1, 4)])
    assert larger.balance_due == larger.order_total - paid.order_total and larger.payment_status == "Pending"


@pytest.mark.parametrize(("edits", "says"), [
    ([SetQuantity(1, 0)], "Quantity must be at least 1"),
    ([SetQuantity(1, -1)], "Quantity must be at least 1"),
    ([SetQuantity(1, 10_000)], "at most 9,999"),
    ([AddProduct("NO-SUCH-1", 1)], "No product on sale has the stock code 'NO-SUCH-1'"),
    ([RemoveLine(1), RemoveLine(2)], "keeps at least one line"),
    ([SetQuantity(1, 1)], "already as asked"),
    ([], "No change to make"),
])
def test_bad_edits_are_refused_and_nothing_is_written(edits, says, alice, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput, match=says):
        change_lines(alice, placed.number, edits)
    assert sql.snapshot() == before


def test_an_inactive_product_cannot_be_added(alice, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    with pytest.raises(InvalidInput, match="No product on sale"):
        change_lines(alice, placed.number, [AddProduct(catalog.inactive[0], 1)])


def test_a_stale_edit_is_refused_naming_who_changed_the_order(context_for, alice, catalog: Catalog,
                                                              sql: Sql) -> None:
    placed = place(alice, catalog)
    change_lines(context_for("pete"), placed.number, [SetQuantity(1, 3)])
    before = sql.snapshot()
    with pytest.raises(ConflictError, match="pete"):
        change_lines(alice, placed.number, [SetQuantity(2, 5)], expected_version=placed.version)
    assert sql.snapshot() == before


def test_the_warehouse_may_not_change_lines_or_discounts(context_for, alice, catalog: Catalog) -> None:
    placed = place(alice, catalog)
    with pytest.raises(PermissionDenied):
        change_lines(context_for("wendy"), placed.number, [SetQuantity(1, 2)])
    with pytest.raises(PermissionDenied):
        add_discount(context_for("wendy"), placed.number, amount=100, reason="x")


# ---------------------------------------------------------------------------- discounts


def test_a_promotion_is_applied_then_worked_out_again_when_lines_change(alice, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    lines_total = placed.lines_total
    detail = apply_promotion(alice, placed.number, "save10")
    ten = (lines_total + 5) // 10
    assert (detail.discount_total, detail.order_total) == (ten, lines_total - ten + placed.shipping_total)
    assert detail.discounts[0].code == "SAVE10" and detail.activity[0].action == "discount"
    after = change_lines(alice, placed.number, [SetQuantity(1, 3)])
    assert after.discount_total == (after.lines_total + 5) // 10
    with pytest.raises(InvalidInput, match="SAVE10 is already on"):
        apply_promotion(alice, placed.number, "SAVE10")


def _one_line(ctx, catalog: Catalog, pick) -> str:  # type: ignore[no-untyped-def]
    from hubtui.services.order_writes import NewLine, NewOrder, place_order

    code = next(code for code, price in catalog.products if pick(code, price))
    return place_order(ctx, NewOrder(customer_id=catalog.customers[0], lines=(NewLine(code, 1),))).number


@pytest.mark.parametrize(("code", "lines", "says"), [
    ("NOPE", "drill", "No promotion has the code 'NOPE'."),
    ("WINTER15", "drill", "WINTER15 has been withdrawn."),
    ("SUMMER20", "drill", "SUMMER20 ended on"),
    ("NEWYEAR25", "drill", "NEWYEAR25 starts on"),
    ("DRILLS20", "screws", "DRILLS20 applies to none of the order's products."),
    ("DRILLS20", "drill", r"DRILLS20 needs £100\.00 of eligible products, the order has £"),
    ("SCREWS2", "drill", "SCREWS2 applies to none of the order's products."),
    ("FIVEOFF", "screws", r"FIVEOFF needs £50\.00 of products, the order has £"),
])
def test_a_promotion_that_does_not_apply_says_why(code, lines, says, alice, catalog: Catalog, sql: Sql) -> None:
    kinds = {"drill": lambda c, p: "-DRI-" in c and p < 10000, "screws": lambda c, p: "-SCR-" in c and p < 5000}
    number = _one_line(alice, catalog, kinds[lines])
    before = sql.snapshot()
    with pytest.raises(InvalidInput, match=says):
        apply_promotion(alice, number, code)
    assert sql.snapshot() == before


def test_an_adhoc_discount_is_capped_by_the_order_and_removable(alice, catalog: Catalog, sql: Sql) -> None:
    placed = place(alice, catalog)
    before = sql.snapshot()
    for kwargs, says in (({"amount": placed.lines_total + 1}, "more than the order's"),
                         ({"amount": -5}, "more than 0.00"),
                         ({"percent": Decimal("100.5")}, "at most 100"),
                         ({"amount": 100, "reason": ""}, "Give the reason")):
        with pytest.raises(InvalidInput, match=says):
            add_discount(alice, placed.number, **{"reason": "goodwill", **kwargs})
    assert sql.snapshot() == before
    half = add_discount(alice, placed.number, percent=Decimal("50"), reason="damaged box")
    assert half.discount_total == (placed.lines_total + 1) // 2
    assert half.activity[0].summary.startswith("Discount 50% −£")
    full = add_discount(alice, placed.number, amount=placed.lines_total - half.discount_total, reason="goodwill")
    assert full.order_total == full.shipping_total  # never below nothing
    with pytest.raises(InvalidInput, match="more than the order's £0.00 left"):
        add_discount(alice, placed.number, amount=1, reason="more")
    gone = remove_discount(alice, placed.number, half.discounts[0].id)
    assert [d.description for d in gone.discounts] == ["goodwill"]
    assert gone.activity[0].summary.startswith("Discount removed: damaged box")
