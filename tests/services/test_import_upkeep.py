"""An orders import sets the orders' insert triggers aside and adds the new orders' tallies and
search terms once the file is in (store.order_upkeep): afterwards the database is what the
triggers would have made of it, the triggers are back, and a rolled-back import leaves them."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.services.db_check import check_database
from hubtui.services.imports import import_file
from hubtui.services.order_reads import list_orders
from hubtui.store import order_upkeep
from hubtui.store.engine import Store

from .support import Sql
from .test_imports import _orders_csv
from .test_tallies import assert_tallies_match

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"


@pytest.fixture
def admin(context_for):
    return context_for("admin")


def _rows() -> list[dict[str, str]]:
    """New customers and known ones, every status kind, risks, days, a second microsite."""
    rows = []
    for n in range(12):
        rows.append({"external_ref": f"UP-{n}", "customer_email": f"upkeep.{n % 5}@example.com",
                     "customer_first_name": "Ute", "customer_last_name": f"Keep{n % 3}",
                     "shipping_postcode": ("LS1 4AP", "M1 1AA", "EH1 2NG")[n % 3],
                     "status": ("Approved", "OnHold", "Dispatched", "Cancelled")[n % 4],
                     "payment_status": ("Paid", "Pending", "Authorized")[n % 3], "fraud_score": str(n * 9),
                     "order_date": f"2026-11-{10 + n:02d} 09:30"})
    return rows


def test_imported_orders_leave_the_tallies_terms_and_triggers_as_the_triggers_would(
        admin, sql: Sql, demo_db: Path, demo_store: Store, tmp_path: Path) -> None:
    triggers = sql.rows(TRIGGERS)
    existing = sql.one("SELECT number FROM orders WHERE org_id = ? AND status = 'Approved' ORDER BY id LIMIT 1",
                       (sql.org_id("BTOOLS"),))["number"]
    path = _orders_csv(tmp_path / "upkeep.csv", [*_rows(), {"order_number": existing, "status": "OnHold"}])
    report = import_file(admin, "orders", path)
    assert (report.created, report.updated, [p.reason for p in report.problems]) == (12, 1, [])
    assert_tallies_match(sql)
    assert check_database(demo_store) == []  # search terms and their trigram index too
    assert [tuple(r) for r in sql.rows(TRIGGERS)] == [tuple(r) for r in triggers]
    found = list_orders(admin, OrderQuery(text="upkeep.3@")).rows  # through the terms' trigram index
    assert (len(found), {o.customer_email for o in found}) == (2, {"upkeep.3@example.com"})


def test_a_rejected_import_leaves_the_insert_triggers_in_place(admin, sql: Sql, demo_db: Path, demo_store: Store,
                                                               tmp_path: Path) -> None:
    triggers = sql.rows(TRIGGERS)
    names = {r["name"] for r in triggers}
    assert set(order_upkeep.INSERT_TRIGGERS) <= names
    bad = _orders_csv(tmp_path / "bad.csv", [*_rows(), {"external_ref": "UP-X", "currency": "EUR"}])
    report = import_file(admin, "orders", bad)
    assert not report.written and report.created == 12
    assert [tuple(r) for r in sql.rows(TRIGGERS)] == [tuple(r) for r in triggers]
    assert check_database(demo_store) == []


def test_a_row_naming_by_reference_an_order_an_earlier_row_creates_is_refused(admin, sql: Sql,
                                                                             tmp_path: Path) -> None:
    path = _orders_csv(tmp_path / "twice.csv", [{"order_number": "BT9000001", "external_ref": "TW-1"},
                                                {"external_ref": "TW-1", "status": "OnHold"}])
    report = import_file(admin, "orders", path, skip_bad_rows=True)
    assert (report.created, [(p.row, p.column, p.reason) for p in report.problems]) == (
        1, [(3, "external_ref", "names the same order as row 2")])
    assert sql.scalar("SELECT COUNT(*) FROM orders WHERE external_ref = 'TW-1'") == 1
    assert_tallies_match(sql)
