"""Reading xlsx workbooks to import (issue 13): small workbooks written with openpyxl in tmp_path,
or taken apart and put together again with zipfile where a spreadsheet would write what openpyxl
does not (a formula's type, an error, a damaged part), read through csv_reader.open_rows as the
importer reads them; each hostile file refused with one line."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from hubtui.domain.csv_values import parse_csv_datetime, parse_csv_money
from hubtui.domain.import_columns import ITEM_COLUMNS
from hubtui.domain.import_rows import read_item
from hubtui.services.csv_reader import CsvFileError, CsvHeaderError, open_rows
from hubtui.services.xlsx_reader import MAX_ROWS, XlsxRows, cell_text

LIMIT = 10 * 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(path: Path, rows: list[list[object]], *, formats: dict[str, str] | None = None) -> Path:
    """A workbook whose first sheet holds `rows` (row 1 first); `formats` gives cells a number format."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    book.save(path)
    return path


def with_parts(path: Path, parts: dict[str, bytes | None]) -> Path:
    """The zip archive at `path` with `parts` put in (bytes) or taken out (None)."""
    with zipfile.ZipFile(path) as archive:
        kept = {name: archive.read(name) for name in archive.namelist()}
    kept.update(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in kept.items():
            if data is not None:
                archive.writestr(name, data)
    return path


def sheet_xml(rows: str, *, dimension: str | None = None, after: str = "") -> bytes:
    stated = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{stated}<sheetData>{rows}</sheetData>{after}</worksheet>'.encode()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def handmade(path: Path, rows: str, **options: str) -> Path:
    """A workbook openpyxl wrote, its sheet replaced by `rows` as a spreadsheet could write them."""
    workbook(path, [["x"]])
    return with_parts(path, {"xl/worksheets/sheet1.xml": sheet_xml(rows, **options)})


def read(path: Path, limit: int = LIMIT) -> tuple[XlsxRows, list[tuple[int, dict[str, str], str | None]]]:
    with open_rows(path, size_limit=limit) as rows:
        assert isinstance(rows, XlsxRows)
        return rows, [(number, dict(values), values.problem) for number, values in rows]


def refusal(path: Path, limit: int = LIMIT) -> CsvFileError:
    """The error reading the whole of `path` raises: one line, naming the file."""
    with pytest.raises(CsvFileError) as caught:
        with open_rows(path, size_limit=limit) as rows:
            list(rows)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
    return caught.value


# ----------------------------------------------------------------------------- what is read


def test_each_cell_becomes_the_text_a_csv_file_would_hold(tmp_path):
    path = workbook(tmp_path / "items.xlsx", [
        [*ITEM_COLUMNS, "paid_at", "note"],
        ["BT0000001", "BT-DRI-1000", "Drill „Größe 2“", 3, Decimal("12.50"), 0.1 + 0.2,
         datetime(2026, 11, 28, 14, 5, 0, 123456), "'=1+1"],
        ["BT0000002", "BT-SAW-2000", None, 2.0, 1234.5, None, date(2026, 11, 28), True],
        [None, None, None, None, None, None, None, None],  # a row of empty cells
        ["BT0000003", "BT-SAW-2000", "", 1, 0, 0, datetime(2026, 11, 28, 9, 30), "'[/]"],
    ], formats={"G2": "yyyy-mm-dd hh:mm:ss", "G3": "yyyy-mm-dd"})
    rows, found = read(path)
    assert rows.header == (*ITEM_COLUMNS, "paid_at", "note") and rows.delimiter == ","
    assert found == [
        (2, {"order_number": "BT0000001", "stock_code": "BT-DRI-1000", "product_name": "Drill „Größe 2“",
             "quantity": "3", "unit_price": "12.5", "discount": "0.3", "paid_at": "2026-11-28 14:05:00.123000",
             "note": "'=1+1"}, None),
        (3, {"order_number": "BT0000002", "stock_code": "BT-SAW-2000", "product_name": "", "quantity": "2",
             "unit_price": "1234.5", "discount": "", "paid_at": "2026-11-28", "note": "true"}, None),
        (5, {"order_number": "BT0000003", "stock_code": "BT-SAW-2000", "product_name": "", "quantity": "1",
             "unit_price": "0", "discount": "0", "paid_at": "2026-11-28 09:30:00", "note": "'[/]"}, None),
    ]
    # What the row readers make of it: the guard comes off, money and dates parse.
    record, problems = read_item(2, found[0][1])
    assert problems == [] and record is not None
    assert (record.quantity, record.unit_price, record.discount) == (3, 1250, 30)
    assert parse_csv_datetime(found[0][1]["paid_at"]) == datetime(2026, 11, 28, 14, 5, 0, 123000,
                                                                  tzinfo=parse_csv_datetime("2026-01-01").tzinfo)


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("  padded  ", "  padded  "), (True, "true"), (False, "false"), (3, "3"), (-7, "-7"),
    (12.5, "12.5"), (3.0, "3"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (1e-7, "0.0000001"), (1.5e20, "150000000000000000000"),
    (12345678901234567, "12345678901234567"), (1234567890123.45, "1234567890123.45"), (Decimal("12.50"), "12.50"),
    (datetime(2026, 11, 28), "2026-11-28"), (datetime(2026, 11, 28, 0, 0, 1), "2026-11-28 00:00:01"),
    (datetime(2026, 11, 28, 14, 5, 0, 5000), "2026-11-28 14:05:00.005000"), (date(2026, 2, 1), "2026-02-01"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_money_a_spreadsheet_summed_reads_as_the_amount_it_shows():
    assert parse_csv_money(cell_text(0.1 + 0.2)) == 30
    assert parse_csv_money(cell_text(19.99 * 3)) == 5997  # 59.970000000000006 as a float


def test_the_header_is_normalised_and_its_empty_end_left_out(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [[" Order_Number ", "Stock Code", None, None], ["BT1", "X", None, None]])
    rows, found = read(path)
    assert rows.header == ("order_number", "stock_code")
    assert found == [(2, {"order_number": "BT1", "stock_code": "X"}, None)]


def test_rows_are_numbered_as_the_sheet_numbers_them_and_missing_ones_skipped(tmp_path):
    path = handmade(tmp_path / "gaps.xlsx", "".join((
        f'<row r="1">{text_cell("A1", "a")}{text_cell("B1", "b")}</row>',
        f'<row r="4">{text_cell("B4", "only b")}</row>',
        '<row r="5"><c r="A5" s="0"/></row>',  # a cell with a style and nothing in it
        f'<row r="9"><c r="A9"><v>1</v></c>{text_cell("B9", "x")}</row>',
    )))
    _, found = read(path)
    assert found == [(4, {"a": "", "b": "only b"}, None), (9, {"a": "1", "b": "x"}, None)]


def test_a_stated_size_smaller_than_the_sheet_loses_nothing(tmp_path):
    """openpyxl stops at the last row and column a sheet states; the reader reads what is there."""
    path = handmade(tmp_path / "lying.xlsx", "".join(
        f'<row r="{n}">{text_cell(f"A{n}", f"a{n}")}{text_cell(f"B{n}", f"b{n}")}{text_cell(f"C{n}", f"c{n}")}</row>'
        for n in range(1, 6)), dimension="A1:B2")
    rows, found = read(path)
    assert rows.header == ("a1", "b1", "c1")
    assert [number for number, _, _ in found] == [2, 3, 4, 5] and found[-1][1] == {"a1": "a5", "b1": "b5", "c1": "c5"}


def test_text_a_spreadsheet_saved_as_shared_strings(tmp_path):
    """Excel and LibreOffice keep each text once, in xl/sharedStrings.xml, and the cell its index."""
    path = handmade(tmp_path / "shared.xlsx", "".join((
        f'<row r="1"><c r="A1" t="s"><v>0</v></c>{text_cell("B1", "name")}</row>',
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>',
        '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>3</v></c></row>',
    )))
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    shared = (f'<sst xmlns="{MAIN}"><si><t>order_number</t></si><si><t>BT0000001</t></si>'
              '<si><r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r></si><si><t>\'=1+1</t></si></sst>')
    override = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    with_parts(path, {"xl/sharedStrings.xml": shared.encode(),
                      "[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode()})
    assert read(path)[1] == [(2, {"order_number": "BT0000001", "name": "Rich text"}, None),
                             (3, {"order_number": "BT0000001", "name": "'=1+1"}, None)]


def test_a_formula_is_never_evaluated_its_saved_value_is_read(tmp_path):
    path = handmade(tmp_path / "formulas.xlsx", "".join((
        f'<row r="1">{text_cell("A1", "quantity")}{text_cell("B1", "name")}</row>',
        '<row r="2"><c r="A2"><f>1+1</f><v>5</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>',
    )))
    assert read(path)[1] == [(2, {"quantity": "5", "name": "ab"}, None)]


def test_an_error_a_formula_without_its_value_and_a_stray_value_are_problems_of_their_row(tmp_path):
    path = handmade(tmp_path / "problems.xlsx", "".join((
        f'<row r="1">{text_cell("A1", "order_total")}{text_cell("B1", "name")}</row>',
        '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + text_cell("B2", "ok") + "</row>",
        '<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="str"><f>C3&amp;"x"</f></c></row>',
        f'<row r="4"><c r="A4"><v>2</v></c>{text_cell("B4", "ok")}{text_cell("E4", "a note")}</row>',
        f'<row r="5"><c r="A5"><v>3</v></c>{text_cell("B5", "ok")}{text_cell("AE5", "far right")}</row>',
    )))
    _, found = read(path)
    assert found == [
        (2, {"order_total": "#DIV/0!", "name": "ok"}, "order_total (column A) holds the spreadsheet error #DIV/0!"),
        (3, {"order_total": "1", "name": ""},
         "name (column B) is a formula, not a value (its value was not saved with the file)"),
        (4, {"order_total": "2", "name": "ok"}, "column E holds 'a note' but the header does not name it"),
        (5, {"order_total": "3", "name": "ok"}, None),  # past the columns looked at (EXTRA_COLUMNS)
    ]


def test_content_decides_not_the_name(tmp_path):
    xlsx = workbook(tmp_path / "orders.csv", [["order_number"], ["BT1"]])
    csv = tmp_path / "orders.xlsx"
    csv.write_text("order_number\nBT2\n")
    with open_rows(xlsx, size_limit=LIMIT) as rows:
        assert (rows.kind, list(rows)) == ("xlsx", [(2, {"order_number": "BT1"})])
    with open_rows(csv, size_limit=LIMIT) as rows:
        assert (rows.kind, list(rows)) == ("csv", [(2, {"order_number": "BT2"})])


def test_position_runs_to_the_size_for_a_progress_bar(tmp_path):
    path = workbook(tmp_path / "p.xlsx", [["a"], *([str(n)] for n in range(50))])
    with open_rows(path, size_limit=LIMIT) as rows:
        assert (rows.position, rows.size) == (1, 51)  # the size the sheet states
        seen = [rows.position for _ in rows]
        assert seen == list(range(2, 52)) and rows.size == rows.position == 51
    assert rows.position == rows.size


def test_the_rows_are_read_once_and_closing_part_way_closes_the_file(tmp_path):
    path = workbook(tmp_path / "once.xlsx", [["a"], ["1"], ["2"]])
    rows = open_rows(path, size_limit=LIMIT)
    iterator = iter(rows)
    assert next(iterator) == (2, {"a": "1"})
    with pytest.raises(RuntimeError, match="read already"):
        iter(rows)
    rows.close()
    assert rows._handle.closed and list(iterator) == []
    assert repr(rows) == f"<XlsxRows {path} sheet 'Sheet' 1 columns>"


@pytest.mark.slow
def test_an_export_of_many_rows_is_read_without_holding_its_cells(tmp_path):
    """Memory does not grow with what the cells hold; it grows by about 85 bytes a row, the
    emptied element openpyxl's parser keeps for each row until the sheet ends (and, for a sheet
    that does not state its size, as the export's do not, while openpyxl looks for it on opening)."""
    path = tmp_path / "large.xlsx"
    book = openpyxl.Workbook(write_only=True)  # as the export writes: inline strings, no stated size
    sheet = book.create_sheet("items")
    sheet.append(list(ITEM_COLUMNS))
    rows = 10_000
    for number in range(rows):
        sheet.append([f"BT{number:07d}", "BT-DRI-1000", "Leave with the neighbour at number 12. " * 3, 2,
                      Decimal("12.50"), Decimal("0.00")])
    book.save(path)
    tracemalloc.start()
    try:
        with open_rows(path, size_limit=LIMIT) as opened:
            _, opening = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            count = sum(1 for _ in opened)
            _, reading = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(path) as archive:
        unpacked = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert count == rows and unpacked > 4_000_000
    # Measured: 2.8 MB to open and 3.2 MB while reading the 12.6 MB of sheet of 30,000 rows (1.0
    # and 1.3 MB for 5,000 rows, 7.6 and 8.1 MB for 90,000): 150 bytes a row and a megabyte
    # leave room, and are less than half of what the cells hold.
    bound = rows * 150 + 1_000_000
    assert opening < bound, f"opening took {opening:,} bytes"
    assert reading < bound, f"reading {unpacked:,} bytes of sheet took {reading:,}"


# ----------------------------------------------------------------------------- what is refused


def test_a_zip_signature_with_no_archive_behind_it(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert str(refusal(path)) == (f"{path} starts as a zip archive (an xlsx workbook is one) but is damaged (File is "
                                  "not a zip file); open it in a spreadsheet and save it again as an Excel workbook "
                                  "(.xlsx) or as CSV UTF-8.")


def test_a_workbook_cut_short(tmp_path):
    whole = workbook(tmp_path / "whole.xlsx", [["a"], *([str(n)] for n in range(2000))]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "starts as a zip archive (an xlsx workbook is one) but is damaged" in str(refusal(path))


@pytest.mark.parametrize(("parts", "says"), [
    ({"hello.txt": b"hi"}, "is a zip archive, not an xlsx workbook nor a CSV file; save it as an Excel workbook "
                           "(.xlsx)"),
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
     "is an OpenDocument file (.ods), not an xlsx workbook nor a CSV file"),
    ({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\x00"}, "is an Excel binary workbook (.xlsb)"),
], ids=["zip", "ods", "xlsb"])
def test_a_zip_archive_that_is_not_an_xlsx_workbook(tmp_path, parts, says):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert says in str(refusal(path))


def test_a_damaged_part(tmp_path):
    path = with_parts(workbook(tmp_path / "styles.xlsx", [["a"], ["1"]]), {"xl/styles.xml": b"<styleSheet"})
    assert re.fullmatch(rf"{re.escape(str(path))} is a damaged xlsx workbook \(.+\); open it in a spreadsheet and "
                        r"save it again as an Excel workbook \(\.xlsx\) or as CSV UTF-8\.", str(refusal(path)))


def test_a_sheet_that_breaks_off_is_refused_at_its_row(tmp_path):
    rows = "".join(f'<row r="{n}">{text_cell(f"A{n}", "x" * 40)}</row>' for n in range(1, 2001))
    path = handmade(tmp_path / "broken.xlsx", rows, dimension="A1:A2000")
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    cut = xml.index(b'<row r="700">') + 30  # inside row 700
    with_parts(path, {"xl/worksheets/sheet1.xml": xml[:cut]})
    read_before: list[int] = []
    with pytest.raises(CsvFileError) as caught:
        with open_rows(path, size_limit=LIMIT) as opened:
            read_before.extend(number for number, _ in opened)
    assert read_before == list(range(2, 700)) and caught.value.row == 700
    assert str(caught.value).startswith(f"{path}, row 700: the sheet is damaged (")


def test_a_workbook_over_the_size_limit(tmp_path):
    path = workbook(tmp_path / "big.xlsx", [["a"], *([f"row {n}"] for n in range(5000))])
    size = path.stat().st_size
    assert str(refusal(path, limit=size - 1)) == (f"{path} is {size:,} bytes, over the limit of {size - 1:,} bytes "
                                                  "for an import; split it into smaller files.")
    assert len(read(path, limit=size)[1]) == 5000  # at the limit it is read


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    """20 MB of sheet packed into a few kilobytes: over 16 times a 1 MB limit."""
    padding = " " * 20_000_000
    path = handmade(tmp_path / "bomb.xlsx", f'<row r="1">{text_cell("A1", "a")}</row>', after=padding)
    size = path.stat().st_size
    assert size < 100_000
    message = str(refusal(path, limit=1_000_000))
    assert message == (f"{path} would unpack to 19.1 MB, more than the 15.3 MB a workbook of {size:,} bytes may hold "
                       "(a zip bomb?); it is not read.")


def test_a_small_file_that_unpacks_to_far_more_than_its_size_is_refused_under_the_imports_limit(tmp_path):
    """Under the import's limit of 512 MB (16 times which is 8 GB) a file may still unpack to no
    more than 100 times its own size, or 64 MB."""
    path = handmade(tmp_path / "bomb.xlsx", f'<row r="1">{text_cell("A1", "a")}</row>', after=" " * 70_000_000)
    assert "would unpack to 66.8 MB, more than the 64.0 MB a workbook of" in str(refusal(path, limit=512 * 2**20))


def test_an_empty_sheet(tmp_path):
    path = handmade(tmp_path / "empty.xlsx", "")
    assert str(refusal(path)) == (f"{path}: sheet 'Sheet' is empty; its first row must name the columns, the rows "
                                  "below hold the values.")


def test_a_header_that_is_not_on_row_1(tmp_path):
    path = handmade(tmp_path / "low.xlsx", f'<row r="3">{text_cell("A3", "order_number")}</row>')
    assert str(refusal(path)) == (f"{path} has no header: row 1 of sheet 'Sheet' is empty and its first values are "
                                  "on row 3; the first row must name the columns.")


def test_a_header_with_a_nameless_column_or_a_name_twice(tmp_path):
    nameless = workbook(tmp_path / "nameless.xlsx", [["order_number", None, "quantity"]])
    assert str(refusal(nameless)) == f"{nameless}: column 2 of the header has no name; name every column."
    twice = workbook(tmp_path / "twice.xlsx", [["Quantity", "quantity "]])
    assert isinstance(refusal(twice), CsvHeaderError)


def test_a_workbook_without_a_worksheet(tmp_path):
    path = workbook(tmp_path / "charts.xlsx", [["a"]])
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
    with_parts(path, {"xl/workbook.xml": re.sub(r"<sheets>.*</sheets>", "<sheets/>", book).encode()})
    assert str(refusal(path)) == f"{path} has no worksheet (only charts?); the first sheet must hold the rows."


def test_rows_past_the_last_a_spreadsheet_has(tmp_path):
    """A row numbered past 1,048,576 would have openpyxl hand over a million empty rows first,
    and as many as the number says: the reader stops there."""
    last = MAX_ROWS + 1
    path = handmade(tmp_path / "far.xlsx", f'<row r="1">{text_cell("A1", "a")}</row>'
                                           f'<row r="{last}">{text_cell(f"A{last}", "x")}</row>')
    error = refusal(path)
    assert error.row == last
    assert str(error) == (f"{path}: sheet 'Sheet' goes on past row 1,048,576, the last a spreadsheet has: the file "
                          "is damaged.")
