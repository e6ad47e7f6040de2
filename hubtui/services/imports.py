"""CSV imports of orders, items and payments (SPEC 7, issue 13): read, checked whole, then
written in one transaction, or not at all.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.import_columns import COLUMNS, OPTIONAL, ImportKind
from hubtui.domain.import_rows import OrderRecord, Problem, read_item, read_order, read_payment
from hubtui.domain.numbers import format_order_number, order_sequence
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import PaymentStatus
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.catalogue import phone_key
from hubtui.services.context import Context
from hubtui.services.csv_reader import check_header, open_rows
from hubtui.store.sequences import ORDER_NUMBERS, set_at_least, take_next
from hubtui.store.tables import (
    Customer,
    ImportedFile,
    Microsite,
    Order,
    OrgChannel,
    Payment,
)

SIZE_LIMIT = 512 * 1024 * 1024
IN_BATCH = 500  # values in one IN (...) list
Progress = Callable[[int, int], None]  # (done, total) of the current step


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


def batched(values: Iterable[Any]) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == IN_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def import_file(ctx: Context, kind: str, path: str | os.PathLike[str], *, dry_run: bool = False,
                skip_bad_rows: bool = False, progress: Progress | None = None,
                size_limit: int = SIZE_LIMIT) -> ImportReport:
    """Import the CSV file at `path` as `kind`; the report says what was (or would be) done."""
    ctx.require(Permission.import_data)
    kind_value = ImportKind(kind)
    shown = os.fspath(path)
    label = Path(shown).name[:255]
    with open_rows(shown, size_limit=size_limit) as rows:
        check_header(rows.header, COLUMNS[kind_value], OPTIONAL[kind_value], file=label)
        digest = _sha256(shown)
        earlier = already_imported(ctx, kind_value.value, digest, label, dry_run)
        if earlier is not None:
            return earlier
        records, problems, bad_rows, count = [], [], {}, 0
        reader = {ImportKind.orders: lambda n, v: read_order(n, v, delimiter=rows.delimiter, tz=ctx.tz),
                  ImportKind.items: lambda n, v: read_item(n, v, delimiter=rows.delimiter),
                  ImportKind.payments: lambda n, v: read_payment(n, v, delimiter=rows.delimiter, tz=ctx.tz),
                  }[kind_value]
        for number, values in rows:
            count += 1
            if values.problem:
                problems.append(Problem(number, "", "", values.problem))
                bad_rows[number] = dict(values)
                continue
            record, found = reader(number, values)
            if found:
                problems.extend(found)
                bad_rows[number] = dict(values)
            else:
                records.append(record)
            if progress and count % 1000 == 0:
                progress(count, 0)
    from hubtui.services.import_lines import plan_items, plan_payments

    plan = {ImportKind.orders: _plan_orders, ImportKind.items: plan_items,
            ImportKind.payments: plan_payments}[kind_value]
    with ctx.store.read() as session:
        work, more = plan(session, ctx, records)
    problems.extend(more)
    bad = {p.row for p in problems}
    report = ImportReport(kind_value.value, label, rows=count, problems=tuple(sorted(problems, key=lambda p: p.row)),
                          dry_run=dry_run, bad_rows=bad_rows, **work.counts(bad))
    if (problems and not skip_bad_rows) or dry_run:
        return report
    with ctx.store.write() as session:
        record_import(session, ctx, report, digest, len(bad))
        work.write(session, ctx, label, bad, progress)
    return replace(report, written=True)


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


def find_orders(session: Session, org: int, refs: set[str]) -> dict[str, Order]:
    """Orders by number, or by external reference for what is not a number."""
    found: dict[str, Order] = {}
    for batch in batched(refs):
        for order in session.scalars(select(Order).where(Order.org_id == org, Order.number.in_(batch))):
            found[order.number] = order
        for order in session.scalars(select(Order).where(Order.org_id == org, Order.external_ref.in_(batch))):
            found.setdefault(order.external_ref or "", order)
    return found



# ---------------------------------------------------------------------------- orders

class Work:
    def counts(self, bad: set[int]) -> dict[str, int]:
        raise NotImplementedError

    def write(self, session: Session, ctx: Context, label: str, bad: set[int], progress: Progress | None) -> None:
        raise NotImplementedError


@dataclass
class _OrderWork(Work):
    create: list[tuple[OrderRecord, int | None, int]] = field(default_factory=list)  # record, customer id, site id
    update: list[tuple[OrderRecord, int, dict[str, Any]]] = field(default_factory=list)  # record, order id, changes
    same: list[OrderRecord] = field(default_factory=list)

    def counts(self, bad: set[int]) -> dict[str, int]:
        return {"created": sum(1 for r, _, _ in self.create if r.row not in bad),
                "updated": sum(1 for r, _, _ in self.update if r.row not in bad),
                "unchanged": sum(1 for r in self.same if r.row not in bad),
                "notes": tuple(f"row {r.row}: {r.order_number or r.external_ref} exists; "
                               + ", ".join(f"{k} {v}" for k, v in changes.items())
                               for r, _, changes in self.update if r.row not in bad)}

    def write(self, session: Session, ctx: Context, label: str, bad: set[int], progress: Progress | None) -> None:
        now, user = ctx.now(), ctx.operator.user_name
        new_customers: dict[str, int] = {}
        todo = [(r, c, s) for r, c, s in self.create if r.row not in bad]
        blank = sum(1 for r, _, _ in todo if r.order_number is None)
        next_number = take_next(session, ORDER_NUMBERS, blank) if blank else 0
        highest = max((order_sequence(r.order_number) for r, _, _ in todo if r.order_number), default=0)
        if highest:
            set_at_least(session, ORDER_NUMBERS, highest)
        for done, (r, customer_id, site_id) in enumerate(todo, start=1):
            if customer_id is None:
                customer_id = new_customers.get(r.email)
            if customer_id is None:
                customer = Customer(org_id=ctx.operator.org_id, email=r.email, first_name=r.first_name,
                                    last_name=r.last_name, first_name_key=r.first_name.lower(),
                                    last_name_key=r.last_name.lower(), phone=r.phone, phone_key=phone_key(r.phone),
                                    line1=r.shipping["line1"], line2=r.shipping["line2"], city=r.shipping["city"],
                                    postcode=r.shipping["postcode"].upper(), country=r.shipping["country"],
                                    created_at=now)
                session.add(customer)
                session.flush()
                customer_id = new_customers[r.email] = customer.id  # type: ignore[assignment]
            if r.order_number is None:
                number = format_order_number(next_number)
                next_number += 1
            else:
                number = r.order_number
            lines_total = r.order_total - r.shipping_total + r.discount_total
            paid = paid_in_file(r)
            order = Order(
                org_id=ctx.operator.org_id, number=number, external_ref=r.external_ref or None, microsite_id=site_id,
                channel=r.channel, order_type=r.order_type, status=r.status, payment_status=r.payment_status,
                currency=r.currency, customer_id=customer_id, customer_email=r.email,
                customer_first_name=r.first_name, customer_last_name=r.last_name,
                customer_name_key=name_key(r.first_name, r.last_name), customer_phone=r.phone, company_name=r.company,
                shipping_name=r.shipping["name"] or f"{r.first_name} {r.last_name}".strip(),
                shipping_line1=r.shipping["line1"], shipping_line2=r.shipping["line2"],
                shipping_city=r.shipping["city"], shipping_postcode=r.shipping["postcode"].upper(),
                shipping_postcode_key=postcode_key(r.shipping["postcode"]), shipping_country=r.shipping["country"],
                billing_name=r.shipping["name"] or f"{r.first_name} {r.last_name}".strip(),
                billing_line1=r.shipping["line1"], billing_line2=r.shipping["line2"], billing_city=r.shipping["city"],
                billing_postcode=r.shipping["postcode"].upper(), billing_country=r.shipping["country"],
                lines_total=lines_total, discount_total=r.discount_total, shipping_total=r.shipping_total,
                order_total=r.order_total, paid_total=paid, customer_reference=r.customer_reference,
                tags=r.tags, fraud_score=r.fraud_score, placed_at=r.placed_at, created_at=now, created_by=user,
                updated_at=now, updated_by=user,
            )
            session.add(order)
            session.flush()
            if paid:
                session.add(Payment(order_id=order.id, method="Marketplace" if r.channel in ("amazon", "ebay", "etsy")
                                    else "Card", status=PaymentStatus.Paid.value, amount=paid,  # type: ignore[arg-type]
                                    reference=f"import {label}", source="import", paid_at=r.placed_at,
                                    recorded_at=now, recorded_by=user))
            audit.record(session, ctx, order_id=order.id, action="import",
                         summary=f"Imported from {label} row {r.row}: {r.status}, payment {r.payment_status}",
                         after={"file": label, "row": r.row})
            if progress and done % 500 == 0:
                progress(done, len(todo))
        for r, order_id, changes in self.update:
            if r.row in bad:
                continue
            order = session.get(Order, order_id)
            assert order is not None
            before = {k: getattr(order, k) for k in changes}
            for key, value in changes.items():
                setattr(order, key, value)
            order.version += 1
            order.updated_at, order.updated_by = now, user
            audit.record(session, ctx, order_id=order_id, action="import",
                         summary=f"Updated from {label} row {r.row}: "
                                 + ", ".join(f"{k} {before[k]} → {v}" for k, v in changes.items()),
                         before=before, after={**changes, "file": label, "row": r.row})


def paid_in_file(r: OrderRecord) -> int:
    """What an imported order has been paid: payment_taken when the file has the column; without
    it, an order the file calls Paid was paid in full (one imported payment; a file followed by a
    payments file gives payment_taken 0), any other nothing yet."""
    if r.payment_taken is not None:
        return r.payment_taken
    return r.order_total if r.payment_status == PaymentStatus.Paid.value else 0


# What an orders import may change on an order that is there already.
UPDATABLE = ("status", "payment_status", "tags", "customer_reference", "fraud_score")


def _plan_orders(session: Session, ctx: Context, records: list[OrderRecord]) -> tuple[_OrderWork, list[Problem]]:
    org = ctx.operator.org_id
    problems: list[Problem] = []
    channels = set(session.scalars(select(OrgChannel.code).where(OrgChannel.org_id == org)))
    sites = {s.code.lower(): s for s in session.scalars(select(Microsite).where(Microsite.org_id == org))}
    default = next((s for s in sites.values() if s.is_default), next(iter(sites.values()), None))
    by_number: dict[str, Order] = {}
    for batch in batched({r.order_number for r in records if r.order_number}):
        for order in session.scalars(select(Order).where(Order.org_id == org, Order.number.in_(batch))):
            by_number[order.number] = order
    by_ref: dict[tuple[str, str], Order] = {}
    for batch in batched({r.external_ref for r in records if r.external_ref and not r.order_number}):
        for order in session.scalars(select(Order).where(Order.org_id == org, Order.external_ref.in_(batch))):
            by_ref[(order.external_ref or "", order.channel)] = order
    customers: dict[str, int] = {}
    for batch in batched({r.email for r in records}):
        for cid, email in session.execute(select(Customer.id, Customer.email).where(
                Customer.org_id == org, Customer.email.in_(batch))):
            customers[email] = cid
    work = _OrderWork()
    seen: dict[str, int] = {}
    for r in records:
        key = r.order_number or f"{r.external_ref}\x00{r.channel}"
        if key in seen:
            problems.append(Problem(r.row, "order_number" if r.order_number else "external_ref",
                                    r.order_number or r.external_ref, f"names the same order as row {seen[key]}"))
            continue
        seen[key] = r.row
        if r.channel not in channels:
            problems.append(Problem(r.row, "channel", r.channel, f"is not a channel of {ctx.operator.org_code} "
                                                                 f"({', '.join(sorted(channels))})"))
            continue
        site = sites.get(r.microsite.lower()) if r.microsite else default
        if site is None:
            problems.append(Problem(r.row, "microsite", r.microsite, f"is not a microsite of {ctx.operator.org_code} "
                                                                     f"({', '.join(sorted(sites))})"))
            continue
        if site.currency != r.currency:
            problems.append(Problem(r.row, "currency", r.currency,
                                    f"is not the currency of microsite {site.code} ({site.currency})"))
            continue
        existing = by_number.get(r.order_number) if r.order_number else by_ref.get((r.external_ref, r.channel))
        if existing is not None:
            changes = {k: getattr(r, k) for k in UPDATABLE if getattr(r, k) != getattr(existing, k)}
            if changes:
                work.update.append((r, existing.id, changes))  # type: ignore[arg-type]
            else:
                work.same.append(r)
            continue
        if r.discount_total > r.order_total - r.shipping_total + r.discount_total or \
                r.order_total < r.shipping_total - r.discount_total:
            problems.append(Problem(r.row, "order_total", str(r.order_total), "is less than its shipping less its "
                                                                             "discount"))
            continue
        if r.payment_taken is not None and r.payment_taken > r.order_total:
            problems.append(Problem(r.row, "payment_taken", str(r.payment_taken), "is more than the order total"))
            continue
        customer_id = customers.get(r.email)
        if customer_id is None and not (r.first_name and r.last_name):
            problems.append(Problem(r.row, "customer_email", r.email, "is not a customer yet; give "
                                    "customer_first_name and customer_last_name to add them"))
            continue
        work.create.append((r, customer_id, site.id))  # type: ignore[arg-type]
    return work, problems


__all__ = ["ImportReport", "SIZE_LIMIT", "UPDATABLE", "Work", "batched", "find_orders", "import_file", "write_errors"]
