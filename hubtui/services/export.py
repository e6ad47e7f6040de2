"""Exporting orders, their lines or their payments to an xlsx file, and e-mailing it (SPEC 6, 7).

The sheet is what the import reads: one header row of the SPEC 7 column names
(domain.import_columns; orders also carry the optional payment_taken), one row per order,
line or payment, so an export can be edited and imported again. Money is a number with two
decimals (format ``0.00``); the orders sheet has the currency in its own column, and a line's
or a payment's amount is in its order's currency. Dates are real dates, in the operator's
time zone (Context.tz: HUBTUI_TIMEZONE or the configuration, else the machine's) and without
an offset (a spreadsheet has no time zones), the way the import reads a date without one; a
date cell keeps the millisecond. In the hour repeated when the clocks go back, a time of the
second pass is text with its offset (2026-10-25 01:30:00+00:00): a date cell would read as the
first pass, an hour early.
Text goes through domain.spreadsheet_text.safe_cell: a spreadsheet never reads it as a formula.
The header is frozen, has an autofilter, and the columns have widths that fit their content.

Which orders: those placed in the range (a Period, from/to days, or all time) that pass the
query's other filters (the list's quick filter, search fields, text), oldest first; items and
payments are those of the same orders, in the same order (the range, the filter's words and the
file's path are checked in services.export_options). The orders are read a keyset page at
a time (order_reads.iter_orders) and the rows of each page in one statement per kind, and
openpyxl's write-only mode streams the sheet to disk: memory does not grow with the rows.

The file is written under a temporary name in its folder and renamed at the end: there is
never half a file under the name asked for, and a refused or failed export leaves nothing.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from hubtui.domain.import_columns import COLUMNS, ExportKind, ImportKind, ORDER_OPTIONAL
from hubtui.domain.money import to_decimal
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.permissions import Permission
from hubtui.domain.spreadsheet_text import safe_cell
from hubtui.domain.text import printable
from hubtui.services import audit, mail
from hubtui.services.context import Context
from hubtui.services.export_options import (
    ExportError,
    ExportRange,
    check_out_path,
    default_file_name,
    export_query,
    filter_words,
)
from hubtui.services.order_reads import count_orders, iter_orders
from hubtui.services.refusals import refusals_recorded
from hubtui.services.views import OrderRow
from hubtui.store import export_queries as xq

Progress = Callable[[int, int], None]  # (orders done, orders in all)

BATCH = 500  # orders per keyset page and per statement
MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"  # what the import reads back when the sheet is saved as CSV
ORDER_EXPORT_COLUMNS = COLUMNS[ImportKind.orders] + ORDER_OPTIONAL
EXPORT_COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.orders: ORDER_EXPORT_COLUMNS,
    ExportKind.items: COLUMNS[ImportKind.items],
    ExportKind.payments: COLUMNS[ImportKind.payments],
}
MONEY_COLUMNS = frozenset({"shipping_total", "discount_total", "order_total", "payment_taken", "unit_price",
                           "discount", "amount"})
DATE_COLUMNS = frozenset({"order_date", "paid_at"})
NUMBER_COLUMNS = frozenset({"fraud_score", "quantity"})
# Widths in characters for what a column usually holds; a column is never narrower than its
# name and the autofilter's button.
WIDTHS = {
    "order_number": 12, "external_ref": 16, "microsite": 10, "channel": 10, "order_type": 12, "order_date": 20,
    "status": 22, "payment_status": 17, "currency": 9, "customer_email": 32, "customer_first_name": 16,
    "customer_last_name": 16, "customer_phone": 17, "company": 24, "shipping_name": 22, "shipping_line1": 28,
    "shipping_line2": 18, "shipping_city": 16, "shipping_postcode": 12, "shipping_country": 8, "customer_reference": 18,
    "tags": 20, "stock_code": 14, "product_name": 36, "method": 14, "reference": 22, "paid_at": 20,
}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: ExportKind
    rows: int  # under the header
    orders: int  # the rows are theirs
    range_words: str
    filter_words: str  # "" when no filter narrowed the orders

    def summary(self) -> str:
        what = {ExportKind.orders: "order", ExportKind.items: "line", ExportKind.payments: "payment"}[self.kind]
        rows = f"{self.rows:,} {what}{'' if self.rows == 1 else 's'}"
        if self.kind is not ExportKind.orders:
            rows += f" of {self.orders:,} order{'' if self.orders == 1 else 's'}"
        narrowed = f", {self.filter_words}" if self.filter_words else ""
        return f"{rows} ({self.range_words}{narrowed})"


def _batches(rows: Iterable[OrderRow], size: int) -> Iterator[list[OrderRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --------------------------------------------------------------------------- the rows of each kind


def _order_values(ctx: Context, page: Sequence[OrderRow]) -> Iterator[tuple[Any, ...]]:
    with ctx.store.raw_read() as reader:
        found = xq.order_rows(reader, ctx.operator.org_id, [row.id for row in page])
    for row in page:
        values = found.get(row.id)
        if values is not None:  # gone since its page was read: not exported
            yield values[1:]


def _grouped(rows: list[tuple[Any, ...]], page: Sequence[OrderRow]) -> Iterator[tuple[Any, ...]]:
    """The rows (order id first) in the page's order of orders, without the id."""
    by_order: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_order.setdefault(row[0], []).append(row[1:])
    for order in page:
        yield from by_order.get(order.id, ())


def _item_values(ctx: Context, page: Sequence[OrderRow]) -> Iterator[tuple[Any, ...]]:
    with ctx.store.raw_read() as reader:
        rows = xq.line_rows(reader, ctx.operator.org_id, [row.id for row in page])
    return _grouped(rows, page)


def _payment_values(ctx: Context, page: Sequence[OrderRow]) -> Iterator[tuple[Any, ...]]:
    with ctx.store.raw_read() as reader:
        rows = xq.payment_rows(reader, ctx.operator.org_id, [row.id for row in page])
    return _grouped(rows, page)


_READERS = {ExportKind.orders: _order_values, ExportKind.items: _item_values, ExportKind.payments: _payment_values}


# --------------------------------------------------------------------------- the sheet


class _Sheet:
    """One write-only worksheet with the export's layout, taking rows of plain values.

    A money or date value goes out through one cell per column that carries its number
    format, its value set row by row: openpyxl writes each row as it is appended (the tests read
    every row back), and a new styled cell per value cost about 15% more time, measured.
    """

    def __init__(self, kind: ExportKind) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.columns = EXPORT_COLUMNS[kind]
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=kind.value)
        self.sheet.freeze_panes = "A2"  # sheetViews come before the rows: set now
        for index, name in enumerate(self.columns, start=1):
            width = max(len(name) + 3, WIDTHS.get(name, 13 if name in MONEY_COLUMNS else 10))
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.last_column = get_column_letter(len(self.columns))
        header = []
        for name in self.columns:
            cell = WriteOnlyCell(self.sheet, name)
            cell.font = Font(bold=True)
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0
        self.text_at = [i for i, name in enumerate(self.columns)
                        if name not in MONEY_COLUMNS | DATE_COLUMNS | NUMBER_COLUMNS]
        self.styled: list[tuple[int, Any, bool]] = []  # (position, its cell, a date)
        for i, name in enumerate(self.columns):
            if name in MONEY_COLUMNS or name in DATE_COLUMNS:
                cell = WriteOnlyCell(self.sheet, 0)
                cell.number_format = DATE_FORMAT if name in DATE_COLUMNS else MONEY_FORMAT
                self.styled.append((i, cell, name in DATE_COLUMNS))

    def append_all(self, rows: Iterable[tuple[Any, ...]], tz: Any) -> None:
        append = self.sheet.append
        text_at = self.text_at
        styled = self.styled
        count = 0
        for values in rows:
            row = list(values)
            for i in text_at:
                value = row[i]
                row[i] = safe_cell(value) if value else None  # an empty cell, not an empty string
            for i, cell, is_date in styled:
                value = row[i]
                if value is None:
                    row[i] = None
                    continue
                if is_date:
                    value = value.astimezone(tz)
                    if value.fold:  # the repeated hour's second pass: the wall-clock time alone is ambiguous
                        row[i] = value.isoformat(sep=" ")
                        continue
                cell.value = value.replace(tzinfo=None) if is_date else to_decimal(value)
                row[i] = cell
            append(row)
            count += 1
        self.rows += count

    def save(self, handle: Any) -> None:
        self.sheet.auto_filter.ref = f"A1:{self.last_column}{self.rows + 1}"  # written after the rows
        self.workbook.save(handle)

    def discard(self) -> None:
        """Remove the sheet's temporary file now (openpyxl would at the process's exit): a
        long-running TUI would keep one per failed export. openpyxl 3.1's writer, best effort."""
        if self.sheet.closed:  # saved: openpyxl has removed it
            return
        try:
            self.sheet.close()  # ends the sheet's XML, so nothing writes to it later
            writer = getattr(self.sheet, "_writer", None)
            if writer is not None:
                writer.cleanup()
        except Exception:  # noqa: BLE001 - it was only tidying up
            pass


def _temporary_beside(path: Path) -> tuple[Path, int]:
    """A new file in `path`'s folder, hidden, made as any new file is (the umask decides its mode)."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            return candidate, os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _write_failed(error: OSError, path: Path) -> ExportError:
    reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
    return ExportError(f"cannot write {printable(str(path), one_line=True)}: {printable(reason, one_line=True)}; "
                       "nothing was written")


@refusals_recorded("export")
def export_sheet(
    ctx: Context,
    kind: ExportKind | str,
    out: str | os.PathLike[str],
    *,
    span: ExportRange = ExportRange(),
    query: OrderQuery | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> ExportResult:
    """Write the orders (or their items, or their payments) placed in `span` that pass `query`'s
    filters to the xlsx file `out`; its range and sort are the export's own. `progress(done,
    total)` is called as each batch of orders is written (and may raise to stop the export:
    nothing is then left behind). An activity entry says who exported what, where."""
    ctx.require(Permission.export_data)
    try:
        kind = ExportKind(kind)
    except ValueError:
        raise ExportError(f"'{printable(str(kind), one_line=True)}' is not something to export; "
                          f"use {', '.join(ExportKind)}") from None
    path = check_out_path(out, default_file_name(kind, ctx.today()))
    wanted = export_query(query, span)
    total = count_orders(ctx, wanted)
    if progress is not None:
        progress(0, total)
    read = _READERS[kind]
    sheet = _Sheet(kind)
    temporary: Path | None = None
    done = 0
    try:
        for page in _batches(iter_orders(ctx, wanted, batch=batch), batch):
            sheet.append_all(read(ctx, page), ctx.tz)
            done += len(page)
            if progress is not None:
                progress(done, max(total, done))  # orders placed since the count: the total grows
        temporary, descriptor = _temporary_beside(path)
        with os.fdopen(descriptor, "wb") as handle:
            sheet.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise _write_failed(error, path) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        sheet.discard()
    result = ExportResult(path, kind, sheet.rows, done, span.words(), filter_words(query))
    with ctx.store.write() as session:
        audit.record(session, ctx, action="export", summary=f"Exported {result.summary()} to {path}",
                     after={"kind": kind.value, "file": str(path), "rows": result.rows, "orders": result.orders,
                            "range": result.range_words, "filter": result.filter_words})
    return result


def mail_export(ctx: Context, result: ExportResult, to: str, settings: mail.MailSettings,
                environ: dict[str, str] | None = None) -> str:
    """E-mail the written file to `to` ("me": the operator's own address); the address it went to.

    A failure says where the file is: it stays written whatever the mail server does."""
    ctx.require(Permission.export_data)
    where = printable(str(result.path), one_line=True)
    try:
        address = mail.recipient(settings, to, ctx.operator.user_name)
        operator = ctx.operator
        subject = f"hubtui export: {result.path.name} ({operator.org_code}, {result.range_words})"
        body = (f"{result.summary()[0].upper()}{result.summary()[1:]}, exported by {operator.user_name} from "
                f"{operator.org_name} ({operator.org_code}).\n\nThe file is attached: {result.path.name}\n")
        mail.send_file(settings, address, result.path, subject=subject, body=body, environ=environ)
    except mail.MailError as error:
        raise mail.MailError(f"{where} was written but not e-mailed: {error}") from None
    with ctx.store.write() as session:
        audit.record(session, ctx, action="export", summary=f"E-mailed {result.path.name} to {address}",
                     after={"file": str(result.path), "to": address})
    return address


__all__ = ["EXPORT_COLUMNS", "ExportError", "ExportKind", "ExportRange", "ExportResult", "check_out_path",
           "default_file_name", "export_query", "export_sheet", "filter_words", "mail_export"]
