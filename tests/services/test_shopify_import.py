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


def _variant(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = ["Name", "Email", "Financial Status", "Fulfillment Status", "Currency", "Subtotal", "Shipping", "Taxes",
               "Total", "Discount Amount", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
               "Lineitem sku", "Billing Name"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, columns, quoting=csv.QUOTE_ALL)
        out.writeheader()
        for row in rows:
            out.writerow({c: row.get(c, "") for c in columns})
    return path


def test_a_variant_with_taxes_offsets_and_an_unsold_currency(admin, sql: Sql, catalog, tmp_path: Path) -> None:
    code = catalog.products[0][0]
    path = _variant(tmp_path / "other.csv", [
        {"Name": "#77", "Email": "Asha@Example.com", "Financial Status": "paid", "Fulfillment Status": "",
         "Currency": "GBP", "Shipping": "3.00", "Taxes": "2.00", "Total": "25.00", "Discount Amount": "0",
         "Created at": "2026-11-20 09:00:00 +0530", "Lineitem quantity": "2", "Lineitem name": "Drill",
         "Lineitem price": "10.00", "Lineitem sku": code, "Billing Name": "Asha Rao"},
        {"Name": "#78", "Financial Status": "paid", "Currency": "USD", "Total": "5.00", "Created at": "2026-11-20",
         "Lineitem quantity": "1", "Lineitem name": "Cap", "Lineitem price": "5.00", "Lineitem sku": code},
    ])
    report = import_shopify(admin, path, skip_bad_rows=True, channel="web")
    assert [(p.row, p.column) for p in report.problems] == [(3, "currency")]
    order = sql.one("SELECT * FROM orders WHERE external_ref = '#77'")
    assert (order["order_total"], order["shipping_total"], order["status"]) == (2500, 300, "Approved")
    assert order["placed_at"].startswith("2026-11-20 03:30")
    assert sql.scalar("SELECT email FROM customers WHERE id = ?", (order["customer_id"],)) == "asha@example.com"
    lines = [tuple(r) for r in sql.rows("SELECT stock_code, quantity, line_total FROM order_lines WHERE order_id = ? "
                                        "ORDER BY line_no", (order["id"],))]
    assert lines == [(code, 2, 2000), ("SHOPIFY-TAX", 1, 200)]


def test_an_unknown_channel_is_refused(admin, tmp_path: Path) -> None:
    report = import_shopify(admin, FIXTURE, channel="fax", create_products=True)
    assert not report.written and [(p.column, p.value) for p in report.problems] == [("channel", "fax")]
