"""A Shopify store's orders export imported into the demo database (issue 13): the real export in
../shared/fixtures, and variants with other columns, quoting, currencies and offsets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hubtui.services.shopify_import import import_shopify

from .support import Sql

FIXTURE = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "shopify_orders_export.csv"


@pytest.fixture
def admin(context_for):
    return context_for("admin")


def _expected() -> dict[str, dict[str, str]]:
    """Each order's first row, read with the csv module itself."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    orders: dict[str, dict[str, str]] = {}
    for row in rows:
        orders.setdefault(row["Name"], row)
    return orders


def test_the_real_export_needs_its_products_then_imports_every_order(admin, sql: Sql) -> None:
    refused = import_shopify(admin, FIXTURE)
    assert not refused.written and refused.problems
    assert all(p.column == "lineitem_sku" and "--create-products" in p.reason for p in refused.problems)
    report = import_shopify(admin, FIXTURE, create_products=True)
    expected = _expected()
    assert report.written and report.created == len(expected) == 19
    for reference, first in expected.items():
        order = sql.one("SELECT * FROM orders WHERE external_ref = ? AND channel = 'web'", (reference,))
        total = round(float(first["Total"]) * 100)
        assert (order["order_total"], order["currency"]) == (total, first["Currency"])
        assert order["payment_status"] == {"paid": "Paid", "pending": "Pending"}[first["Financial Status"]]
        assert order["status"] == {"fulfilled": "Dispatched", "partial": "PartiallyDispatched",
                                   "unfulfilled": "Approved"}[first["Fulfillment Status"] or "unfulfilled"] \
            or first["Financial Status"] == "pending"
        lines = sql.scalar("SELECT SUM(line_total) FROM order_lines WHERE order_id = ?", (order["id"],))
        assert lines - order["discount_total"] + order["shipping_total"] == order["order_total"]
    assert "nothing was changed again" in import_shopify(admin, FIXTURE, create_products=True).already


def test_the_products_an_import_creates_are_on_the_price_board_at_once(admin, sql: Sql) -> None:
    highest = sql.scalar("SELECT MAX(id) FROM products")
    import_shopify(admin, FIXTURE, create_products=True)
    created = sorted(row[0] for row in sql.rows("SELECT id FROM products WHERE id > ?", (highest,)))
    assert created
    on_board = sql.rows("SELECT product_id, verdict FROM price_board WHERE product_id > ?", (highest,))
    assert sorted(row[0] for row in on_board) == created
    assert {row[1] for row in on_board} == {"no_rule"}  # no channel price seen yet
