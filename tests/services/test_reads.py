"""get_order: one order in full, scoped to the operator's organisation."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import DomainError
from hubtui.services.errors import NotFound
from hubtui.services.order_reads import get_order
from hubtui.services.order_writes import OrderChanges, add_note, change_status, update_details
from hubtui.services.order_payments import PaymentDraft, record_payment

from .support import FIXED_NOW, Catalog, SharedDemo, Sql, place


def test_detail_has_lines_payments_and_activity_newest_first(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog, n_lines=3)
    record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=500))
    add_note(alice, order.number, "first note")
    record_payment(alice, order.number, PaymentDraft("Cheque", "Pending", amount=700))
    change_status(alice, order.number, "OnHold")

    detail = get_order(alice, order.number)

    assert [l.line_no for l in detail.lines] == [1, 2, 3]
    stored_lines = sql.rows(
        "SELECT stock_code, quantity, unit_price, line_total FROM order_lines WHERE order_id = ? ORDER BY line_no",
        (order.id,),
    )
    assert [(l.stock_code, l.quantity, l.unit_price, l.line_total) for l in detail.lines] == [
        tuple(r) for r in stored_lines
    ]
    assert [(p.method, p.status, p.amount) for p in detail.payments] == [("Cash", "Paid", 500), ("Cheque", "Pending", 700)]
    assert [a.action for a in detail.activity] == ["status", "payment", "note", "status", "payment", "placed"]
    ids = [a.id for a in detail.activity]
    assert ids == sorted(ids, reverse=True)
    assert ids == [r["id"] for r in reversed(sql.activity(order.number))]
    assert detail.balance_due == order.order_total - 500
    assert detail.version == sql.order(order.number)["version"] == 4


def test_demo_order_matches_the_store(alice, sql: Sql) -> None:
    row = sql.one(
        "SELECT * FROM orders WHERE org_id = 1 AND id IN (SELECT order_id FROM payments) ORDER BY id LIMIT 1"
    )
    detail = get_order(alice, row["number"])
    assert (detail.id, detail.status, detail.payment_status, detail.order_total, detail.customer_email) == (
        row["id"], row["status"], row["payment_status"], row["order_total"], row["customer_email"],
    )
    assert len(detail.lines) == sql.scalar("SELECT COUNT(*) FROM order_lines WHERE order_id = ?", (row["id"],))
    assert len(detail.payments) == sql.scalar("SELECT COUNT(*) FROM payments WHERE order_id = ?", (row["id"],))
    assert len(detail.activity) == sql.scalar("SELECT COUNT(*) FROM activity WHERE order_id = ?", (row["id"],))
    assert detail.microsite == sql.scalar("SELECT code FROM microsites WHERE id = ?", (row["microsite_id"],))


@pytest.mark.parametrize("typed", ["{n}", "BT{n:07d}", "bt{n}", "  BT{n:07d}  ", "{n:07d}", "bt {n}", "BT{n}"])
def test_number_with_or_without_the_prefix(typed: str, alice, sql: Sql) -> None:
    order_id, number = tuple(sql.one("SELECT id, number FROM orders WHERE org_id = 1 ORDER BY id DESC LIMIT 1"))
    sequence = int(number[2:])
    assert get_order(alice, typed.format(n=sequence)).id == order_id


@pytest.mark.parametrize("typed", ["XX0000012", "BT", "BT12345678", "BT-12", "12a", "0"])
def test_malformed_numbers_are_refused_with_a_message(typed: str, alice) -> None:
    with pytest.raises(DomainError) as refused:
        get_order(alice, typed)
    assert "BT" in str(refused.value)


def test_unknown_number_is_not_found(alice, sql: Sql) -> None:
    highest = sql.scalar("SELECT MAX(number) FROM orders")
    with pytest.raises(NotFound) as missing:
        get_order(alice, f"BT{int(highest[2:]) + 1:07d}")
    assert "BTOOLS" in str(missing.value)


def test_order_of_the_other_organisation_is_not_found(context_for, sql: Sql) -> None:
    number = sql.scalar("SELECT number FROM orders WHERE org_id = 2 ORDER BY id LIMIT 1")
    with pytest.raises(NotFound):
        get_order(context_for("alice"), number)
    with pytest.raises(NotFound):
        add_note(context_for("alice"), number, "should not land")
    assert get_order(context_for("alice", "BFIX"), number).org_code == "BFIX"
    assert sql.scalar(
        "SELECT COUNT(*) FROM activity a JOIN orders o ON o.id = a.order_id WHERE o.number = ? AND a.action = 'note' "
        "AND a.summary = 'should not land'", (number,)
    ) == 0


def test_shared_clock_is_the_fixtures_clock(context_for, shared_demo: SharedDemo) -> None:
    assert context_for("alice").now() == FIXED_NOW
    assert shared_demo.context("alice").now() == FIXED_NOW


def test_writes_cannot_reach_an_order_of_the_other_organisation(alice, sql: Sql) -> None:
    number = sql.scalar("SELECT number FROM orders WHERE org_id = 2 AND status = 'Incomplete' ORDER BY id LIMIT 1")
    before = sql.snapshot()
    with pytest.raises(NotFound):
        record_payment(alice, number, PaymentDraft("Cash", "Paid"))
    with pytest.raises(NotFound):
        change_status(alice, number, "Approved")
    with pytest.raises(NotFound):
        update_details(alice, number, OrderChanges(tags="x"), expected_version=1)
    assert sql.snapshot() == before
