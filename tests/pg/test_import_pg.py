"""Imports on PostgreSQL (issue 13): ids reserved from the tables' sequences, rows written in
Core batches, the same checks and the same all-or-nothing as on SQLite."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS
from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.imports import import_file
from hubtui.store.engine import Store

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
ROW = (",{ref},,web,Standard,2026-11-20 10:00:00.250,Approved,{paid},GBP,{email},Pat,Lee,07700900123,,,1 High St,,"
       "Leeds,LS1 4AP,GB,4.95,0,24.95,,,5")


def test_orders_items_and_payments_import_on_postgres(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url)
    try:
        load_demo(store, orders=50, seed=5, now=FIXED_NOW)
        admin = open_context(store, "admin", "BTOOLS", clock=lambda: FIXED_NOW, tz=timezone.utc)
        with store.engine.connect() as connection:
            code = connection.execute(text("SELECT stock_code FROM products p JOIN organisations g ON g.id = p.org_id "
                                           "WHERE g.code = 'BTOOLS' ORDER BY p.id LIMIT 1")).scalar_one()
        orders = tmp_path / "orders.csv"
        orders.write_text(",".join(ORDER_COLUMNS) + "\n" + "\n".join(
            ROW.format(ref=f"PG-{n}", paid="Pending" if n == 3 else "Paid", email=f"pg.{n % 2}@example.com")
            for n in (1, 2, 3)) + "\n")
        bad = tmp_path / "bad.csv"
        bad.write_text(orders.read_text() + ROW.format(ref="PG-4", paid="Paid", email="x@example.com")
                       .replace("GBP", "XXX") + "\n")
        refused = import_file(admin, "orders", bad)
        assert (refused.written, [p.column for p in refused.problems]) == (False, ["currency"])
        assert import_file(admin, "orders", orders).created == 3
        items = tmp_path / "items.csv"
        items.write_text(",".join(ITEM_COLUMNS) + "\n" + "".join(f"PG-{n},{code},,1,20.00,0\n" for n in (1, 2, 3)))
        assert import_file(admin, "items", items).created == 3
        payments = tmp_path / "payments.csv"
        payments.write_text(",".join(PAYMENT_COLUMNS) + "\nPG-3,Card,Paid,24.95,PSP-9,2026-11-21\n")
        assert import_file(admin, "payments", payments).created == 1
        with store.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT o.external_ref, o.paid_total, o.payment_status, o.placed_at, c.email, "
                "(SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id), "
                "(SELECT COUNT(*) FROM activity a WHERE a.order_id = o.id) "
                "FROM orders o JOIN customers c ON c.id = o.customer_id "
                "WHERE o.external_ref LIKE 'PG-%' ORDER BY o.external_ref")).all()
            refused_left = connection.execute(text("SELECT COUNT(*) FROM orders WHERE external_ref = 'PG-4'")).scalar()
        assert [tuple(r[:3]) + (r[4], r[5], r[6]) for r in rows] == [
            ("PG-1", 2495, "Paid", "pg.1@example.com", 1, 2), ("PG-2", 2495, "Paid", "pg.0@example.com", 1, 2),
            ("PG-3", 2495, "Paid", "pg.1@example.com", 1, 3)]
        assert rows[0][3] == datetime(2026, 11, 20, 10, 0, 0, 250000, tzinfo=timezone.utc) and refused_left == 0
        added = Store(pg_url)
        try:  # the sequences moved past the reserved ids: an ordinary insert does not collide
            with added.engine.begin() as connection:
                connection.execute(text("INSERT INTO activity (org_id, at, user_name, action, summary) "
                                        "SELECT org_id, at, user_name, action, summary FROM activity LIMIT 1"))
        finally:
            added.dispose()
    finally:
        store.dispose()
