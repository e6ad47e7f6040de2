"""The orders import (SPEC 7): each batch of order rows checked against the store (channels,
microsite and its currency, the orders there already, customers) and written with the driver's
executemany (store.row_writer): the orders, the customers the file brings, one imported payment
for what the file says was paid, and an activity entry per order naming the file and row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from hubtui.domain.import_rows import OrderRecord, Problem
from hubtui.domain.numbers import format_order_number, order_sequence
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import PaymentStatus
from hubtui.services import audit
from hubtui.services.catalogue import phone_key
from hubtui.services.imports import Importer, batched, unknown
from hubtui.store.org_tables import Microsite, OrgChannel
from hubtui.store.row_writer import insert_rows, reserve_ids
from hubtui.store.sequences import ORDER_NUMBERS, set_at_least, take_next
from hubtui.store.tables import Customer, Order

# What an orders import may change on an order that is there already.
UPDATABLE = ("status", "payment_status", "tags", "customer_reference", "fraud_score")
MARKETPLACES = ("amazon", "ebay", "etsy")
# The source of the one payment an orders file's payment_taken (or Paid) records: a payments
# file for the order brings the payments themselves, and they take its place.
TAKEN = "payment_taken"
ORDER_INSERT = (
    "id", "org_id", "number", "external_ref", "microsite_id", "channel", "order_type", "status", "payment_status",
    "currency", "customer_id", "customer_email", "customer_first_name", "customer_last_name", "customer_name_key",
    "customer_phone", "company_name", "shipping_name", "shipping_line1", "shipping_line2", "shipping_city",
    "shipping_postcode", "shipping_postcode_key", "shipping_country", "billing_name", "billing_line1",
    "billing_line2", "billing_city", "billing_postcode", "billing_country", "lines_total", "discount_total",
    "shipping_total", "order_total", "paid_total", "refunded_total", "customer_reference", "tags", "fraud_score",
    "tracking_number", "tracking_carrier", "tracking_link", "placed_at", "created_at", "created_by", "updated_at",
    "updated_by", "version",
)
CUSTOMER_INSERT = ("id", "org_id", "email", "first_name", "last_name", "first_name_key", "last_name_key", "phone",
                   "phone_key", "line1", "line2", "city", "postcode", "country", "created_at")
PAYMENT_INSERT = ("order_id", "method", "status", "amount", "reference", "comment", "source", "paid_at",
                  "recorded_at", "recorded_by")


def paid_in_file(r: OrderRecord) -> int:
    """What an imported order has been paid: payment_taken when the file has the column; without
    it, an order the file calls Paid was paid in full (one imported payment; a file followed by a
    payments file gives payment_taken 0), any other nothing yet."""
    if r.payment_taken is not None:
        return r.payment_taken
    return r.order_total if r.payment_status == PaymentStatus.Paid.value else 0


class OrderImporter(Importer):
    kind = "orders"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        org = self.ctx.operator.org_id
        self.channels = set(self.session.scalars(select(OrgChannel.code).where(OrgChannel.org_id == org)))
        self.sites = {s.code.lower(): (s.id, s.code, s.currency, s.is_default) for s in
                      self.session.scalars(select(Microsite).where(Microsite.org_id == org))}
        self.default_site = next((s for s in self.sites.values() if s[3]), next(iter(self.sites.values()), None))
        self.seen: dict[str, int] = {}  # the order a row names -> the first row naming it
        self.customers: dict[str, int] = {}  # e-mails of the file's new customers -> their ids (0 when not written)

    def check_and_write(self, records: list[OrderRecord], write: bool) -> None:
        org = self.ctx.operator.org_id
        session = self.session
        columns = (Order.id, Order.number, Order.external_ref, Order.channel, *(getattr(Order, k) for k in UPDATABLE))
        existing: dict[Any, Any] = {}
        for batch in batched({r.order_number for r in records if r.order_number}):
            existing.update((row.number, row) for row in session.execute(
                select(*columns).where(Order.org_id == org, Order.number.in_(batch))))
        for batch in batched({r.external_ref for r in records if r.external_ref and not r.order_number}):
            existing.update(((row.external_ref, row.channel), row) for row in session.execute(
                select(*columns).where(Order.org_id == org, Order.external_ref.in_(batch))))
        known: dict[str, int] = {}
        for batch in batched(unknown((r.email for r in records), self.customers)):
            known.update((email, cid) for cid, email in session.execute(select(Customer.id, Customer.email).where(
                Customer.org_id == org, Customer.email.in_(batch))))
        create: list[tuple[OrderRecord, int | None, int]] = []
        changed: list[tuple[OrderRecord, int, dict[str, Any], dict[str, Any]]] = []
        for r in records:
            site = self._check(r)
            if site is None:
                continue
            there = existing.get(r.order_number) if r.order_number else existing.get((r.external_ref, r.channel))
            if there is not None:
                changes = {k: getattr(r, k) for k in UPDATABLE if getattr(r, k) != getattr(there, k)}
                if changes:
                    changed.append((r, there.id, changes, {k: getattr(there, k) for k in changes}))
                    self.notes.append(f"row {r.row}: {r.order_number or r.external_ref} exists; "
                                      + ", ".join(f"{k} {v}" for k, v in changes.items()))
                else:
                    self.unchanged += 1
                continue
            problem = _money_problem(r)
            if problem is not None:
                self.refuse(problem)
                continue
            customer_id = known.get(r.email, self.customers.get(r.email))
            if customer_id is None and not (r.first_name and r.last_name):
                self.refuse(Problem(r.row, "customer_email", r.email, "is not a customer yet; give "
                                    "customer_first_name and customer_last_name to add them"))
                continue
            if customer_id is None:
                self.customers[r.email] = 0  # the file's first row with this e-mail adds the customer
            create.append((r, customer_id, site))
        self.created += len(create)
        self.updated += len(changed)
        if write:
            self._write(create, changed)

    def _check(self, r: OrderRecord) -> int | None:
        """The id of the order's microsite, or None with the row refused."""
        # By number and by external reference: a row may name by its reference an order an
        # earlier row of the file creates with a number (it would be created twice).
        keys = [key for key in (r.order_number, r.external_ref and f"{r.external_ref}\x00{r.channel}") if key]
        earlier = next((self.seen[key] for key in keys if key in self.seen), None)
        if earlier is not None:
            self.refuse(Problem(r.row, "order_number" if r.order_number else "external_ref",
                                r.order_number or r.external_ref, f"names the same order as row {earlier}"))
            return None
        self.seen.update((key, r.row) for key in keys)
        org_code = self.ctx.operator.org_code
        if r.channel not in self.channels:
            self.refuse(Problem(r.row, "channel", r.channel, f"is not a channel of {org_code} "
                                                             f"({', '.join(sorted(self.channels))})"))
            return None
        site = self.sites.get(r.microsite.lower()) if r.microsite else self.default_site
        if site is None:
            self.refuse(Problem(r.row, "microsite", r.microsite, f"is not a microsite of {org_code} "
                                                                 f"({', '.join(sorted(self.sites))})"))
            return None
        if site[2] != r.currency:
            self.refuse(Problem(r.row, "currency", r.currency, f"is not the currency of microsite {site[1]} "
                                                               f"({site[2]})"))
            return None
        return int(site[0])

    def _write(self, create: list[tuple[OrderRecord, int | None, int]],
               changed: list[tuple[OrderRecord, int, dict[str, Any], dict[str, Any]]]) -> None:
        ctx, session, label = self.ctx, self.session, self.label
        org, now, user = ctx.operator.org_id, ctx.now(), ctx.operator.user_name
        new = {r.email: r for r, customer_id, _ in reversed(create) if customer_id is None
               and not self.customers.get(r.email)}
        customer_ids = reserve_ids(session, "customers", len(new))
        customer_rows = []
        for cid, r in zip(customer_ids, new.values()):
            self.customers[r.email] = cid
            customer_rows.append((cid, org, r.email, r.first_name, r.last_name, r.first_name.lower(),
                                  r.last_name.lower(), r.phone, phone_key(r.phone), r.shipping["line1"],
                                  r.shipping["line2"], r.shipping["city"], r.shipping["postcode"].upper(),
                                  r.shipping["country"], now))
        insert_rows(session, "customers", CUSTOMER_INSERT, customer_rows)
        blank = sum(1 for r, _, _ in create if r.order_number is None)
        next_number = take_next(session, ORDER_NUMBERS, blank) if blank else 0
        highest = max((order_sequence(r.order_number) for r, _, _ in create if r.order_number), default=0)
        if highest:
            set_at_least(session, ORDER_NUMBERS, highest)
        orders, payments, entries = [], [], []
        file_json = audit.json_value(label)
        for order_id, (r, customer_id, site_id) in zip(reserve_ids(session, "orders", len(create)), create):
            if r.order_number is None:
                number, next_number = format_order_number(next_number), next_number + 1
            else:
                number = r.order_number
            paid = paid_in_file(r)
            ship = r.shipping
            name = ship["name"] or f"{r.first_name} {r.last_name}".strip()
            postcode = ship["postcode"].upper()
            orders.append((
                order_id, org, number, r.external_ref or None, site_id, r.channel, r.order_type, r.status,
                r.payment_status, r.currency, customer_id or self.customers[r.email], r.email, r.first_name,
                r.last_name, name_key(r.first_name, r.last_name), r.phone, r.company, name, ship["line1"],
                ship["line2"], ship["city"], postcode, postcode_key(ship["postcode"]), ship["country"], name,
                ship["line1"], ship["line2"], ship["city"], postcode, ship["country"],
                r.order_total - r.shipping_total + r.discount_total, r.discount_total, r.shipping_total,
                r.order_total, paid, 0, r.customer_reference, r.tags, r.fraud_score, "", "", "", r.placed_at, now,
                user, now, user, 1))
            if paid:
                payments.append((order_id, "Marketplace" if r.channel in MARKETPLACES else "Card",
                                 PaymentStatus.Paid.value, paid, f"import {label}", "", TAKEN, r.placed_at, now,
                                 user))
            entries.append(audit.activity_row(
                ctx, order_id=order_id, action="import", at=now, after=f'{{"file": {file_json}, "row": {r.row}}}',
                summary=f"Imported from {label} row {r.row}: {r.status}, payment {r.payment_status}"))
        insert_rows(session, "orders", ORDER_INSERT, orders)
        insert_rows(session, "payments", PAYMENT_INSERT, payments)
        for r, order_id, changes, before in changed:
            session.execute(update(Order).where(Order.id == order_id).values(
                **changes, version=Order.version + 1, updated_at=now, updated_by=user))
            entries.append(audit.activity_row(
                ctx, order_id=order_id, action="import", before=before, at=now, after={**changes, "file": label, "row": r.row},
                summary=f"Updated from {label} row {r.row}: "
                        + ", ".join(f"{k} {before[k]} → {v}" for k, v in changes.items())))
        insert_rows(session, "activity", audit.ACTIVITY_COLUMNS, entries)


def _money_problem(r: OrderRecord) -> Problem | None:
    if r.order_total < r.shipping_total or r.order_total < r.shipping_total - r.discount_total:
        return Problem(r.row, "order_total", str(r.order_total), "is less than its shipping less its discount")
    if r.payment_taken is not None and r.payment_taken > r.order_total:
        return Problem(r.row, "payment_taken", str(r.payment_taken), "is more than the order total")
    return None


__all__ = ["OrderImporter", "TAKEN", "UPDATABLE", "paid_in_file"]
