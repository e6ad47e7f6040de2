"""Reading an xlsx workbook to import (SPEC 7, issue 13): the file an export writes, or one a
supervisor edited in a spreadsheet. csv_reader.open_rows hands a file here when its first bytes
are a zip archive's (never because of its name); the XlsxRows it gets back is read as a CsvRows
is: `header`, then (row number, RowValues) pairs, so the importer does not care which it has.

What is read: the first worksheet of the workbook, with openpyxl in read-only mode and
`data_only`: a formula is never evaluated, its value as the spreadsheet last saved it is read.
The sheet's XML is streamed and its cells are let go row by row, so memory does not grow with
what they hold; it grows by about 85 bytes a row, the emptied element openpyxl's parser keeps
for each row until the sheet ends (some 90 MB at a spreadsheet's last row), and openpyxl holds
the workbook's shared strings (a spreadsheet writes every text there, once) whole, within the
bound on what the workbook may unpack to. Row 1 is the
header; row numbers are the sheet's (the header is row 1), the ones a spreadsheet shows. A row
of empty cells is skipped, as a blank line of a CSV file is; empty columns at the end of the
header are left out.

Each cell becomes the text the row readers (domain.import_rows) read from a CSV file:

- text as it is (an export's guard on formula-looking text comes off in the row reader);
- a whole number as its digits (3 -> "3"); any other number with at most the 15 significant
  digits a spreadsheet keeps, so a float's binary tail never shows (12.5 -> "12.5", a sum
  0.1 + 0.2 -> "0.3"), never with an exponent;
- a date and time as "2026-11-28 14:05:00", with ".123000" when it has a fraction of a second
  (openpyxl reads a date cell to the millisecond, as spreadsheets keep it); a day (a date cell
  at midnight) as "2026-11-28"; a time alone as "14:05:00" (not a date: the row reader says
  so); True/False as "true"/"false";
- an empty cell as "".

A cell holding a spreadsheet's error (#DIV/0!, #REF!, a date out of range) makes its row a
problem (RowValues.problem), and so does a formula whose value was not saved when the sheet
says it has a text, logical or error type. A formula with a number type and no saved value
cannot be told from an empty cell without parsing the sheet a second time: it reads as "".
A value in one of the EXTRA_COLUMNS columns after the header's last is a problem of its row
too; cells further right are not read.

Refused as a whole (CsvFileError, one line): a damaged zip archive or workbook, a zip archive
that is not an xlsx workbook (an .ods, an .xlsb, a .docx), one that would unpack to far more
than a workbook of its size holds (a zip bomb: checked from the archive's directory before
anything is unpacked), a workbook without a worksheet, an empty first sheet, a header row that
names nothing, and, while the rows are read (with `row` set), XML that breaks off or rows past
the last a spreadsheet has.
"""

from __future__ import annotations

import math
import warnings
import zipfile
from collections.abc import Generator, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.cell.read_only import EMPTY_CELL  # what openpyxl gives where a row has no cell
from openpyxl.utils import get_column_letter

from hubtui.domain.text import printable
from hubtui.services.import_source import ClosesOnExit, CsvFileError, RowValues, header_names, size_words

__all__ = ["EXTRA_COLUMNS", "MAX_ROWS", "UNPACK_FACTOR", "UNPACK_FLOOR", "UNPACK_RATIO", "XlsxRows", "cell_text",
           "open_xlsx"]

MAX_ROWS = 1_048_576  # the last row of a sheet in Excel and LibreOffice
EXTRA_COLUMNS = 26  # columns after the header's last looked at for a stray value
# A zip bomb, told from the archive's directory (zipfile never unpacks more than a member's
# stated size): the parts may unpack to at most UNPACK_RATIO times the file's size (at least
# UNPACK_FLOOR), and never to more than UNPACK_FACTOR times the size limit of an import. A
# sheet's XML unpacks to 8-12 times its packed size; 100 leaves room for very repetitive
# sheets and still stops a small file that claims gigabytes.
UNPACK_RATIO = 100
UNPACK_FLOOR = 64 * 1024 * 1024
UNPACK_FACTOR = 16
_SAVE = "open it in a spreadsheet and save it again as an Excel workbook (.xlsx) or as CSV UTF-8"
_PARTS = ("[Content_Types].xml", "xl/workbook.xml")  # what makes a zip archive an xlsx workbook
_OTHER_ZIPS = (  # a part that names what else the archive is
    ("xl/workbook.bin", "an Excel binary workbook (.xlsb)"),
    ("content.xml", "an OpenDocument file (.ods)"),
    ("word/document.xml", "a Word document (.docx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
)
# The types a cell with a formula carries when its value was saved as text, a logical or an
# error; with no value beside it, the value was never saved.
_FORMULA_TYPES = frozenset({"str", "b", "e"})

# openpyxl warns about parts of a workbook it does not read (validations, a missing default
# style) and about dates out of range (the cell then reads as an error, reported with its row):
# of no use to an import, and noise on a terminal.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")


def cell_text(value: Any) -> str:
    """A cell's value, as openpyxl reads it, as the text a CSV file would hold (see the module)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0:
            return "0"
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if not (value.hour or value.minute or value.second or value.microsecond) and value.tzinfo is None:
            return value.date().isoformat()  # a day, as a date cell holds it
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _no_cells(cells: tuple[Any, ...]) -> bool:
    """Whether `cells` holds no cell of the sheet, only openpyxl's filler (told by identity:
    openpyxl's cells compare their attributes, and its filler has none of them)."""
    return not cells or (cells[0] is EMPTY_CELL and len(set(map(id, cells))) == 1)


def _reason(error: BaseException) -> str:
    text = printable(str(error), one_line=True).strip() or type(error).__name__
    return text if len(text) <= 160 else text[:159] + "…"


class XlsxRows(ClosesOnExit):
    """An open xlsx workbook, the header of its first sheet read: iterate once for (row number,
    RowValues) pairs, as a CsvRows.

    Close it (or use it in a `with`); it closes itself when the rows run out. `position` is the
    row of the sheet read last and `size` the sheet's last row as the sheet states it (0 when it
    does not), for a progress bar; when the rows run out both are the last row read."""

    kind = "xlsx"
    delimiter = ","  # what a money value's decimal point is told from: numbers never have a comma
    encoding = "utf-8"
    encoding_label = "xlsx workbook"
    header_line = 1

    def __init__(self, path: Path, shown: str, handle: BinaryIO, file_size: int, size_limit: int) -> None:
        self.path = path
        self.file_size = file_size
        self.size = 0
        self.header: tuple[str, ...] = ()
        self.sheet_title = ""
        self._shown = shown
        self._handle = handle
        self._size_limit = size_limit
        self._workbook: Any = None
        self._sheet: Any = None
        self._position = 0
        self._rows: Generator[tuple[int, RowValues], None, None] | None = None

    @property
    def position(self) -> int:
        return self.size if self._handle.closed else self._position

    def __iter__(self) -> Iterator[tuple[int, RowValues]]:
        if self._rows is not None or self._sheet is None:
            raise RuntimeError(f"The rows of {self._shown} have been read already; open the file again.")
        self._rows = self._records()
        return self._rows

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()
        self._close_sources()

    def _close_sources(self) -> None:
        if self._workbook is not None:
            self._workbook.close()  # closes openpyxl's archive; the file is ours
        self._handle.close()

    def __repr__(self) -> str:
        return f"<XlsxRows {self._shown} sheet {self.sheet_title!r} {len(self.header)} columns>"

    # -- opening -----------------------------------------------------------------------------

    def _open(self) -> None:
        self._check_archive()
        self._handle.seek(0)
        try:
            self._workbook = load_workbook(self._handle, read_only=True, data_only=True)
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged workbook fails in many ways in openpyxl
            raise CsvFileError(f"{self._shown} is a damaged xlsx workbook ({_reason(error)}); {_SAVE}.") from None
        if not self._workbook.worksheets:
            raise CsvFileError(f"{self._shown} has no worksheet (only charts?); the first sheet must hold the rows.")
        sheet = self._workbook.worksheets[0]
        self.sheet_title = sheet.title
        self.size = sheet.max_row or 0  # as the sheet states it, for progress only
        # The rows are read whatever the sheet states: openpyxl would stop at a stated last row
        # or column, and a writer that states them wrongly would lose rows without a word.
        sheet.reset_dimensions()
        self._sheet = sheet
        first = sheet.iter_rows(min_row=1, max_row=1)
        try:
            cells = self._next(first, 1) or ()
        finally:
            first.close()
        names = [cell_text(cell.value) for cell in cells]
        if not "".join(names).strip():
            raise CsvFileError(self._no_header())
        self.header = header_names(names, self._shown, "row 1")
        self._position = 1

    def _check_archive(self) -> None:
        shown = self._shown
        self._handle.seek(0)
        try:
            with zipfile.ZipFile(self._handle) as archive:
                parts = archive.infolist()
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - BadZipFile, and the OSError or ValueError a cut file gives
            raise CsvFileError(f"{shown} starts as a zip archive (an xlsx workbook is one) but is damaged "
                               f"({_reason(error)}); {_SAVE}.") from None
        names = {part.filename for part in parts}
        if not all(name in names for name in _PARTS):
            what = next((what for name, what in _OTHER_ZIPS if name in names), "a zip archive")
            raise CsvFileError(f"{shown} is {what}, not an xlsx workbook nor a CSV file; save it as an Excel "
                               "workbook (.xlsx) or as CSV UTF-8.")
        unpacked = sum(part.file_size for part in parts)
        bound = min(UNPACK_FACTOR * self._size_limit, max(UNPACK_RATIO * self.file_size, UNPACK_FLOOR))
        if unpacked > bound:
            raise CsvFileError(f"{shown} would unpack to {size_words(unpacked)}, more than the {size_words(bound)} "
                               f"a workbook of {size_words(self.file_size)} may hold (a zip bomb?); it is not read.")

    def _no_header(self) -> str:
        """Why a sheet whose first row is empty cannot be read: empty, or its header not on top."""
        assert self._sheet is not None
        rows = self._sheet.iter_rows(min_row=2, max_col=EXTRA_COLUMNS)
        try:
            for number in range(2, MAX_ROWS + 1):
                cells = self._next(rows, number)
                if cells is None:
                    break
                if not _no_cells(cells) and "".join(cell_text(cell.value) for cell in cells).strip():
                    return (f"{self._shown} has no header: row 1 of sheet {self.sheet_title!r} is empty and its "
                            f"first values are on row {number:,}; the first row must name the columns.")
        finally:
            rows.close()
        return (f"{self._shown}: sheet {self.sheet_title!r} is empty; its first row must name the columns, the "
                "rows below hold the values.")

    def _next(self, rows: Iterator[Any], number: int) -> Any:
        """The next row from openpyxl (None after the last); a workbook that breaks off or does
        not parse is refused at row `number`."""
        try:
            return next(rows, None)
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - XML, zip and value errors from openpyxl's reader
            raise CsvFileError(f"{self._shown}, row {number:,}: the sheet is damaged ({_reason(error)}); {_SAVE}.",
                               row=number) from None

    # -- reading -----------------------------------------------------------------------------

    def _records(self) -> Generator[tuple[int, RowValues], None, None]:
        sheet = self._sheet
        assert sheet is not None
        header = self.header
        width = len(header)
        rows = sheet.iter_rows(min_row=2, max_col=width + EXTRA_COLUMNS)
        number = 1
        gap = None
        try:
            while True:
                number += 1
                cells = self._next(rows, number)
                if cells is None:
                    break
                if number > MAX_ROWS:
                    raise CsvFileError(f"{self._shown}: sheet {self.sheet_title!r} goes on past row {MAX_ROWS:,}, the "
                                       "last a spreadsheet has: the file is damaged.", row=number)
                self._position = number
                if number > self.size:  # past the last row the sheet states
                    self.size = number
                if cells is gap:
                    continue  # a row missing from the sheet: openpyxl gives the same filler for each
                if _no_cells(cells):
                    gap = cells
                    continue
                values = self._values(header, cells)
                if values is not None:
                    yield number, values
            self.size = self._position
        finally:
            rows.close()
            self._close_sources()

    def _values(self, header: tuple[str, ...], cells: tuple[Any, ...]) -> RowValues | None:
        """A row's RowValues, None for a row of empty cells."""
        width = len(header)
        texts: list[str] = []
        problems: list[str] = []
        for index, cell in enumerate(cells[:width]):
            value = cell.value
            if value is None:
                texts.append("")
                if cell.data_type in _FORMULA_TYPES:
                    problems.append(f"{self._column(index)} is a formula, not a value (its value was not saved "
                                    "with the file)")
            elif type(value) is str and cell.data_type != "e":
                texts.append(value)
            else:
                if cell.data_type == "e":
                    problems.append(f"{self._column(index)} holds the spreadsheet error {printable(str(value))}")
                texts.append(cell_text(value))
        extra = cells[width:]
        stray = None if _no_cells(extra) else next(
            (index for index, cell in enumerate(extra, start=width)
             if cell.value is not None and cell_text(cell.value).strip()), None)
        if stray is not None:
            shown = printable(cell_text(cells[stray].value), one_line=True)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            problems.append(f"column {get_column_letter(stray + 1)} holds {shown!r} but the header does not name it")
        elif not problems and not "".join(texts).strip():
            return None
        if len(texts) < width:
            texts.extend([""] * (width - len(texts)))
        values = RowValues(zip(header, texts))
        if problems:
            values.problem = "; ".join(problems)
        return values

    def _column(self, index: int) -> str:
        name = self.header[index] if index < len(self.header) else ""
        return f"{name} (column {get_column_letter(index + 1)})" if name else f"column {get_column_letter(index + 1)}"


def open_xlsx(path: Path, shown: str, handle: BinaryIO, file_size: int, size_limit: int) -> XlsxRows:
    """The workbook at `path`, open in `handle` (at most `size_limit` bytes: csv_reader.open_rows
    checked), its first sheet's header read. CsvFileError when it cannot be imported at all; the
    handle is then closed."""
    rows = XlsxRows(path, shown, handle, file_size, size_limit)
    try:
        rows._open()
    except BaseException:
        rows.close()
        raise
    return rows
