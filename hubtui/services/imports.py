"""CSV imports of orders, items, payments and channel prices (SPEC 7, issues 13 and 14): read,
checked whole, and written in one transaction, or not at all.

A file is read (services.csv_reader), each row checked (domain.import_rows), then against the
store (configured channels, microsites, customers, products, the orders named). With any bad row
the default policy writes nothing; `skip_bad_rows` writes the good ones. A dry run reports what
would happen and writes nothing. The same file (by the SHA-256 of its bytes) imported again as
the same kind changes nothing and says when and by whom it was imported. Every order created or
changed gets an activity entry naming the file and the row.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.import_columns import COLUMNS, OPTIONAL, ImportKind
from hubtui.domain.import_rows import Problem, looks_like_order_number
from hubtui.domain.permissions import Permission
from hubtui.services.context import Context
from hubtui.services.csv_reader import check_header, open_rows
from hubtui.services.row_reading import READ_APART_FROM, batched as batches_of, ReadBatch, read_apart, read_here
from hubtui.store.import_lookups import OrderFound, orders_by
from hubtui.store.order_upkeep import inserting_orders
from hubtui.store.row_writer import bulk_page_cache
from hubtui.store.tables import ImportedFile

SIZE_LIMIT = 512 * 1024 * 1024
IN_BATCH = 500  # values in one IN (...) list
BATCH_ROWS = 2000  # rows read, checked and written at a time: memory stays flat in file size
Progress = Callable[[int, int, int], None]  # rows read, bytes of the file read, its size


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0  # orders created (orders), orders given lines (items), payments added (payments)
    updated: int = 0
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # what a row did to an order that was there already
    dry_run: bool = False
    written: bool = False
    already: str | None = None  # "imported on … by …": the same file, nothing done again
    bad_rows: dict[int, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rejected(self) -> bool:
        return bool(self.problems) and not self.written


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def batched(values: Iterable[Any], size: int = IN_BATCH) -> Iterator[list[Any]]:
    """`values` in lists of `size`: by default as many as one IN (...) list takes."""
    return batches_of(values, size)


def import_file(ctx: Context, kind: str, path: str | os.PathLike[str], *, dry_run: bool = False,
                skip_bad_rows: bool = False, progress: Progress | None = None,
                size_limit: int = SIZE_LIMIT) -> ImportReport:
    """Import the CSV file at `path` as `kind`; the report says what was (or would be) done.

    The file is streamed a batch of rows at a time: each batch read, checked against the store
    and written, all in the one write transaction the file gets (a dry run reads in a read
    transaction and writes nothing). With a bad row and the default policy the writing stops,
    the rest is still checked (every problem is reported) and the transaction is rolled back.
    """
    ctx.require(Permission.import_data)
    kind_value = ImportKind(kind)
    shown = os.fspath(path)
    label = Path(shown).name[:255]
    from hubtui.services.import_channel_prices import ChannelPriceImporter
    from hubtui.services.import_lines import ItemImporter, PaymentImporter
    from hubtui.services.import_orders import OrderImporter

    importer_of = {ImportKind.orders: OrderImporter, ImportKind.items: ItemImporter,
                   ImportKind.payments: PaymentImporter, ImportKind.channel_prices: ChannelPriceImporter}[kind_value]
    # The orders' tallies and terms are added once the file is in, not by a trigger a row.
    writes_orders = importer_of is OrderImporter
    with open_rows(shown, size_limit=size_limit) as rows:
        check_header(rows.header, COLUMNS[kind_value], OPTIONAL[kind_value], file=label)
        digest = _sha256(shown)
        earlier = already_imported(ctx, kind_value.value, digest, label, dry_run)
        if earlier is not None:
            return earlier
        try:
            with ctx.store.read() if dry_run else ctx.store.write() as session, bulk_page_cache(session), \
                    inserting_orders(session.connection()) if writes_orders and not dry_run else nullcontext():
                importer = importer_of(session, ctx, label, rows.delimiter)
                count = 0
                # A large file is read by a second process while this one checks and writes the
                # batches before (see services.row_reading); one batch at a time: memory stays flat.
                reads = read_apart(kind_value.value, shown, rows.delimiter, ctx.tz, BATCH_ROWS, size_limit) \
                    if os.path.getsize(shown) >= READ_APART_FROM else \
                    read_here(kind_value.value, rows, rows.delimiter, ctx.tz, BATCH_ROWS)
                for read in reads:
                    count += read.rows
                    importer.check_and_write(importer.take_read(read),
                                             not dry_run and (skip_bad_rows or not importer.problems))
                    if progress:
                        progress(count, read.position, read.size)
                importer.finish(write=not dry_run and (skip_bad_rows or not importer.problems))
                report = importer.report(count, dry_run)
                if dry_run or (report.problems and not skip_bad_rows):
                    raise _NothingWritten(report)
                record_import(session, ctx, report, digest, len({p.row for p in report.problems}))
        except _NothingWritten as undone:
            return undone.report
    return replace(report, written=True)


class _NothingWritten(Exception):
    """Leaves the transaction rolled back, carrying the report of what would have been done."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.file_name)
        self.report = report


def already_imported(ctx: Context, kind: str, digest: str, label: str, dry_run: bool) -> ImportReport | None:
    """The report for a file imported before as this kind: nothing is done again."""
    with ctx.store.read() as session:
        earlier = session.scalars(select(ImportedFile).where(
            ImportedFile.org_id == ctx.operator.org_id, ImportedFile.kind == kind,
            ImportedFile.sha256 == digest)).first()
        if earlier is None:
            return None
        return ImportReport(kind, label, rows=earlier.rows, dry_run=dry_run, already=(
            f"{label} was imported as {kind} on {earlier.imported_at:%Y-%m-%d %H:%M} UTC by "
            f"{earlier.imported_by} (as {earlier.file_name}); nothing was changed again."))


def record_import(session: Session, ctx: Context, report: ImportReport, digest: str, skipped: int) -> None:
    """The file as imported; a second import of the same file at the same moment stops here (unique)."""
    session.add(ImportedFile(org_id=ctx.operator.org_id, kind=report.kind, file_name=report.file_name,
                             sha256=digest, rows=report.rows, created=report.created, updated=report.updated,
                             skipped=skipped, imported_at=ctx.now(), imported_by=ctx.operator.user_name))
    session.flush()


def write_errors(report: ImportReport, path: str | os.PathLike[str], source: str | os.PathLike[str]) -> int:
    """The rejected rows as CSV: row, column, value, reason, then the row as it is in `source` (read
    again, streamed), so the operator can fix and import just those. Returns the problems written."""
    by_row: dict[int, list[Problem]] = {}
    for problem in report.problems:
        by_row.setdefault(problem.row, []).append(problem)
    with open_rows(source, size_limit=SIZE_LIMIT) as rows, open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["row", "column", "value", "reason", *rows.header])
        for number, values in rows:
            for p in by_row.pop(number, ()):
                out.writerow([p.row, p.column, p.value, p.reason, *(values.get(c, "") for c in rows.header)])
        for leftover in by_row.values():  # about the file rather than a row of it (e.g. the channel)
            for p in leftover:
                out.writerow([p.row, p.column, p.value, p.reason])
    return len(report.problems)


def unknown(values: Iterable[str], known: Mapping[str, Any]) -> list[str]:
    """The distinct `values` not in `known`, in the order first seen: what is written from them
    (an order's lines, its activity entry) takes the same ids whichever process imports the file.
    (`set - dict.keys()` walks the whole dict, not the set: a batch's 2,000 against 100,000 known
    took 2 ms, this 0.1 ms.)"""
    return list(dict.fromkeys(value for value in values if value not in known))


def find_order_ids(session: Session, org: int, refs: Collection[str]) -> dict[str, OrderFound]:
    """The orders `refs` name, by number, or by external reference for what no number matches."""
    found: dict[str, OrderFound] = {}
    for batch in batched(ref for ref in refs if looks_like_order_number(ref)):
        found.update((row.number, row) for row in orders_by(session, org, "number", batch))
    for batch in batched(unknown(refs, found)):
        for row in orders_by(session, org, "external_ref", batch):
            found.setdefault(row.external_ref or "", row)
    return found


class Importer:
    """One kind's rows: each batch read (domain.import_rows), checked against the store and, when
    `write` says so, written (store.row_writer); `finish` does what needs the whole file."""

    def __init__(self, session: Session, ctx: Context, label: str, delimiter: str) -> None:
        self.session, self.ctx, self.label, self.delimiter = session, ctx, label, delimiter
        self.problems: list[Problem] = []
        self.bad_rows: dict[int, dict[str, str]] = {}
        self.created = self.updated = self.unchanged = 0
        self.notes: list[str] = []

    def check_and_write(self, records: list[Any], write: bool) -> None:
        raise NotImplementedError

    def finish(self, write: bool) -> None:
        """What can only be done once every row is in (nothing, unless a kind says otherwise)."""

    def take_read(self, read: ReadBatch) -> list[Any]:
        """A batch's records; the problems of its rows that could not be read are kept."""
        self.problems.extend(read.problems)
        self.bad_rows.update(read.bad_rows)
        return read.records

    def refuse(self, problem: Problem, values: Mapping[str, str] | None = None) -> None:
        self.problems.append(problem)
        if values is not None:
            self.bad_rows[problem.row] = dict(values)

    def report(self, rows: int, dry_run: bool) -> ImportReport:
        return ImportReport(self.kind, self.label, rows=rows, created=self.created, updated=self.updated,
                            unchanged=self.unchanged, problems=tuple(sorted(self.problems, key=lambda p: p.row)),
                            notes=tuple(self.notes), dry_run=dry_run, bad_rows=self.bad_rows)

    kind = ""


__all__ = ["BATCH_ROWS", "ImportReport", "Importer", "Progress", "SIZE_LIMIT", "batched", "find_order_ids",
           "import_file", "write_errors"]
