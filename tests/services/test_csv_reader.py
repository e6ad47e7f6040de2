"""Reading CSV files to import (issue 13): a corpus of small files written in tmp_path, every
encoding, delimiter and line end the import accepts, every file it refuses as a whole, the
Shopify fixture, and a large file read in flat memory."""

from __future__ import annotations

import csv
import importlib
import io
import os
import stat
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubtui.domain.csv_values import parse_csv_money
from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS, ORDER_OPTIONAL
from hubtui.services import csv_reader
from hubtui.services.csv_reader import (
    SAMPLE_SIZE,
    CsvFileError,
    CsvHeaderError,
    CsvRows,
    check_header,
    open_rows,
)
from hubtui.services.errors import InvalidInput

SHOPIFY = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "shopify_orders_export.csv"
LIMIT = 10 * 1024 * 1024
ITEMS = ",".join(ITEM_COLUMNS)


def write(tmp_path: Path, data: bytes | str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def read(path: Path, limit: int = LIMIT) -> tuple[CsvRows, list[tuple[int, dict[str, str]]]]:
    with open_rows(path, size_limit=limit) as rows:
        return rows, list(rows)


def refusal(path: Path | str, limit: int = LIMIT) -> CsvFileError:
    """The error reading the whole of `path` raises."""
    with pytest.raises(CsvFileError) as caught:
        with open_rows(path, size_limit=limit) as rows:
            list(rows)
    assert "\n" not in str(caught.value)
    return caught.value


# ----------------------------------------------------------------------------- what is accepted

def test_a_utf8_file_is_read_row_by_row(tmp_path):
    path = write(tmp_path, f"{ITEMS}\nBT0000001,DRI-1000,Drill,2,12.50,0.00\nBT0000001,SAW-2000,Saw,1,30.00,1.50\n")
    rows, found = read(path)
    assert (rows.header, rows.delimiter, rows.encoding, rows.encoding_label) == (ITEM_COLUMNS, ",", "utf-8", "UTF-8")
    assert found == [
        (2, {"order_number": "BT0000001", "stock_code": "DRI-1000", "product_name": "Drill", "quantity": "2",
             "unit_price": "12.50", "discount": "0.00"}),
        (3, {"order_number": "BT0000001", "stock_code": "SAW-2000", "product_name": "Saw", "quantity": "1",
             "unit_price": "30.00", "discount": "1.50"}),
    ]
    assert [values.problem for _, values in found] == [None, None]


def test_a_utf8_file_with_a_byte_order_mark(tmp_path):
    path = write(tmp_path, "\ufeff" + f"{ITEMS}\nBT1,DRI-1000,Bohrmaschine Größe 2,1,12.50,0\n")
    rows, found = read(path)
    assert (rows.encoding, rows.encoding_label) == ("utf-8-sig", "UTF-8 with BOM")
    assert rows.header[0] == "order_number"
    assert found[0][1]["product_name"] == "Bohrmaschine Größe 2"


def test_a_windows_1252_file(tmp_path):
    text = "order_number,customer_last_name,note\nBT1,Müller,costs £5 or €6 – “quoted”\nBT2,Zoë O’Brien,café\n"
    path = write(tmp_path, text, encoding="cp1252")
    rows, found = read(path)
    assert (rows.encoding, rows.encoding_label) == ("cp1252", "Windows-1252")
    assert [values["customer_last_name"] for _, values in found] == ["Müller", "Zoë O’Brien"]
    assert found[0][1]["note"] == "costs £5 or €6 – “quoted”"


def test_the_same_text_in_utf8_is_not_taken_for_windows_1252(tmp_path):
    """charset-normalizer alone ranks this short UTF-8 sample as Windows-1252 ("MÃ¼ller")."""
    path = write(tmp_path, "name,city\nMüller,Zürich £5 €3\n")
    rows, found = read(path)
    assert rows.encoding == "utf-8"
    assert found == [(2, {"name": "Müller", "city": "Zürich £5 €3"})]


def test_a_semicolon_file_with_decimal_commas(tmp_path):
    path = write(tmp_path, f"{ITEMS.replace(',', ';')}\nBT1;DRI-1000;Drill, cordless;2;12,50;1.234,00\n",
                 encoding="cp1252")
    rows, found = read(path)
    assert rows.delimiter == ";"
    values = found[0][1]
    assert values["product_name"] == "Drill, cordless"
    assert parse_csv_money(values["unit_price"], delimiter=rows.delimiter) == 1250
    assert parse_csv_money(values["discount"], delimiter=rows.delimiter) == 123400


def test_the_delimiter_is_told_from_the_header_not_from_the_values(tmp_path):
    path = write(tmp_path, 'order_number,"note; with semicolons;;",city\nBT1,"a;b;c",Leeds\n')
    rows, found = read(path)
    assert rows.delimiter == ","
    assert rows.header == ("order_number", "note;_with_semicolons;;", "city")
    assert found[0][1]["note;_with_semicolons;;"] == "a;b;c"


def test_an_excel_sep_line_names_the_delimiter_and_counts_as_a_line(tmp_path):
    path = write(tmp_path, "sep=;\r\norder_number;amount\r\nBT1;12,50\r\n")
    rows, found = read(path)
    assert (rows.delimiter, rows.header, rows.header_line) == (";", ("order_number", "amount"), 2)
    assert found == [(3, {"order_number": "BT1", "amount": "12,50"})]


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_crlf_and_lf_line_ends(tmp_path, ending):
    path = write(tmp_path, ending.join(["order_number,city", "BT1,Leeds", "BT2,York", ""]))
    _, found = read(path)
    assert found == [(2, {"order_number": "BT1", "city": "Leeds"}), (3, {"order_number": "BT2", "city": "York"})]


def test_a_last_line_without_a_line_end(tmp_path):
    _, found = read(write(tmp_path, "order_number,city\nBT1,Leeds"))
    assert found == [(2, {"order_number": "BT1", "city": "Leeds"})]


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_quoted_values_with_line_breaks_and_quotes_number_rows_by_their_first_line(tmp_path, ending):
    lines = ["order_number,shipping_line1,note",
             'BT1,"Flat 2', '12 High Street","said ""hello""', 'twice"',
             "BT2,1 Low Road,",
             'BT3,"a,b",""']
    path = write(tmp_path, ending.join(lines) + ending)
    _, found = read(path)
    assert [number for number, _ in found] == [2, 5, 6]
    assert found[0][1] == {"order_number": "BT1", "shipping_line1": f"Flat 2{ending}12 High Street",
                           "note": f'said "hello"{ending}twice'}
    assert found[2][1] == {"order_number": "BT3", "shipping_line1": "a,b", "note": ""}


def test_header_names_in_any_case_with_stray_spaces(tmp_path):
    path = write(tmp_path, " Order_Number ,STOCK_CODE,  Product Name,Quantity \nBT1,DRI-1000,Drill,2\n")
    rows, found = read(path)
    assert rows.header == ("order_number", "stock_code", "product_name", "quantity")
    assert found[0][1]["product_name"] == "Drill"


def test_blank_lines_and_lines_of_empty_values_are_skipped_but_counted(tmp_path):
    path = write(tmp_path, "order_number,city\n\nBT1,Leeds\n,\n  ,  \n\r\nBT2,York\n\n")
    _, found = read(path)
    assert found == [(3, {"order_number": "BT1", "city": "Leeds"}), (7, {"order_number": "BT2", "city": "York"})]


def test_a_header_only_file_has_no_rows(tmp_path):
    rows, found = read(write(tmp_path, "order_number,city\r\n"))
    assert (rows.header, found) == (("order_number", "city"), [])


def test_rows_that_do_not_line_up_with_the_header_say_so(tmp_path):
    path = write(tmp_path, "a,b,c,,\nshort,row\nlong,row,x,y\ntrailing,commas,ok,,,\nfine,row,3\n")
    rows, found = read(path)
    assert rows.header == ("a", "b", "c")  # trailing delimiters in the header name no column
    assert [(number, dict(values), values.problem) for number, values in found] == [
        (2, {"a": "short", "b": "row", "c": ""}, "the row has 2 values where the header has 3 columns"),
        (3, {"a": "long", "b": "row", "c": "x"},
         "the row has 4 values where the header has 3 columns (a delimiter in a value without quotes around it?)"),
        (4, {"a": "trailing", "b": "commas", "c": "ok"}, None),
        (5, {"a": "fine", "b": "row", "c": "3"}, None),
    ]


def test_values_are_kept_as_the_file_has_them(tmp_path):
    _, found = read(write(tmp_path, 'a,b\n  padded  ,"  quoted  "\n'))
    assert found == [(2, {"a": "  padded  ", "b": "  quoted  "})]


def test_a_plain_ascii_start_longer_than_the_sample_does_not_hide_windows_1252_later(tmp_path):
    head = "order_number,customer_last_name\n" + "".join(f"BT{n},Smith\n" for n in range(SAMPLE_SIZE // 4))
    path = write(tmp_path, head + "BT99999,Müller\nBT100000,Brontë\n", encoding="cp1252")
    assert path.stat().st_size > 2 * SAMPLE_SIZE
    rows, found = read(path)
    assert rows.encoding == "cp1252"
    assert [values["customer_last_name"] for _, values in found[-2:]] == ["Müller", "Brontë"]


def test_a_plain_ascii_start_then_utf8(tmp_path):
    head = "order_number,customer_last_name\n" + "".join(f"BT{n},Smith\n" for n in range(SAMPLE_SIZE // 4))
    rows, found = read(write(tmp_path, head + "BT99999,Müller\n"))
    assert rows.encoding == "utf-8"
    assert found[-1][1]["customer_last_name"] == "Müller"


def test_a_plain_ascii_file_reads_as_utf8(tmp_path):
    body = "order_number,city\n" + "BT1,Leeds\n" * (SAMPLE_SIZE // 5)
    rows, found = read(write(tmp_path, body))
    assert rows.encoding == "utf-8"
    assert len(found) == SAMPLE_SIZE // 5


def test_position_runs_to_the_size_for_a_progress_bar(tmp_path):
    path = write(tmp_path, "order_number,city\n" + "BT1,Leeds\n" * 1000)
    with open_rows(path, size_limit=LIMIT) as rows:
        assert rows.size == path.stat().st_size
        seen = [rows.position for _ in rows]
    assert seen[0] < seen[500] < seen[-1] == rows.size == rows.position


def test_the_rows_are_read_once(tmp_path):
    path = write(tmp_path, "a\n1\n")
    with open_rows(path, size_limit=LIMIT) as rows:
        assert list(rows) == [(2, {"a": "1"})]
        with pytest.raises(RuntimeError, match="read already"):
            iter(rows)
    assert repr(rows) == f"<CsvRows {path} UTF-8 delimiter=',' 1 columns>"


def test_closing_part_way_closes_the_file(tmp_path):
    path = write(tmp_path, "a\n1\n2\n3\n")
    rows = open_rows(path, size_limit=LIMIT)
    iterator = iter(rows)
    assert next(iterator) == (2, {"a": "1"})
    rows.close()
    assert rows._handle.closed
    assert list(iterator) == []


# ------------------------------------------------------------------------------- the Shopify file

def test_the_shopify_export_reads_like_the_csv_module_reads_it():
    with SHOPIFY.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.reader(handle))
    rows, found = read(SHOPIFY)
    assert rows.header == tuple(name.lower().replace(" ", "_") for name in expected[0])
    assert rows.header[:4] == ("name", "email", "financial_status", "paid_at")
    assert len(rows.header) == 79
    assert len(found) == len(expected) - 1 == 40
    assert [list(values.values()) for _, values in found] == expected[1:]
    assert [values.problem for _, values in found] == [None] * 40
    assert (rows.encoding, rows.delimiter) == ("utf-8", ",")
    assert found[0][1]["name"] == "#1001"


# ------------------------------------------------------------------------- files refused whole

def test_a_missing_file(tmp_path):
    assert str(refusal(tmp_path / "nope.csv")) == f"There is no file at {tmp_path / 'nope.csv'}."
    assert str(refusal(tmp_path / "nope" / "x.csv")).startswith("There is no file at")


def test_a_folder(tmp_path):
    assert str(refusal(tmp_path)) == f"{tmp_path} is a folder, not a CSV file."


def test_a_pipe(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "is not a regular file" in str(refusal(fifo))


def test_an_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "a\n1\n")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads it whatever its mode says: have the system refuse as it would
        real_open = os.open

        def refusing_open(name, flags, *args, **kwargs):
            if os.fspath(name) == str(path):
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, flags, *args, **kwargs)

        monkeypatch.setattr(csv_reader.os, "open", refusing_open)
    try:
        assert str(refusal(path)) == f"{path} cannot be read: Permission denied."
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_an_empty_file(tmp_path):
    path = write(tmp_path, b"")
    assert str(refusal(path)) == f"{path} is empty; a CSV file starts with a header line naming its columns."


@pytest.mark.parametrize("data", [b"\n\n", b" \r\n \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_a_file_of_blank_lines_is_empty(tmp_path, data):
    assert "holds only blank lines" in str(refusal(write(tmp_path, data)))


@pytest.mark.parametrize(("data", "says"), [
    (b"order_number,city\nBT1,Le\x00eds\n", "is not a text file (it holds NUL bytes)"),
    # Read as a workbook (services.xlsx_reader), which finds no zip archive behind the signature.
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "starts as a zip archive (an xlsx workbook is one) but is "
                                                        "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "is an Excel 97-2003 workbook (.xls)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF document, not a CSV file"),
    (bytes(range(1, 32)) * 20, "is not a text file (it holds control characters)"),
], ids=["nul", "xlsx", "xls", "pdf", "controls"])
def test_a_binary_file(tmp_path, data, says):
    assert says in str(refusal(write(tmp_path, data)))


def test_a_nul_byte_past_a_plain_ascii_sample_refuses_the_file_before_any_row(tmp_path):
    body = "order_number,city\n" + "BT1,Leeds\n" * (SAMPLE_SIZE // 5) + "BT2,\x00\n"
    path = write(tmp_path, body)
    with pytest.raises(CsvFileError, match="NUL bytes"):
        open_rows(path, size_limit=LIMIT)


def test_a_nul_byte_past_the_sample_of_a_non_ascii_file_names_its_line(tmp_path):
    body = "order_number,city\nBT0,Zürich\n" + "BT1,Leeds\n" * (SAMPLE_SIZE // 5) + "BT2,\x00\n"
    error = refusal(write(tmp_path, body))
    line = SAMPLE_SIZE // 5 + 3
    assert error.row == line
    assert f"line {line:,}: a NUL byte" in str(error)


def test_a_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, "order_number\n" + "BT1\n" * 300_000)
    error = refusal(path, limit=1_000_000)
    assert str(error) == (f"{path} is 1.1 MB, over the limit of 1,000,000 bytes for an import; split it into "
                          "smaller files.")
    assert read(path, limit=path.stat().st_size)[1][-1][0] == 300_001  # at the limit it is read


@pytest.mark.parametrize(("data", "says"), [
    (b"order_number,name\nBT1,\x81\x8d\x8f\x90\x9d\n", "is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8."),
    ("名前,都市\n山田,東京\n佐藤,大阪\n".encode("shift_jis"), "is neither UTF-8 nor Windows-1252 text"),
    ("order_number,city\nBT1,Leeds\n".encode("utf-16"), "is UTF-16 text, which is not read; save it as CSV UTF-8."),
    ("order_number,city\nBT1,Leeds\n".encode("utf-32"), "is UTF-32 text, which is not read"),
    (b"\xef\xbb\xbforder_number,city\nBT1,M\xfcller\n", "starts with a UTF-8 byte-order mark but is not UTF-8 text"),
], ids=["undefined-in-1252", "shift-jis", "utf-16", "utf-32", "bom-then-1252"])
def test_an_encoding_that_is_not_read(tmp_path, data, says):
    assert says in str(refusal(write(tmp_path, data)))


def test_a_line_past_the_sample_in_another_encoding_names_its_line(tmp_path):
    body = "order_number,city\nBT0,Zürich\n" + "BT1,Leeds\n" * (SAMPLE_SIZE // 5)
    path = write(tmp_path, body.encode("utf-8") + "BT2,Müller\n".encode("cp1252"))
    error = refusal(path)
    line = SAMPLE_SIZE // 5 + 3
    assert error.row == line
    assert str(error) == f"{path}, line {line:,} is not UTF-8 text, as the lines before it are; save it as CSV UTF-8."


@pytest.mark.parametrize(("data", "says"), [
    ("\norder_number,city\nBT1,Leeds\n", "has no header: line 1 is blank; the first line must name the columns."),
    ("  \t \r\norder_number\n", "has no header: line 1 is blank"),
    (",,,\n1,2,3,4\n", "has no header: line 1 names no columns"),
    ('"",""\n1,2\n', "has no header: line 1 names no columns"),
    ("sep=,\n\nBT1\n", "has no header: line 2 is blank"),
])
def test_no_header(tmp_path, data, says):
    assert says in str(refusal(write(tmp_path, data)))


@pytest.mark.parametrize(("data", "says"), [
    ("order_number,,city\nBT1,x,Leeds\n", ": column 2 of the header has no name; name every column."),
    ("a,,b,,c\n", ": columns 2, 4 of the header have no name"),
    ("Order Number,order_number,CITY,city\n", ": The header has columns named twice: order_number, city; each column "
                                              "may appear once."),
])
def test_a_header_with_unnamed_or_repeated_columns(tmp_path, data, says):
    error = refusal(write(tmp_path, data))
    assert isinstance(error, CsvHeaderError)
    assert says in str(error)


@pytest.mark.parametrize(("data", "says"), [
    ("order_number\tcity\nBT1\tLeeds\n", "is separated by tabs; save it as CSV, with commas or semicolons."),
    ("sep=|\norder_number|city\n", "says its delimiter is '|'; only comma and semicolon are read."),
    ("order_number,city\rBT1,Leeds\r", "ends its lines with CR alone (old Mac style)"),
])
def test_a_delimiter_or_line_end_that_is_not_read(tmp_path, data, says):
    assert says in str(refusal(write(tmp_path, data)))


def test_a_value_over_the_csv_field_limit_names_its_row(tmp_path):
    limit = csv.field_size_limit()
    path = write(tmp_path, f'order_number,note\nBT1,short\n\nBT2,"{"x" * (limit + 1)}"\nBT3,short\n')
    error = refusal(path)
    assert error.row == 4
    assert str(error) == (f"{path}, line 4: a value is longer than {limit:,} characters, the most a CSV value may "
                          "hold (is a quote left open?).")


def test_a_quote_never_closed_names_the_line_it_opens_on(tmp_path):
    path = write(tmp_path, 'order_number,note\nBT1,fine\nBT2,"opened\nand never\nclosed\n')
    error = refusal(path)
    assert (error.row, str(error)) == (3, f"{path}, line 3: a quote opened here is never closed.")


def test_text_after_a_closing_quote_names_its_line(tmp_path):
    path = write(tmp_path, 'order_number,note\nBT1,"said "hi" twice"\n')
    error = refusal(path)
    assert error.row == 2
    assert 'a quoted value has text after its closing quote; a quote inside a quoted value is written twice ("")' in (
        str(error))


def test_a_cr_alone_inside_the_rows_names_its_line(tmp_path):
    error = refusal(write(tmp_path, "order_number,city\nBT1,Leeds\rBT2,York\n"))
    assert error.row == 2
    assert "a line ends with CR alone" in str(error)


def test_a_bad_path(tmp_path):
    assert "NUL character" in str(refusal("a\x00b.csv"))
    assert str(refusal("  ")) == "Give the path of the CSV file to import."


def test_file_errors_are_invalid_input_on_the_file_field(tmp_path):
    error = refusal(tmp_path / "nope.csv")
    assert isinstance(error, InvalidInput)
    assert (error.field, error.row) == ("file", None)


# -------------------------------------------------------------------------------- header checks

def test_check_header_passes_a_header_that_fits():
    fits = [check_header(ORDER_COLUMNS, ORDER_COLUMNS, ORDER_OPTIONAL),
            check_header((*ORDER_COLUMNS, "payment_taken"), ORDER_COLUMNS, ORDER_OPTIONAL),
            check_header(("name", "vendor"), ("name",), allow_unknown=True)]
    assert fits == [None, None, None]  # none of them raises


def test_check_header_names_every_missing_and_unknown_column():
    header = ("order_number", "stok_code", "product_name", "qty", "colour")
    with pytest.raises(CsvHeaderError) as caught:
        check_header(header, ITEM_COLUMNS, file="items.csv")
    error = caught.value
    assert str(error) == ("items.csv: The header has missing columns stock_code, quantity, unit_price, discount; "
                          "unknown columns stok_code (did you mean stock_code?), qty, colour")
    assert (error.missing, error.unknown) == (("stock_code", "quantity", "unit_price", "discount"),
                                             ("stok_code", "qty", "colour"))


def test_check_header_suspects_a_file_without_a_header_line():
    with pytest.raises(CsvHeaderError, match=r"\(is the first line the header\?\)$"):
        check_header(("bt1", "dri-1000", "drill", "2", "12.50", "0"), ITEM_COLUMNS)


def test_the_header_read_from_a_file_is_checked(tmp_path):
    path = write(tmp_path, "Order_Number,Stock Code,PRODUCT_NAME,quantity,unit_price\n")
    with open_rows(path, size_limit=LIMIT) as rows:
        with pytest.raises(CsvHeaderError, match="missing column discount$"):
            check_header(rows.header, ITEM_COLUMNS)


# ---------------------------------------------------------------------------- written, then read

_PIECES = ["\n", "\r\n", '"', '""', ",", ";", " ", "sep=;"]
_TEXT = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=4)
                 | st.sampled_from(_PIECES), max_size=5).map("".join)
# Words a UK or European shop writes; arbitrary characters would not do, as some byte sequences
# are valid in both encodings ("Ã©" in Windows-1252 is "é" in UTF-8), and charset-normalizer
# rightly finds a soup of symbols such as "å€å" unlike any text.
_WORDS = ["Müller", "Zoë", "O’Brien", "Crème brûlée", "£5.00", "€6", "12 – 14", "“quoted”", "naïve", "Øresund",
          "São Paulo", "Straße", "½ price", "…", "café", "Smith", "Leeds", "Flat 2", "x"]
_WESTERN = st.lists(st.sampled_from(_WORDS) | st.sampled_from(_PIECES), max_size=5).map(" ".join)


def _round_trip(directory: Path, records: list[list[str]], delimiter: str, ending: str,
                encoding: str) -> tuple[object, object]:
    header = ["order_number", "name", "note"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
    writer.writerow(header)
    expected, line = [], 2
    for record in records:
        start = buffer.tell()
        writer.writerow(record)
        expected.append((line, dict(zip(header, record))))
        line += buffer.getvalue()[start:].count("\n")
    path = directory / "written.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    rows, found = read(path)
    return (rows.header, rows.delimiter, found), (tuple(header), delimiter, expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.from_regex(r"BT[0-9]{1,6}", fullmatch=True), _TEXT, _TEXT).map(list), max_size=8),
       st.sampled_from([",", ";"]), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["utf-8", "utf-8-sig"]))
def test_any_text_written_as_utf8_reads_back_the_same(tmp_path, records, delimiter, ending, encoding):
    read_back, written = _round_trip(tmp_path, records, delimiter, ending, encoding)
    assert read_back == written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.from_regex(r"BT[0-9]{1,6}", fullmatch=True), _WESTERN, _WESTERN).map(list),
                min_size=1, max_size=8),
       st.sampled_from([",", ";"]), st.sampled_from(["\n", "\r\n"]))
def test_western_text_written_as_windows_1252_reads_back_the_same(tmp_path, records, delimiter, ending):
    """Text such as a UK or European shop writes. (Some byte sequences are valid in both
    encodings, "Ã©" in Windows-1252 being "é" in UTF-8, so arbitrary text could not be told.)"""
    records[0][1] = "Müller £5 café"  # at least one word that only Windows-1252 encodes this way
    read_back, written = _round_trip(tmp_path, records, delimiter, ending, "cp1252")
    assert read_back == written


# ------------------------------------------------------------------------------- a large file

@pytest.mark.slow
def test_a_50_mb_file_is_read_in_flat_memory(tmp_path):
    path = tmp_path / "large.csv"
    note = "Leave with the neighbour at number 12 if nobody is in. " * 36  # about 2 KB a row
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_number", "customer_last_name", "order_total", "note"])
        for number in range(25_000):
            writer.writerow([f"BT{number:07d}", "Müller", "12.50", note])
    size = path.stat().st_size
    assert size > 50_000_000
    importlib.import_module("charset_normalizer")  # loaded before measuring: its import is not the reading

    started = time.perf_counter()
    tracemalloc.start()
    try:
        count = 0
        with open_rows(path, size_limit=size) as rows:
            _, opening = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            for number, values in rows:
                count += 1
            _, reading = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, number, values["order_number"]) == (25_000, 25_001, "BT0024999")
    # Measured: about 270 KB to open (the encoding sample) and 45 KB while reading 50 MB.
    assert opening < 1_000_000, f"opening took {opening:,} bytes"
    assert reading < 1_000_000, f"reading {size:,} bytes took {reading:,}"
    assert time.perf_counter() - started < 120
