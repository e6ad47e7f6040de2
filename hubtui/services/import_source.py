"""What every file to import shares, whatever its format (services.csv_reader for CSV,
services.xlsx_reader for xlsx workbooks): the error that refuses a file as a whole, one row's
values, and the reading and checking of the header.

csv_reader.open_rows opens either kind; the two readers give the importer the same thing: a
`header` of normalised names and (row number, RowValues) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Self

from hubtui.domain.csv_values import check_header_names, normalise_header
from hubtui.services.errors import InvalidInput

class ClosesOnExit:
    """A source of rows used in a `with`: closed when the block ends, however it ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


__all__ = ["ClosesOnExit", "CsvFileError", "CsvHeaderError", "RowValues", "check_header", "header_names", "size_words"]


class CsvFileError(InvalidInput):
    """The file cannot be imported at all; the message is one line naming the file and why.

    `row` is the line of the file (the row of a sheet) the trouble is on when it was found while
    reading the rows, None when it concerns the file as a whole. The name is older than the
    xlsx import: a workbook is refused with it too."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message, "file")
        self.row = row


class CsvHeaderError(CsvFileError):
    """The header does not fit the kind of file: every missing, unknown and repeated column is
    named in the message, and listed in the attributes."""

    def __init__(self, message: str, *, missing: Sequence[str] = (), unknown: Sequence[str] = (),
                 duplicated: Sequence[str] = ()) -> None:
        super().__init__(message, row=None)
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        self.duplicated = tuple(duplicated)


class RowValues(dict[str, str]):
    """One record: each header column to its text as the file has it (not stripped).

    `problem` is None when the record has as many values as the header has columns. A shorter
    record has the missing columns as "" and `problem` says so; a longer one whose extra values
    are not all blank (a delimiter inside an unquoted value shifts every column after it) has
    `problem` set too, its extra values left out. A sheet's row has `problem` set for a value in
    a column the header does not name, and for a cell that holds a spreadsheet's error or a
    formula without its value. The importer reports the row with it."""

    problem: str | None = None


def check_header(header: Sequence[str], required: Iterable[str], optional: Iterable[str] = (), *,
                 allow_unknown: bool = False, file: str | None = None) -> None:
    """Refuse a header that lacks a required column, has one neither required nor optional
    (unless `allow_unknown`), or names one twice: CsvHeaderError naming every one of them, with
    `file` in front of the message when given."""
    found = check_header_names(header, required, optional, allow_unknown=allow_unknown)
    if found.ok:
        return
    message = f"{file}: {found.message}" if file else found.message
    if found.missing and len(found.missing) == len(set(normalise_header(name) for name in required)):
        message += " (is the first line the header?)"
    raise CsvHeaderError(message, missing=found.missing, unknown=found.unknown, duplicated=found.duplicated)


def header_names(names: Sequence[str], shown: str, where: str) -> tuple[str, ...]:
    """The header of the file `shown`, from the `names` its first line or row holds (`where`:
    "line 1", "row 1"): normalised, without the nameless columns at its end (trailing
    delimiters, empty cells); refused when it names nothing, leaves a column nameless or names
    one twice."""
    header = [normalise_header(name) for name in names]
    while header and not header[-1]:
        header.pop()
    unit = where.split()[0]
    if not header:
        raise CsvFileError(f"{shown} has no header: {where} names no columns; the first {unit} must name the "
                           "columns.")
    blank = [str(index) for index, name in enumerate(header, 1) if not name]
    if blank:
        raise CsvHeaderError(f"{shown}: column{'s' if len(blank) > 1 else ''} {', '.join(blank)} of the "
                             "header ha" + ("ve" if len(blank) > 1 else "s") + " no name; name every column.")
    found = check_header_names(header, (), allow_unknown=True)
    if found.duplicated:
        raise CsvHeaderError(f"{shown}: {found.message}; each column may appear once.", duplicated=found.duplicated)
    return tuple(header)


def size_words(count: int) -> str:
    """A number of bytes as a message gives it: "1,000 bytes", "1.1 MB"."""
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / 1024 / 1024:,.1f} MB"
