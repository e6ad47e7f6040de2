"""The demo's payment states are those the services would give: each order's payment status is the
domain's rule (payment_status_for) applied to its payments and refunds, zero totals included."""

from __future__ import annotations

from collections import defaultdict

from hubtui.domain.order_money import payment_status_for
from hubtui.domain.orders import PaymentStatus

from .support import Sql


def test_every_demo_orders_payment_status_follows_from_its_payments(sql: Sql) -> None:
    payments: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in sql.rows("SELECT order_id, status, amount FROM payments ORDER BY recorded_at, id"):
        payments[row["order_id"]].append((row["status"], row["amount"]))
    orders = sql.rows("SELECT id, number, order_total, payment_status, refunded_total FROM orders")
    assert sum(1 for o in orders if o["order_total"] == 0) > 10, "zero totals worth checking"
    wrong = {}
    for order in orders:
        made = payments.get(order["id"], [])
        derived = payment_status_for(
            order["order_total"],
            sum(amount for status, amount in made if status == "Paid"),
            sum(amount for status, amount in made if status == "Authorized"),
            order["refunded_total"],
            PaymentStatus(made[-1][0]) if made else None,
        )
        if derived.value != order["payment_status"]:
            wrong[order["number"]] = (order["payment_status"], derived.value)
    assert wrong == {}
