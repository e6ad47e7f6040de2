"""Export on PostgreSQL (issue 13): the same sheets as the store holds, read back with openpyxl."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
from sqlalchemy import text

from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.export import ExportRange, export_sheet
from hubtui.store.engine import Store

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_orders_items_and_payments_export_on_postgres(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url)
    try:
        load_demo(store, orders=300, seed=5, now=FIXED_NOW)
        sam = open_context(store, "sam", clock=lambda: FIXED_NOW, tz=timezone.utc)
        with store.engine.connect() as connection:
            org = connection.execute(text("SELECT id FROM organisations WHERE code = 'BTOOLS'")).scalar_one()
            orders = connection.execute(text("SELECT id, number, placed_at FROM orders WHERE org_id = :org "
                                              "ORDER BY placed_at, id"), {"org": org}).all()
            lines = connection.execute(text("SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                                            "WHERE o.org_id = :org"), {"org": org}).scalar_one()
            payments = connection.execute(text("SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id "
                                               "WHERE o.org_id = :org"), {"org": org}).scalar_one()
        written = {kind: export_sheet(sam, kind, tmp_path / f"{kind}.xlsx", span=ExportRange(), batch=70)
                   for kind in ("orders", "items", "payments")}
        assert (written["orders"].rows, written["items"].rows, written["payments"].rows) == (len(orders), lines, payments)
        rows = list(openpyxl.load_workbook(tmp_path / "orders.xlsx").active.iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == [o.number for o in orders]
        assert [r[5] for r in rows[1:]] == [o.placed_at.astimezone(timezone.utc).replace(tzinfo=None) for o in orders]
    finally:
        store.dispose()
