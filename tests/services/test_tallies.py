"""The order_tallies, order_text_tallies and order_day_tallies tables stay equal to a recount of the orders after
service writes (order_text_tallies with no row left at zero)."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import DomainError
from hubtui.domain.orders import QuickFilter
from hubtui.services.order_reads import quick_filter_counts
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_writes import OrderChanges, add_note, change_status, update_details
from hubtui.services.views import Address

from .support import Catalog, Sql, place

RECOUNT = """
SELECT org_id, microsite_id, status, payment_status, order_type, fraud_score >= 70 AS high_risk, COUNT(*) AS n
FROM orders GROUP BY org_id, microsite_id, status, payment_status, order_type, fraud_score >= 70
"""
TALLIES = """
SELECT org_id, microsite_id, status, payment_status, order_type, high_risk, n FROM order_tallies WHERE n != 0
"""
TEXT_KEY = ("org_id, customer_email, customer_name_key, shipping_postcode_key, microsite_id, status, payment_status, "
            "order_type")
TEXT_RECOUNT = f"SELECT {TEXT_KEY}, fraud_score >= 70, COUNT(*) FROM orders GROUP BY {TEXT_KEY}, fraud_score >= 70"
TEXT_TALLIES = f"SELECT {TEXT_KEY}, high_risk, n FROM order_text_tallies"
DAY_KEY = "org_id, substr(placed_at, 1, 10), microsite_id, status, payment_status, order_type"
DAY_RECOUNT = f"SELECT {DAY_KEY}, fraud_score >= 70, COUNT(*) FROM orders GROUP BY {DAY_KEY}, fraud_score >= 70"
DAY_TALLIES = ("SELECT org_id, day, microsite_id, status, payment_status, order_type, high_risk, n "
               "FROM order_day_tallies")


MONTH_KEY = f"{TEXT_KEY}, substr(placed_at, 1, 7)"
MONTH_RECOUNT = f"SELECT {MONTH_KEY}, fraud_score >= 70, COUNT(*) FROM orders GROUP BY {MONTH_KEY}, fraud_score >= 70"
MONTH_TALLIES = f"SELECT {TEXT_KEY}, month, high_risk, n FROM order_text_month_tallies"


def assert_tallies_match(sql: Sql) -> None:
    recount = {tuple(r[:6]): r[6] for r in sql.rows(RECOUNT)}
    kept = {tuple(r[:6]): r[6] for r in sql.rows(TALLIES)}
    assert kept == recount
    assert sql.scalar("SELECT COUNT(*) FROM order_tallies WHERE n < 0") == 0
    assert_text_tallies_match(sql)
    assert_day_tallies_match(sql)
    assert_month_tallies_match(sql)


def assert_month_tallies_match(sql: Sql) -> None:
    recount = {tuple(r[:10]): r[10] for r in sql.rows(MONTH_RECOUNT)}
    kept = {tuple(r[:10]): r[10] for r in sql.rows(MONTH_TALLIES)}
    assert len({key[-1] for key in recount}) > 1 and kept == recount  # several months, every row above zero


def assert_day_tallies_match(sql: Sql) -> None:
    recount = {tuple(r[:7]): r[7] for r in sql.rows(DAY_RECOUNT)}
    kept = {tuple(r[:7]): r[7] for r in sql.rows(DAY_TALLIES)}
    assert len(recount) > 1 and kept == recount  # per UTC day, every row above zero


def assert_text_tallies_match(sql: Sql) -> None:
    recount = {tuple(r[:9]): r[9] for r in sql.rows(TEXT_RECOUNT)}
    kept = {tuple(r[:9]): r[9] for r in sql.rows(TEXT_TALLIES)}
    assert kept == recount  # every row above zero, as the triggers delete a row that falls to it


def test_demo_tallies_start_right(sql: Sql) -> None:
    assert_tallies_match(sql)


def test_tallies_follow_a_day_of_service_writes(context_for, catalog: Catalog, bfix_catalog: Catalog, sql: Sql) -> None:
    alice, wendy, sam = context_for("alice"), context_for("wendy"), context_for("sam")
    bfix = context_for("sam", "BFIX")
    counts_before = quick_filter_counts(alice)

    a = place(alice, catalog)
    b = place(alice, catalog, microsite="bt-ie", order_type="PreOrder")
    c = place(alice, catalog, order_type="Exchange")
    d = place(bfix, bfix_catalog, microsite="bf-de")
    assert_tallies_match(sql)

    record_payment(alice, a.number, PaymentDraft("Cash", "Paid", amount=100))  # partial: Approved, Pending
    record_payment(alice, a.number, PaymentDraft("Cash", "Paid"))  # the rest: Paid
    record_payment(alice, b.number, PaymentDraft("Bacs", "Declined"))
    sql.execute("UPDATE orders SET fraud_score = 90 WHERE number = ?", (b.number,))
    record_payment(alice, b.number, PaymentDraft("Bacs", "Authorized"))  # -> AwaitingApproval
    record_payment(bfix, d.number, PaymentDraft("FOC", "Paid"))
    assert_tallies_match(sql)

    change_status(alice, a.number, "SentToWarehouse")
    for target in ("AcceptedInWarehouse", "ReadyToDispatch", "Dispatched"):
        change_status(wendy, a.number, target)
    change_status(sam, b.number, "OnHold")
    change_status(sam, b.number, "Cancelled", reason="FraudSuspected")
    change_status(alice, c.number, "Approved")
    change_status(alice, c.number, "OnHold")
    change_status(bfix, d.number, "OnHold")
    change_status(bfix, d.number, "Approved")
    add_note(alice, c.number, "waiting for the old item")
    update_details(alice, c.number, OrderChanges(tags="exchange"), expected_version=3)
    update_details(alice, c.number, OrderChanges(shipping=Address("Zed Moved", "1 New Street", "", "Leeds", "ls2 9zz")),
                   expected_version=4)
    sql.execute("UPDATE orders SET fraud_score = 10 WHERE number = ?", (b.number,))
    assert_tallies_match(sql)

    counts_after = quick_filter_counts(alice)
    assert counts_after[QuickFilter.ALL] == counts_before[QuickFilter.ALL] + 3
    assert counts_after[QuickFilter.EXCHANGE_ON_HOLD] == counts_before[QuickFilter.EXCHANGE_ON_HOLD] + 1
    assert counts_after[QuickFilter.PRE_ORDERS] == counts_before[QuickFilter.PRE_ORDERS] + 1
    assert counts_after[QuickFilter.TODAY] == counts_before[QuickFilter.TODAY] + 3
    assert counts_after[QuickFilter.UNFULFILLED] == counts_before[QuickFilter.UNFULFILLED] + 1  # only c


def test_refused_writes_leave_tallies_alone(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.rows(TALLIES)
    with pytest.raises(DomainError):
        change_status(alice, order.number, "Dispatched")
    with pytest.raises(DomainError):
        record_payment(alice, order.number, PaymentDraft("Cash", "Paid", amount=order.order_total + 1))
    assert [tuple(r) for r in sql.rows(TALLIES)] == [tuple(r) for r in before]
    assert_tallies_match(sql)
