"""Reading a CSV file to import (SPEC 7, issue 13): the file checked, its encoding and delimiter
found, its header read, then its rows streamed one at a time, so memory stays flat however large
the file is. Nothing here knows what the columns mean: the importer checks the header with
`check_header` and reads the values with `hubtui.domain.csv_values`.

`open_rows` also opens an xlsx workbook (an export, or one a supervisor edited), told from its
content and never from its name: a file that starts as a zip archive goes to
services.xlsx_reader, whose XlsxRows is read the same way.

    with open_rows(path, size_limit=limit) as rows:
        check_header(rows.header, ORDER_COLUMNS, ORDER_OPTIONAL)
        for number, values in rows:
            ...  # values["order_number"]; values.problem when the row does not line up

What is accepted: UTF-8 with or without a byte-order mark, or Windows-1252 (detected with
charset-normalizer on a bounded sample); comma or semicolon as the delimiter, told from the
header line (or an Excel ``sep=;`` first line); CRLF or LF line ends; quoted values holding
delimiters, doubled quotes and line breaks. Header names are normalised
(`normalise_header`: ``' Order_Number '`` is ``order_number``).

Row numbers are physical lines: the line of the file a record starts on, counting from 1 with
the header on line 1 (line 2 after a ``sep=`` line), blank lines included. A value holding line
breaks makes its record span several lines, and the next record's number counts them, so the
number is where a text editor (``vim +N``, ``less -N``) shows the row. A spreadsheet numbers
records instead; the two agree until the first value with a line break.

A file that cannot be read as a whole raises `CsvFileError` with one line saying why: no such
file, a folder, unreadable, empty, binary, over the size limit, an encoding that is not UTF-8 or
Windows-1252, no header. Some of these show only while the rows are read (a line that is not in
the encoding found from the sample, a value longer than the csv module's field limit, a quote
never closed); those raise `CsvFileError` from the iteration with `row` set.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
from collections.abc import Generator, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hubtui.services.import_source import ClosesOnExit, CsvFileError, CsvHeaderError, RowValues, check_header, \
    header_names
from hubtui.services.import_source import size_words as _size

if TYPE_CHECKING:
    from hubtui.services.xlsx_reader import XlsxRows

__all__ = ["ENCODING_LABELS", "LINE_LIMIT", "SAMPLE_SIZE", "ZIP_SIGNATURES", "CsvFileError", "CsvHeaderError",
           "CsvRows", "RowValues", "check_header", "open_rows"]

SAMPLE_SIZE = 64 * 1024  # bytes the encoding is told from
_SCAN_CHUNK = 1024 * 1024  # bytes read at a time looking past a plain-ASCII start
LINE_LIMIT = 16 * 1024 * 1024  # bytes in one physical line; no CSV a person made holds a longer one
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}
_SAVE_AS = "save it as CSV UTF-8"

# First bytes of a zip archive (a file, or an empty archive): read as an xlsx workbook.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# First bytes of files often picked by mistake, and what to call them.
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls) or another Office file"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)
# Control characters no text file holds (tab, line feed, form feed and carriage return aside).
_CONTROLS = re.compile(rb"[\x01-\x08\x0b\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_SEP_LINE = re.compile(r"sep=(.)\s*", re.IGNORECASE)


class CsvRows(ClosesOnExit):
    """An open CSV file, its header read: iterate once for (row number, RowValues) pairs.

    Close it (or use it in a `with`); it closes itself when the rows run out. `position` is how
    many bytes of the `size` have been read, for a progress bar."""

    kind = "csv"

    def __init__(self, path: Path, shown: str, handle: BinaryIO, size: int, size_limit: int) -> None:
        self.path = path
        self.size = size
        self.header: tuple[str, ...] = ()
        self.delimiter = ","
        self.encoding = "utf-8"
        self.header_line = 1
        self._shown = shown
        self._handle = handle
        self._size_limit = size_limit
        self._reader: Iterator[list[str]] | None = None
        self._rows: Generator[tuple[int, RowValues], None, None] | None = None
        self._lines_before_reader = 0

    @property
    def encoding_label(self) -> str:
        """The encoding as a person knows it: "UTF-8", "UTF-8 with BOM" or "Windows-1252"."""
        return ENCODING_LABELS[self.encoding]

    @property
    def position(self) -> int:
        if self._handle.closed:
            return self.size
        return self._handle.tell()

    def __iter__(self) -> Iterator[tuple[int, RowValues]]:
        if self._rows is not None or self._reader is None:
            raise RuntimeError(f"The rows of {self._shown} have been read already; open the file again.")
        self._rows = self._records()
        return self._rows

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()
        self._handle.close()

    def __repr__(self) -> str:
        return (f"<CsvRows {self._shown} {self.encoding_label} delimiter={self.delimiter!r} "
                f"{len(self.header)} columns>")

    # -- opening -----------------------------------------------------------------------------

    def _open(self) -> None:
        handle = self._handle
        sample = handle.read(SAMPLE_SIZE)
        complete = len(sample) < SAMPLE_SIZE or not handle.peek(1)  # type: ignore[attr-defined]
        self._refuse_binary(sample)
        bom = len(codecs.BOM_UTF8) if sample.startswith(codecs.BOM_UTF8) else 0
        if complete and not sample[bom:].strip():
            raise CsvFileError(f"{self._shown} holds only blank lines; a CSV file starts with a header line "
                               "naming its columns.")
        self.encoding = self._detect_encoding(sample, complete)
        handle.seek(bom)
        lines = self._lines(handle.tell())
        first = next(lines, "")
        sep = _SEP_LINE.fullmatch(first)
        if sep:  # Excel's hint naming the delimiter, written before the header
            if sep[1] not in ",;":
                raise CsvFileError(f"{self._shown} says its delimiter is {sep[1]!r}; only comma and semicolon are "
                                   "read.")
            self.delimiter = sep[1]
            self.header_line = 2
            first = next(lines, "")
        if not first.strip():
            raise CsvFileError(f"{self._shown} has no header: line {self.header_line} is blank; the first line must "
                               "name the columns.")
        if "\r" in first.rstrip("\r\n"):
            raise CsvFileError(f"{self._shown} ends its lines with CR alone (old Mac style); save it with CRLF or LF "
                               "line ends.")
        if not sep:
            self.delimiter = self._sniff(first)
        self._lines_before_reader = self.header_line - 1
        reader = csv.reader(chain((first,), lines), delimiter=self.delimiter, strict=True)
        try:
            names = next(reader)
        except csv.Error as error:
            raise self._csv_problem(error, self.header_line) from None
        self._reader = reader
        self.header = header_names(names, self._shown, f"line {self.header_line}")

    def _refuse_binary(self, sample: bytes) -> None:
        for signature, what in _SIGNATURES:
            if sample.startswith(signature):
                raise CsvFileError(f"{self._shown} is {what}, not a CSV file; save it as CSV.")
        for bom, name in _WIDE_BOMS:
            if sample.startswith(bom):
                raise CsvFileError(f"{self._shown} is {name} text, which is not read; {_SAVE_AS}.")
        if b"\x00" in sample:
            raise CsvFileError(f"{self._shown} is not a text file (it holds NUL bytes); {_SAVE_AS}.")
        if len(_CONTROLS.findall(sample)) * 100 > len(sample):
            raise CsvFileError(f"{self._shown} is not a text file (it holds control characters); {_SAVE_AS}.")

    def _detect_encoding(self, sample: bytes, complete: bool) -> str:
        """UTF-8 (with or without BOM) or Windows-1252, told from at most SAMPLE_SIZE bytes: the
        file's first, or when those are plain ASCII (which reads the same in both), the ones from
        the first line holding a byte that is not."""
        probe = sample if complete else _whole_lines(sample)
        if sample.startswith(codecs.BOM_UTF8):
            if not _decodes(probe[len(codecs.BOM_UTF8):], "utf-8"):
                raise CsvFileError(f"{self._shown} starts with a UTF-8 byte-order mark but is not UTF-8 text; "
                                   f"{_SAVE_AS}.")
            return "utf-8-sig"
        if probe.isascii():
            probe = b"" if complete else self._non_ascii_sample(len(sample))
            if not probe:
                return "utf-8"  # plain ASCII throughout: the same text in either encoding
        from charset_normalizer import from_bytes  # imported here: only an import needs it

        found = {match.encoding for match in from_bytes(probe, cp_isolation=["utf_8", "cp1252"])}
        # charset-normalizer ranks a short UTF-8 sample as Windows-1252 read wrongly ("MÃ¼ller")
        # about as likely as UTF-8; a sample that is valid UTF-8 and not ASCII is UTF-8 (Windows-1252
        # text almost never forms valid multi-byte sequences), so UTF-8 wins whenever it decodes.
        if "utf_8" in found or _decodes(probe, "utf-8"):
            return "utf-8"
        if "cp1252" in found:
            return "cp1252"
        raise CsvFileError(f"{self._shown} is neither UTF-8 nor Windows-1252 text; {_SAVE_AS}.")

    def _non_ascii_sample(self, start: int) -> bytes:
        """Up to SAMPLE_SIZE bytes from the line holding the file's first non-ASCII byte past
        `start`, or b"" when there is none; refuses the file if a NUL byte comes first."""
        handle = self._handle
        offset = start
        handle.seek(start)
        while offset <= self._size_limit:
            chunk = handle.read(_SCAN_CHUNK)
            if not chunk:
                return b""
            if b"\x00" in chunk:
                raise CsvFileError(f"{self._shown} is not a text file (it holds NUL bytes); {_SAVE_AS}.")
            if not chunk.isascii():
                found = _NON_ASCII.search(chunk)
                assert found is not None
                line_start = offset + chunk.rfind(b"\n", 0, found.start()) + 1
                handle.seek(line_start)
                sample = handle.read(SAMPLE_SIZE)
                return sample if len(sample) < SAMPLE_SIZE else _whole_lines(sample)
            offset += len(chunk)
        return b""

    def _sniff(self, line: str) -> str:
        counts = {",": 0, ";": 0, "\t": 0}
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        if counts["\t"] and not counts[","] and not counts[";"]:
            raise CsvFileError(f"{self._shown} is separated by tabs; save it as CSV, with commas or semicolons.")
        return ";" if counts[";"] > counts[","] else ","

    # -- reading -----------------------------------------------------------------------------

    def _lines(self, start: int) -> Iterator[str]:
        """The file's physical lines from byte `start`, decoded, line ends kept (as the csv
        module wants them); each checked as it comes, so a problem names its line."""
        readline = self._handle.readline
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        limit = self._size_limit
        total = start
        number = 0
        while raw := readline(LINE_LIMIT):
            number += 1
            total += len(raw)
            if total > limit:
                raise CsvFileError(f"{self._shown} has grown past the limit of {_size(limit)} while being read.",
                                   row=number)
            if b"\x00" in raw:
                raise CsvFileError(f"{self._shown}, line {number:,}: a NUL byte; this is not a text file.", row=number)
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                raise CsvFileError(f"{self._shown}, line {number:,} is not {ENCODING_LABELS[self.encoding]} text, "
                                   f"as the lines before it are; {_SAVE_AS}.", row=number) from None
            if len(raw) == LINE_LIMIT and not raw.endswith(b"\n"):
                raise CsvFileError(f"{self._shown}, line {number:,} is longer than {_size(LINE_LIMIT)}; "
                                   "is this a CSV file?", row=number)
            yield line

    def _records(self) -> Generator[tuple[int, RowValues], None, None]:
        reader = self._reader
        assert reader is not None
        header = self.header
        width = len(header)
        before = self._lines_before_reader
        start = before + reader.line_num + 1  # type: ignore[attr-defined]
        try:
            for fields in reader:
                if not any(fields) or (not fields[0].strip() and not "".join(fields).strip()):
                    pass  # a blank line, or one of delimiters and spaces alone: nothing to import
                elif len(fields) == width:
                    yield start, RowValues(zip(header, fields))
                else:
                    yield start, self._ragged(header, fields)
                start = before + reader.line_num + 1  # type: ignore[attr-defined]
        except csv.Error as error:
            raise self._csv_problem(error, start) from None
        finally:
            self._handle.close()

    @staticmethod
    def _ragged(header: tuple[str, ...], fields: list[str]) -> RowValues:
        width = len(header)
        if len(fields) < width:
            values = RowValues(zip(header, chain(fields, ("",) * (width - len(fields)))))
            values.problem = f"the row has {len(fields)} values where the header has {width} columns"
            return values
        values = RowValues(zip(header, fields))
        if any(extra.strip() for extra in fields[width:]):
            values.problem = (f"the row has {len(fields)} values where the header has {width} columns "
                              "(a delimiter in a value without quotes around it?)")
        return values

    def _csv_problem(self, error: csv.Error, line: int) -> CsvFileError:
        text = str(error)
        where = f"{self._shown}, line {line:,}"
        if text.startswith("field larger than field limit"):
            limit = csv.field_size_limit()
            message = (f"{where}: a value is longer than {limit:,} characters, the most a CSV value may hold "
                       "(is a quote left open?)")
        elif "expected after" in text:
            message = (f"{where}: a quoted value has text after its closing quote; a quote inside a quoted "
                       'value is written twice ("")')
        elif text.startswith("unexpected end of data"):
            message = f"{where}: a quote opened here is never closed"
        elif text.startswith("new-line character seen in unquoted field"):
            message = f"{where}: a line ends with CR alone; save the file with CRLF or LF line ends"
        else:
            message = f"{where}: {text}"
        return CsvFileError(message + ".", row=line)


def _whole_lines(sample: bytes) -> bytes:
    """A sample cut from a longer file, without its last, likely cut, line (or without the
    bytes of a character cut in two, when the sample is all one line)."""
    end = sample.rfind(b"\n")
    return sample[: end + 1] if end >= 0 else sample[:-3]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def open_rows(path: str | os.PathLike[str], *, size_limit: int) -> CsvRows | XlsxRows:
    """Open the CSV file or xlsx workbook at `path` (at most `size_limit` bytes) and read its
    header; the rows are read as the result is iterated. CsvFileError when the file cannot be
    imported at all."""
    shown = os.fspath(path)
    if "\x00" in shown:
        raise CsvFileError("The path cannot hold a NUL character (\\x00).")
    if not shown.strip():
        raise CsvFileError("Give the path of the CSV file to import.")
    try:
        info = os.stat(shown)
    except (FileNotFoundError, NotADirectoryError):
        raise CsvFileError(f"There is no file at {shown}.") from None
    except OSError as error:
        raise CsvFileError(f"{shown} cannot be read: {error.strerror or error}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise CsvFileError(f"{shown} is a folder, not a CSV file.")
    if not stat.S_ISREG(info.st_mode):
        raise CsvFileError(f"{shown} is not a regular file (a device, a pipe or a socket).")
    if info.st_size == 0:
        raise CsvFileError(f"{shown} is empty; a CSV file starts with a header line naming its columns.")
    if info.st_size > size_limit:
        raise CsvFileError(f"{shown} is {_size(info.st_size)}, over the limit of {_size(size_limit)} for an import; "
                           "split it into smaller files.")
    try:
        fd = os.open(shown, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise CsvFileError(f"{shown} cannot be read: {error.strerror or error}.") from None
    handle = os.fdopen(fd, "rb")
    try:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for something else meanwhile
            raise CsvFileError(f"{shown} is not a regular file.")
        if handle.read(4) in ZIP_SIGNATURES:
            from hubtui.services.xlsx_reader import open_xlsx  # imported here: a CSV import never needs openpyxl

            return open_xlsx(Path(shown), shown, handle, info.st_size, size_limit)
        handle.seek(0)
        rows = CsvRows(Path(shown), shown, handle, info.st_size, size_limit)
        rows._open()
    except BaseException:
        handle.close()
        raise
    return rows
