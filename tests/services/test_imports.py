"""CSV imports of orders, items and payments into the demo database (SPEC 7, issue 13): checked
whole, all or nothing by default, the good rows with skip_bad_rows, nothing twice; read back
with plain SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS
from hubtui.services.csv_reader import CsvHeaderError
from hubtui.services.imports import import_file, write_errors

from .support import Sql


def _orders_csv(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    base = {"order_number": "", "external_ref": "", "microsite": "", "channel": "web", "order_type": "Standard",
            "order_date": "2026-11-20 10:00", "status": "Approved", "payment_status": "Paid", "currency": "GBP",
            "customer_email": "new.person@example.com", "customer_first_name": "New", "customer_last_name": "Person",
            "customer_phone": "07700 900123", "company": "", "shipping_name": "", "shipping_line1": "1 High St",
            "shipping_line2": "", "shipping_city": "Leeds", "shipping_postcode": "LS1 4AP", "shipping_country": "GB",
            "shipping_total": "4.95", "discount_total": "0", "order_total": "24.95", "customer_reference": "",
            "tags": "", "fraud_score": "5"}
    lines = [delimiter.join(ORDER_COLUMNS)]
    for row in rows:
        values = {**base, **row}
        lines.append(delimiter.join(f'"{values[c]}"' if delimiter in values[c] else values[c] for c in ORDER_COLUMNS))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _dump(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return [tuple(r) for t in ("orders", "order_lines", "payments", "customers", "activity", "imports")
                for r in con.execute(f"SELECT * FROM {t} ORDER BY id")]


@pytest.fixture
def admin(context_for):
    return context_for("admin")


def test_orders_are_created_with_their_customers_and_an_activity_entry_each(admin, sql: Sql, demo_db: Path,
                                                                               tmp_path: Path) -> None:
    path = _orders_csv(tmp_path / "orders.csv", [{"external_ref": "EXT-1"},
                                                 {"external_ref": "EXT-2", "customer_email": "Ivy.Two@Example.com",
                                                  "customer_first_name": "Ivy", "customer_last_name": "Two",
                                                  "order_total": "1,204.95"}])
    report = import_file(admin, "orders", path)
    assert (report.rows, report.created, report.problems, report.written) == (2, 2, (), True)
    one = sql.one("SELECT * FROM orders WHERE external_ref = 'EXT-2'")
    assert (one["order_total"], one["lines_total"], one["customer_email"], one["status"]) == (
        120495, 120000, "ivy.two@example.com", "Approved")
    assert (one["paid_total"], one["payment_status"]) == (120495, "Paid"), "paid in full: one imported payment"
    assert sql.scalar("SELECT SUM(amount) FROM payments WHERE order_id = ? AND source = 'payment_taken'", (one["id"],)) == 120495
    assert one["number"].startswith("BT") and sql.scalar("SELECT COUNT(*) FROM customers WHERE email = ?",
                                                         ("ivy.two@example.com",)) == 1
    entry = sql.one("SELECT summary FROM activity WHERE order_id = ?", (one["id"],))
    assert entry["summary"].startswith("Imported from orders.csv row 3")
    again = import_file(admin, "orders", path)
    assert "was imported as orders on" in again.already and "by admin" in again.already


def test_a_dry_run_writes_nothing_and_one_bad_row_imports_nothing(admin, demo_db: Path, tmp_path: Path) -> None:
    before = _dump(demo_db)
    good = _orders_csv(tmp_path / "good.csv", [{"external_ref": "EXT-1"}])
    assert import_file(admin, "orders", good, dry_run=True).created == 1
    assert _dump(demo_db) == before
    bad = _orders_csv(tmp_path / "bad.csv", [{"external_ref": "EXT-1"}, {"external_ref": "EXT-2", "status": "Nope",
                                                                         "order_total": "12.345"}])
    report = import_file(admin, "orders", bad)
    assert not report.written and _dump(demo_db) == before
    assert [(p.row, p.column, p.value) for p in report.problems] == [(3, "status", "Nope"),
                                                                     (3, "order_total", "12.345")]
    assert "more than two decimal places" in report.problems[1].reason
    out = tmp_path / "errors.csv"
    assert write_errors(report, out, bad) == 2
    text = out.read_text()
    assert text.splitlines()[0].startswith("row,column,value,reason,order_number") and "EXT-2" in text


def test_skip_row_imports_exactly_the_good_rows_and_twice_changes_nothing(admin, sql: Sql, demo_db: Path,
                                                                          tmp_path: Path) -> None:
    path = _orders_csv(tmp_path / "mixed.csv", [{"external_ref": "EXT-1"}, {"external_ref": "EXT-2", "channel": "fax"},
                                                {"external_ref": "EXT-3"}])
    report = import_file(admin, "orders", path, skip_bad_rows=True)
    assert report.written and report.created == 2
    assert [(p.row, p.column) for p in report.problems] == [(3, "channel")]
    assert sorted(r[0] for r in sql.rows("SELECT external_ref FROM orders WHERE external_ref LIKE 'EXT-%'")) == [
        "EXT-1", "EXT-3"]
    dump = _dump(demo_db)
    import_file(admin, "orders", path, skip_bad_rows=True)
    assert _dump(demo_db) == dump


def test_an_existing_order_is_updated_only_in_what_an_import_may_change(admin, sql: Sql, tmp_path: Path) -> None:
    order = sql.one("SELECT * FROM orders WHERE org_id = ? AND status = 'Approved' ORDER BY id LIMIT 1",
                    (sql.org_id("BTOOLS"),))
    path = _orders_csv(tmp_path / "update.csv", [{"order_number": order["number"], "status": "OnHold", "tags": "vip",
                                                  "order_total": "999.99", "currency": "GBP"}])
    report = import_file(admin, "orders", path)
    assert (report.created, report.updated) == (0, 1) and "status OnHold" in report.notes[0]
    after = sql.order(order["number"])
    assert (after["status"], after["tags"], after["order_total"]) == ("OnHold", "vip", order["order_total"])


def test_windows_1252_and_semicolons_with_decimal_commas(admin, sql: Sql, tmp_path: Path) -> None:
    path = _orders_csv(tmp_path / "excel.csv", [{"external_ref": "EXT-W", "customer_last_name": "Müller",
                                                 "customer_email": "m@example.com", "order_total": "1.204,95"}],
                       delimiter=";", encoding="cp1252")
    assert import_file(admin, "orders", path).created == 1
    row = sql.one("SELECT * FROM orders WHERE external_ref = 'EXT-W'")
    assert (row["customer_last_name"], row["order_total"]) == ("Müller", 120495)


def test_a_header_with_missing_and_unknown_columns_names_them(admin, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Order_Number , stock_code,quantity,colour\nBT0000001,X,1,red\n")
    with pytest.raises(CsvHeaderError) as refused:
        import_file(admin, "items", path)
    message = str(refused.value)
    for name in ("product_name", "unit_price", "discount", "colour"):
        assert name in message


def _items_csv(path: Path, rows: list[tuple]) -> Path:
    path.write_text("\n".join([",".join(ITEM_COLUMNS), *(",".join(map(str, r)) for r in rows)]) + "\n")
    return path


def test_items_give_an_order_its_lines_when_they_add_up_to_its_total(admin, sql: Sql, catalog, tmp_path: Path) -> None:
    _orders_csv(tmp_path / "o.csv", [{"external_ref": "EXT-1", "order_total": "24.95"},
                                     {"external_ref": "EXT-2", "order_total": "24.95"}])
    import_file(admin, "orders", tmp_path / "o.csv")
    code = catalog.products[0][0]
    wrong = _items_csv(tmp_path / "wrong.csv", [("EXT-1", code, "", 2, "10.00", "0"), ("EXT-2", code, "", 1, "20.00", "0"),
                                                ("EXT-2", "NOPE-1", "", 1, "1.00", "0")])
    report = import_file(admin, "items", wrong)
    assert not report.written
    assert [(p.row, p.column) for p in report.problems] == [(4, "stock_code")]
    fixed = _items_csv(tmp_path / "fixed.csv", [("EXT-1", code, "", 2, "10.00", "0"),
                                                ("EXT-2", code, "", 1, "19.00", "0")])
    report = import_file(admin, "items", fixed)
    assert [(p.row, p.column) for p in report.problems] == [(3, "unit_price")]
    assert "come to 23.95" in report.problems[0].reason
    ok = _items_csv(tmp_path / "ok.csv", [("EXT-1", code, "", 2, "10.00", "0"), ("EXT-2", code, "", 1, "20.00", "0")])
    assert import_file(admin, "items", ok).created == 2
    lines = sql.rows("SELECT l.quantity, l.line_total FROM order_lines l JOIN orders o ON o.id = l.order_id "
                     "WHERE o.external_ref = 'EXT-1'")
    assert [tuple(r) for r in lines] == [(2, 2000)]


def test_payments_move_the_orders_paid_total_and_payment_status(admin, sql: Sql, tmp_path: Path) -> None:
    _orders_csv(tmp_path / "o.csv", [{"external_ref": "EXT-P", "payment_status": "Pending"}])  # nothing paid yet
    import_file(admin, "orders", tmp_path / "o.csv")
    number = sql.scalar("SELECT number FROM orders WHERE external_ref = 'EXT-P'")
    path = tmp_path / "p.csv"
    path.write_text(",".join(PAYMENT_COLUMNS) + f"\n{number},Card,Paid,24.95,PSP-1,2026-11-20T10:05:00+05:30\n"
                    "BT9999999,Card,Paid,1.00,PSP-2,2026-11-20\n")
    assert [(p.row, p.column) for p in import_file(admin, "payments", path).problems] == [(3, "order_number")]
    path.write_text(",".join(PAYMENT_COLUMNS) + f"\n{number},Card,Paid,24.95,PSP-1,2026-11-20T10:05:00+05:30\n")
    assert import_file(admin, "payments", path).created == 1
    order = sql.order(number)
    assert (order["paid_total"], order["payment_status"]) == (2495, "Paid")
    assert sql.scalar("SELECT paid_at FROM payments WHERE reference = 'PSP-1'").startswith("2026-11-20 04:35")


def test_an_agent_may_not_import(context_for, tmp_path: Path) -> None:
    from hubtui.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="import"):
        import_file(context_for("alice"), "orders", _orders_csv(tmp_path / "o.csv", [{"external_ref": "X"}]))


def test_the_guard_an_export_puts_on_formula_looking_text_comes_off(admin, sql: Sql, tmp_path: Path) -> None:
    path = _orders_csv(tmp_path / "guarded.csv", [{"external_ref": "EXT-G", "tags": "'=1+1",
                                                   "customer_reference": "'O'Brien"}])
    assert import_file(admin, "orders", path).created == 1
    row = sql.one("SELECT tags, customer_reference FROM orders WHERE external_ref = 'EXT-G'")
    assert (row["tags"], row["customer_reference"]) == ("=1+1", "'O'Brien")


# ---------------------------------------------------------------------------- streamed a batch at a time

@pytest.fixture
def two_row_batches(monkeypatch):
    """Batches of two rows, so a handful of rows crosses several batches."""
    from hubtui.services import imports

    monkeypatch.setattr(imports, "BATCH_ROWS", 2)


def test_a_customer_and_a_repeated_order_are_known_across_batches(admin, sql: Sql, tmp_path: Path,
                                                                   two_row_batches) -> None:
    new = {"customer_email": "batch.new@example.com", "customer_first_name": "Bea", "customer_last_name": "Tch"}
    path = _orders_csv(tmp_path / "o.csv", [{"external_ref": "B-1", **new}, {"external_ref": "B-2"},
                                            {"external_ref": "B-3"}, {"external_ref": "B-4"},
                                            {"external_ref": "B-5", **new}, {"external_ref": "B-1"}])
    report = import_file(admin, "orders", path, skip_bad_rows=True)
    assert (report.created, [(p.row, p.reason) for p in report.problems]) == (
        5, [(7, "names the same order as row 2")])
    customers = sql.rows("SELECT id FROM customers WHERE email = 'batch.new@example.com'")
    owners = {r[0] for r in sql.rows("SELECT customer_id FROM orders WHERE external_ref IN ('B-1', 'B-5')")}
    assert (len(customers), owners) == (1, {customers[0][0]})
    numbers = [r[0] for r in sql.rows("SELECT number FROM orders WHERE external_ref LIKE 'B-%' ORDER BY number")]
    assert len(set(numbers)) == 5 and all(n.startswith("BT") for n in numbers)


def test_a_bad_row_in_the_last_batch_leaves_nothing_of_the_earlier_ones(admin, demo_db: Path, tmp_path: Path,
                                                                        two_row_batches) -> None:
    before = _dump(demo_db)
    rows = [{"external_ref": f"L-{n}"} for n in range(1, 6)] + [{"external_ref": "L-6", "currency": "EUR"}]
    seen: list[tuple[int, int, int]] = []
    report = import_file(admin, "orders", _orders_csv(tmp_path / "o.csv", rows),
                         progress=lambda *step: seen.append(step))
    assert (report.written, report.created, [p.column for p in report.problems]) == (False, 5, ["currency"])
    assert _dump(demo_db) == before
    size = (tmp_path / "o.csv").stat().st_size
    assert [rows for rows, _, _ in seen] == [2, 4, 6] and seen[-1][1:] == (size, size)


def test_an_orders_lines_may_be_spread_over_batches_and_go_in_whole_or_not_at_all(admin, sql: Sql, catalog,
                                                                                   tmp_path: Path,
                                                                                   two_row_batches) -> None:
    _orders_csv(tmp_path / "o.csv", [{"external_ref": f"S-{n}", "order_total": "24.95"} for n in (1, 2)])
    import_file(admin, "orders", tmp_path / "o.csv")
    code = catalog.products[0][0]
    path = _items_csv(tmp_path / "i.csv", [("S-1", code, "", 1, "10.00", "0"), ("S-2", code, "", 1, "10.00", "0"),
                                           ("S-2", code, "", 1, "10.00", "0"), ("S-1", code, "", 1, "10.00", "0"),
                                           ("S-2", code, "", 1, "10.00", "20.00")])
    report = import_file(admin, "items", path, skip_bad_rows=True)
    assert (report.created, [(p.row, p.column) for p in report.problems]) == (1, [(6, "discount")])
    lines = sql.rows("SELECT o.external_ref, l.line_no, l.line_total, o.lines_total FROM order_lines l "
                     "JOIN orders o ON o.id = l.order_id WHERE o.external_ref LIKE 'S-%' ORDER BY l.id")
    assert [tuple(r) for r in lines] == [("S-1", 1, 1000, 2000), ("S-1", 2, 1000, 2000)]
    entry = sql.one("SELECT a.summary FROM activity a JOIN orders o ON o.id = a.order_id "
                    "WHERE o.external_ref = 'S-1' ORDER BY a.id DESC LIMIT 1")
    assert entry["summary"] == "Imported 2 line(s) from i.csv rows 2, 5"


def test_payments_of_one_order_over_batches_add_up_with_one_entry(admin, sql: Sql, tmp_path: Path,
                                                                  two_row_batches) -> None:
    _orders_csv(tmp_path / "o.csv", [{"external_ref": "P-1", "payment_status": "Pending"}])
    import_file(admin, "orders", tmp_path / "o.csv")
    number = sql.scalar("SELECT number FROM orders WHERE external_ref = 'P-1'")
    path = tmp_path / "p.csv"
    path.write_text(",".join(PAYMENT_COLUMNS) + "".join(f"\n{number},Card,Paid,{amount},PSP-{n},2026-11-20"
                                                        for n, amount in enumerate(("10.00", "4.95", "10.00"))) + "\n")
    assert import_file(admin, "payments", path).created == 3
    order = sql.order(number)
    assert (order["paid_total"], order["payment_status"]) == (2495, "Paid")
    entries = sql.rows("SELECT summary FROM activity WHERE order_id = ? AND summary LIKE '%payment(s)%'",
                       (order["id"],))
    assert [e[0] for e in entries] == ["Imported 3 payment(s) from p.csv rows 2, 3, 4"]


# ---------------------------------------------------------------------------- a large file read in a second process

@pytest.fixture
def read_apart(monkeypatch):
    """Every file counts as large: its rows are read by a second process."""
    from hubtui.services import imports

    monkeypatch.setattr(imports, "READ_APART_FROM", 0)
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)


def test_a_file_read_in_a_second_process_gives_the_same_import(admin, sql: Sql, demo_db: Path, tmp_path: Path,
                                                              read_apart) -> None:
    rows = [{"external_ref": f"A-{n}"} for n in range(1, 5)] + [{"external_ref": "A-5", "status": "Nope"}]
    path = _orders_csv(tmp_path / "o.csv", rows)
    before = _dump(demo_db)
    seen: list[tuple[int, int, int]] = []
    refused = import_file(admin, "orders", path, progress=lambda *step: seen.append(step))
    assert (refused.written, refused.created, [(p.row, p.column) for p in refused.problems]) == (
        False, 4, [(6, "status")])
    assert refused.bad_rows[6]["external_ref"] == "A-5" and _dump(demo_db) == before
    assert [n for n, _, _ in seen] == [2, 4, 5] and seen[-1][1] == seen[-1][2] == path.stat().st_size
    done = import_file(admin, "orders", path, skip_bad_rows=True)
    assert (done.written, done.created) == (True, 4)
    assert sql.scalar("SELECT COUNT(*) FROM orders WHERE external_ref LIKE 'A-%'") == 4


def test_a_file_that_breaks_off_part_way_in_the_second_process_is_one_line(admin, demo_db: Path, tmp_path: Path,
                                                                          read_apart) -> None:
    from hubtui.services.csv_reader import CsvFileError

    path = _orders_csv(tmp_path / "o.csv", [{"external_ref": f"B-{n}"} for n in range(1, 5)])
    path.write_bytes(path.read_bytes() + b'"never closed,')
    before = _dump(demo_db)
    with pytest.raises(CsvFileError) as refused:
        import_file(admin, "orders", path)
    assert refused.value.row == 6 and "quote" in str(refused.value) and _dump(demo_db) == before
