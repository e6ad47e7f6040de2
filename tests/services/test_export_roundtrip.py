"""Export then re-import into a fresh database gives the same orders, lines and payments (issue 13,
SPEC 7: "an export can be edited and re-imported").

BTOOLS's orders of the last 30 days in the demo database (about 400: several lines each, line
and order discounts, every status, marketplace references) are exported as the three xlsx files,
after a few of them were given what a round trip could lose: formula-looking and markup-looking
text, non-ASCII names, times with microseconds and payments made in several parts. The files
are imported, orders then items then payments, into a database that holds the demo's reference
data and no order (tests/conftest.py reference_template); then both databases are read with
plain SQL and compared, column by column.

Compared: what SPEC 7's columns carry. Not compared, because no column carries it: ids, the
billing address (an import copies the shipping one), the order's payment method, cancel reason,
tracking, held-from status, refunds, who created or changed an order and when.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hubtui.domain.periods import Period
from hubtui.services.context import open_context
from hubtui.services.export import ExportRange, export_sheet
from hubtui.services.imports import ImportReport, import_file, write_errors
from hubtui.store.engine import Store

from .support import Sql, fixed_clock, parse_ts

TZ = ZoneInfo("Europe/London")  # the operator's: the sheet's dates are wall-clock times there
START = datetime(2026, 10, 30, tzinfo=TZ)  # Period.LAST_30_DAYS at the fixed clock
END = datetime(2026, 11, 29, tzinfo=TZ)
KINDS = ("orders", "items", "payments")

HOSTILE = {  # text a spreadsheet would run, or Rich would read as markup
    "customer_first_name": "=1+1",
    "customer_last_name": "[/]",
    "company_name": "@SUM(A1:A9)",
    "customer_reference": "\t=cmd|' /C calc'!A0",
    "tags": "-2+3",
    "shipping_line1": "＝1+1",
    "shipping_line2": "_x003D_1+1",
    "shipping_city": "'=already guarded",
    "shipping_name": "[bold]Bob[/bold]",
}
NON_ASCII = {
    "customer_first_name": "Zoë",
    "customer_last_name": "Ångström-Müller",
    "company_name": "Café Ñandú 東京",
    "shipping_name": "Łukasz Żółć",
    "shipping_line1": "Straße 5 — “Hof”",
    "shipping_city": "Kraków",
    "customer_reference": "Bestellung Nr. 42 ✓",
}
ORDER_COLUMNS = (  # of the orders table, as the file's columns carry them
    "number", "external_ref", "microsite", "channel", "order_type", "status", "currency", "customer_email",
    "customer_first_name", "customer_last_name", "customer_phone", "company_name", "shipping_name",
    "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_country", "shipping_total",
    "discount_total", "order_total", "customer_reference", "tags", "fraud_score",
)


@dataclass(frozen=True)
class Trip:
    source: Sql
    target: Sql
    numbers: tuple[str, ...]  # the orders exported, oldest first, found with plain SQL
    seasoned: dict[str, str]  # what was put into the source: its name -> the order number
    reports: dict[str, ImportReport]


def _in_range(sql: Sql) -> list[Any]:
    rows = sql.rows("SELECT o.* FROM orders o JOIN organisations g ON g.id = o.org_id WHERE g.code = 'BTOOLS' "
                    "ORDER BY o.placed_at, o.id")
    return [row for row in rows if START <= parse_ts(row["placed_at"]) < END]


def _season(sql: Sql) -> dict[str, str]:
    """Put into the source what a round trip could lose; the order each went into, by name."""
    orders = _in_range(sql)
    paid = [o for o in orders if o["payment_status"] == "Paid" and o["order_total"] > 2000
            and sql.scalar("SELECT COUNT(*) FROM payments WHERE order_id = ?", (o["id"],)) == 1]
    picked = {"hostile": orders[5], "non_ascii": orders[11], "microseconds": paid[0], "split": paid[1],
              "split_in_three": paid[2]}
    for name, values in (("hostile", HOSTILE), ("non_ascii", NON_ASCII)):
        sets = ", ".join(f"{column} = ?" for column in values)
        sql.execute(f"UPDATE orders SET {sets} WHERE id = ?", (*values.values(), picked[name]["id"]))
    sql.execute("UPDATE order_lines SET product_name = ? WHERE order_id = ?", ("=1+2 [red]", picked["hostile"]["id"]))
    sql.execute("UPDATE order_lines SET product_name = ? WHERE order_id = ?", ("Schraubendreher „Größe 2“",
                                                                              picked["non_ascii"]["id"]))
    micro = picked["microseconds"]
    sql.execute("UPDATE orders SET placed_at = substr(placed_at, 1, 19) || '.123456' WHERE id = ?", (micro["id"],))
    sql.execute("UPDATE payments SET paid_at = substr(paid_at, 1, 19) || '.987654' WHERE order_id = ?", (micro["id"],))
    for name, parts in (("split", 2), ("split_in_three", 3)):
        order = picked[name]
        first = sql.one("SELECT * FROM payments WHERE order_id = ?", (order["id"],))
        part = 1000
        sql.execute("UPDATE payments SET amount = ? WHERE id = ?", (first["amount"] - part * (parts - 1), first["id"]))
        for index in range(1, parts):
            at = (parse_ts(first["paid_at"]) + timedelta(hours=index, microseconds=250_000 * index))
            sql.execute("INSERT INTO payments (order_id, method, status, amount, reference, comment, source, paid_at, "
                        "recorded_at, recorded_by) VALUES (?, ?, 'Paid', ?, ?, '', 'manual', ?, ?, 'sam')",
                        (order["id"], ("Bacs", "Cheque")[index - 1], part, f"PART-{index} =SUM(1)",
                         at.strftime("%Y-%m-%d %H:%M:%S.%f"), first["recorded_at"]))
    return {name: order["number"] for name, order in picked.items()}


@pytest.fixture(scope="module")
def trip(demo_template: Path, reference_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trip]:
    folder = tmp_path_factory.mktemp("round-trip")
    shutil.copyfile(demo_template, folder / "source.db")
    shutil.copyfile(reference_template, folder / "target.db")
    source, target = Sql(folder / "source.db"), Sql(folder / "target.db")
    seasoned = _season(source)
    numbers = tuple(o["number"] for o in _in_range(source))
    stores = [Store(f"sqlite:///{folder / name}") for name in ("source.db", "target.db")]
    try:
        exporter = open_context(stores[0], "sam", clock=fixed_clock, tz=TZ)
        for kind in KINDS:
            export_sheet(exporter, kind, folder / f"{kind}.xlsx", span=ExportRange(Period.LAST_30_DAYS))
        importer = open_context(stores[1], "sam", clock=fixed_clock, tz=TZ)
        reports = {kind: import_file(importer, kind, folder / f"{kind}.xlsx") for kind in KINDS}
        yield Trip(source, target, numbers, seasoned, reports)
    finally:
        for store in stores:
            store.dispose()


def _to_the_millisecond(text: str) -> datetime:
    """A stored time rounded to the millisecond, as a spreadsheet's date cell keeps it."""
    moment = parse_ts(text)
    return moment.replace(microsecond=0) + timedelta(milliseconds=round(moment.microsecond / 1000))


def _orders(sql: Sql, numbers: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    rows = sql.rows("SELECT o.*, m.code AS microsite FROM orders o JOIN microsites m ON m.id = o.microsite_id "
                    "JOIN organisations g ON g.id = o.org_id WHERE g.code = 'BTOOLS'")
    wanted = set(numbers)
    return {row["number"]: dict(row) for row in rows if row["number"] in wanted}


def _lines(sql: Sql) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sql.rows(
        "SELECT o.number, l.line_no, l.stock_code, l.product_name, l.quantity, l.unit_price, l.discount, l.line_total, "
        "p.stock_code FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "LEFT JOIN products p ON p.id = l.product_id "
        "ORDER BY o.number, l.line_no")]


def _payments(sql: Sql, numbers: tuple[str, ...]) -> list[tuple[Any, ...]]:
    wanted = set(numbers)
    return [(row["number"], row["method"], row["status"], row["amount"], row["reference"],
             _to_the_millisecond(row["paid_at"]))
            for row in sql.rows("SELECT o.number, p.* FROM payments p JOIN orders o ON o.id = p.order_id "
                                "ORDER BY o.number, p.id") if row["number"] in wanted]


# --------------------------------------------------------------------------- the files went in whole


def test_each_file_is_imported_whole(trip: Trip) -> None:
    source_lines = [line for line in _lines(trip.source) if line[0] in set(trip.numbers)]
    source_payments = _payments(trip.source, trip.numbers)
    assert len(trip.numbers) > 300 and len(source_lines) > len(trip.numbers) + 100
    summary = {kind: (report.written, report.problems, report.rows) for kind, report in trip.reports.items()}
    assert summary == {"orders": (True, (), len(trip.numbers)), "items": (True, (), len(source_lines)),
                       "payments": (True, (), len(source_payments))}
    assert trip.reports["orders"].created == len(trip.numbers)


# --------------------------------------------------------------------------- orders


def test_the_orders_are_the_same(trip: Trip) -> None:
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    assert sorted(target) == sorted(source) == sorted(trip.numbers)
    assert {n: tuple(o[c] for c in ORDER_COLUMNS) for n, o in target.items()} == \
        {n: tuple(o[c] for c in ORDER_COLUMNS) for n, o in source.items()}
    # What the seasoning put in came back as it was (compared above; named here for the reader).
    hostile, foreign = target[trip.seasoned["hostile"]], target[trip.seasoned["non_ascii"]]
    assert {column: hostile[column] for column in HOSTILE} == HOSTILE
    assert {column: foreign[column] for column in NON_ASCII} == NON_ASCII


def test_the_orders_lines_totals_are_the_same(trip: Trip) -> None:
    """lines_total is not a column: the items import sums the lines it gives an order."""
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    assert {n: o["lines_total"] for n, o in target.items()} == {n: o["lines_total"] for n, o in source.items()}
    assert source


def test_placed_at_comes_back_to_the_millisecond(trip: Trip) -> None:
    """A spreadsheet keeps a date to the millisecond (openpyxl reads it so): an order placed at
    .123456 of a second comes back at .123000, every other to the microsecond it had."""
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    assert {n: parse_ts(o["placed_at"]) for n, o in target.items()} == \
        {n: _to_the_millisecond(o["placed_at"]) for n, o in source.items()}
    micro = trip.seasoned["microseconds"]
    assert parse_ts(source[micro]["placed_at"]).microsecond == 123456
    assert parse_ts(target[micro]["placed_at"]).microsecond == 123000


# --------------------------------------------------------------------------- lines


def test_the_lines_are_the_same(trip: Trip) -> None:
    wanted = set(trip.numbers)
    source = [line for line in _lines(trip.source) if line[0] in wanted]
    target = _lines(trip.target)
    assert target == source
    assert len({line[0] for line in source}) == len(wanted)  # every order has lines
    assert [line[3] for line in target if line[0] == trip.seasoned["hostile"]][0] == "=1+2 [red]"


# --------------------------------------------------------------------------- payments
#
# The orders file carries payment_taken (what each order has been paid) so that an orders file
# imported alone leaves a paid order paid: the orders import records it as one payment of its
# own, referenced "import orders.xlsx". The payments file that follows brings the payments
# themselves, which take its place: after both, each order has exactly the payments it had.

PLACEHOLDER = "import orders.xlsx"  # the reference of the payment the orders import records


def test_every_payment_of_the_file_comes_back(trip: Trip) -> None:
    source, target = _payments(trip.source, trip.numbers), _payments(trip.target, trip.numbers)
    assert [p for p in target if p[4] != PLACEHOLDER] == source
    split = [p for p in target if p[0] == trip.seasoned["split_in_three"] and p[4] != PLACEHOLDER]
    assert [(p[1], p[3], p[4]) for p in split[1:]] == [("Bacs", 1000, "PART-1 =SUM(1)"),
                                                      ("Cheque", 1000, "PART-2 =SUM(1)")]
    micro = [p for p in target if p[0] == trip.seasoned["microseconds"] and p[4] != PLACEHOLDER]
    assert [p[5].microsecond for p in micro] == [988000]  # .987654 to the millisecond


def test_no_payment_is_added_to_them(trip: Trip) -> None:
    assert _payments(trip.target, trip.numbers) == _payments(trip.source, trip.numbers)


def test_the_paid_totals_are_the_same(trip: Trip) -> None:
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    assert {n: o["paid_total"] for n, o in target.items()} == {n: o["paid_total"] for n, o in source.items()}
    assert source


def _no_refund(order: dict[str, Any]) -> bool:
    return order["payment_status"] not in ("Refunded", "PartiallyRefunded")


def test_the_payment_status_is_the_same(trip: Trip) -> None:
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    kept = {n for n, o in source.items() if _no_refund(o)}
    assert {n: target[n]["payment_status"] for n in kept} == {n: source[n]["payment_status"] for n in kept}
    assert {source[n]["payment_status"] for n in kept} >= {"Paid", "Declined", "Authorized", "Pending"}


def test_a_refunded_order_stays_refunded(trip: Trip) -> None:
    source, target = _orders(trip.source, trip.numbers), _orders(trip.target, trip.numbers)
    refunded = {n for n, o in source.items() if not _no_refund(o)}
    assert {n: target[n]["payment_status"] for n in refunded} == {n: source[n]["payment_status"] for n in refunded}
    assert refunded


# --------------------------------------------------------------------------- when the clocks go back


def test_a_time_in_the_hour_the_clocks_repeat_comes_back_the_same(demo_db: Path, reference_template: Path,
                                                                  tmp_path: Path) -> None:
    """On 2026-10-25 London's clocks go back at 02:00 BST: 01:30 on the wall comes twice, at 00:30
    and at 01:30 UTC. A date cell holds only the wall-clock time, which the import reads as the
    first; the export writes the second as text with its offset, which the import reads exactly."""
    source = Sql(demo_db)
    first, second = _in_range(source)[:2]
    moved = {first["number"]: "2026-10-25 00:30:00.000000", second["number"]: "2026-10-25 01:30:00.250000"}
    for number, at in moved.items():
        source.execute("UPDATE orders SET placed_at = ? WHERE number = ?", (at, number))
        source.execute("UPDATE payments SET paid_at = ? WHERE order_id = (SELECT id FROM orders WHERE number = ?)",
                       (at, number))
    target_path = tmp_path / "target.db"
    shutil.copyfile(reference_template, target_path)
    stores = [Store(f"sqlite:///{demo_db}"), Store(f"sqlite:///{target_path}")]
    try:
        exporter = open_context(stores[0], "sam", clock=fixed_clock, tz=TZ)
        day = ExportRange(date_from=datetime(2026, 10, 25).date(), date_to=datetime(2026, 10, 25).date())
        for kind in ("orders", "payments"):
            export_sheet(exporter, kind, tmp_path / f"{kind}.xlsx", span=day)
        importer = open_context(stores[1], "sam", clock=fixed_clock, tz=TZ)
        reports = [import_file(importer, kind, tmp_path / f"{kind}.xlsx") for kind in ("orders", "payments")]
    finally:
        for store in stores:
            store.dispose()
    assert [(r.written, r.problems) for r in reports] == [(True, ()), (True, ())]
    target = Sql(target_path)
    back = {n: target.scalar("SELECT placed_at FROM orders WHERE number = ?", (n,)) for n in moved}
    assert back == moved
    paid = {n: [r["paid_at"] for r in target.rows("SELECT p.paid_at FROM payments p JOIN orders o ON o.id = p.order_id "
                                                   "WHERE o.number = ? AND p.reference != ?", (n, PLACEHOLDER))]
            for n in moved}
    assert paid == {n: [at] for n, at in moved.items()}
    written = openpyxl.load_workbook(tmp_path / "orders.xlsx", read_only=True).active
    cells = {row[0]: row[5] for row in written.iter_rows(min_row=2, values_only=True)}
    assert (cells[first["number"]], cells[second["number"]]) == (datetime(2026, 10, 25, 1, 30),
                                                                 "2026-10-25 01:30:00.250000+00:00")


# --------------------------------------------------------------------------- edited in a spreadsheet


def test_an_export_edited_in_a_spreadsheet_updates_the_orders(demo_db: Path, tmp_path: Path) -> None:
    """A supervisor opens the export (here openpyxl, which writes the whole workbook again),
    changes a status and a tag, types a word for a number and saves: the import names the wrong
    cell by the row the spreadsheet shows, --errors writes that row; corrected, it updates."""
    sql = Sql(demo_db)
    store = Store(f"sqlite:///{demo_db}")
    try:
        ctx = open_context(store, "sam", clock=fixed_clock, tz=TZ)
        path = tmp_path / "orders.xlsx"
        export_sheet(ctx, "orders", path, span=ExportRange(Period.LAST_7_DAYS))
        book = openpyxl.load_workbook(path)
        sheet = book.active
        header = [cell.value for cell in sheet[1]]
        numbers = [sheet.cell(row, 1).value for row in (2, 3)]
        sheet.cell(2, header.index("status") + 1).value = "OnHold"
        sheet.cell(2, header.index("tags") + 1).value = "'=urgent"  # typed with a guard, as the export writes it
        sheet.cell(3, header.index("fraud_score") + 1).value = "high"
        book.save(path)
        refused = import_file(ctx, "orders", path)
        assert not refused.written
        assert [(p.row, p.column, p.value) for p in refused.problems] == [(3, "fraud_score", "high")]
        errors = tmp_path / "errors.csv"
        write_errors(refused, errors, path)
        first_error = errors.read_text().splitlines()[1]
        assert first_error.startswith(f"3,fraud_score,high,'high' is not a whole number,{numbers[1]},")
        sheet.cell(3, header.index("fraud_score") + 1).value = 99
        book.save(path)
        report = import_file(ctx, "orders", path)
    finally:
        store.dispose()
    assert (report.written, report.problems, report.updated) == (True, (), 2)
    first, second = sql.order(numbers[0]), sql.order(numbers[1])
    assert (first["status"], first["tags"], second["fraud_score"]) == ("OnHold", "=urgent", 99)
