"""The items and payments imports (SPEC 7): the lines of orders imported before, and their
payments, checked against the store a batch at a time and written with the driver's
executemany (store.row_writer). What needs every row of an order (its lines adding up to its
total, its paid total and payment status) is done by `finish`, with one activity entry an order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select

from hubtui.domain.import_rows import ItemRecord, PaymentRecord, Problem
from hubtui.domain.order_money import payment_status_for
from hubtui.domain.orders import PaymentStatus
from hubtui.services import audit
from hubtui.services.import_orders import TAKEN
from hubtui.services.imports import Importer, batched, find_order_ids, unknown
from hubtui.store.import_lookups import orders_with_lines
from hubtui.store.row_writer import insert_rows, update_rows
from hubtui.store.tables import Order, OrderLine, Payment, Product

REFUNDED = (PaymentStatus.Refunded.value, PaymentStatus.PartiallyRefunded.value)
LINE_INSERT = ("order_id", "line_no", "product_id", "stock_code", "product_name", "quantity", "unit_price", "discount",
               "line_total", "dispatched_quantity")
PAYMENT_INSERT = ("order_id", "method", "status", "amount", "reference", "comment", "source", "paid_at",
                  "recorded_at", "recorded_by")


@dataclass
class _Lines:
    """What the file gives one order: its lines' count and sum, the rows they came from."""

    id: int
    number: str
    version: int
    order_total: int
    expected: int  # what its lines must come to: its total less shipping, plus its discount
    had_lines: bool
    rows: list[int] = field(default_factory=list)
    total: int = 0
    refused: bool = False


class ItemImporter(Importer):
    kind = "items"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.orders: dict[str, _Lines | None] = {}  # a reference in the file -> its order (None: not one)
        self.products: dict[str, tuple[int, str] | None] = {}

    def _look_up(self, records: list[ItemRecord]) -> None:
        org, session = self.ctx.operator.org_id, self.session
        refs = unknown((r.order_ref for r in records), self.orders)
        found = find_order_ids(session, org, refs)
        with_lines: set[int] = set()
        for batch in batched([row.id for row in found.values()]):
            with_lines |= orders_with_lines(session, batch)
        by_id: dict[int, _Lines] = {}
        for ref in refs:
            row = found.get(ref)
            if row is not None:
                lines = by_id.get(row.id) or _Lines(row.id, row.number, row.version, row.order_total, row.order_total
                                                    - row.shipping_total + row.discount_total, row.id in with_lines)
                self.orders[ref] = by_id[row.id] = lines
            else:
                self.orders[ref] = None
        codes = unknown((r.stock_code.upper() for r in records), self.products)
        for batch in batched(codes):
            for pid, code, name in session.execute(select(Product.id, Product.stock_code, Product.name).where(
                    Product.org_id == org, func.upper(Product.stock_code).in_(batch))):
                self.products[code.upper()] = (pid, name)
        self.products.update((code, None) for code in unknown(codes, self.products))

    def check_and_write(self, records: list[ItemRecord], write: bool) -> None:
        self._look_up(records)
        org_code = self.ctx.operator.org_code
        rows = []
        for r in records:
            order = self.orders[r.order_ref]
            if order is None:
                self.refuse(Problem(r.row, "order_number", r.order_ref, f"is not an order of {org_code} "
                                                                        "(import the orders file first)"))
                continue
            if order.had_lines:
                self.refuse(Problem(r.row, "order_number", r.order_ref, f"{order.number} has its lines already"))
                continue
            product = self.products[r.stock_code.upper()]
            if product is None:
                order.refused = True
                self.refuse(Problem(r.row, "stock_code", r.stock_code, "is not a product's stock code"))
                continue
            if r.discount > r.unit_price * r.quantity:
                order.refused = True
                self.refuse(Problem(r.row, "discount", str(r.discount), "is more than the line is worth"))
                continue
            line_total = r.unit_price * r.quantity - r.discount
            order.rows.append(r.row)
            order.total += line_total
            rows.append((order.id, len(order.rows), product[0], r.stock_code, r.product_name or product[1],
                         r.quantity, r.unit_price, r.discount, line_total, 0))
        if write:
            insert_rows(self.session, "order_lines", LINE_INSERT, rows)

    def finish(self, write: bool) -> None:
        """Each order's lines must add up to its total; an order's lines go in whole or not at all."""
        given = {id(o): o for o in self.orders.values() if o is not None and o.rows}.values()
        for order in given:
            if abs(order.total - order.expected) > 1 and not order.refused:
                order.refused = True
                first = order.rows[0]
                with_extras = order.total - order.expected + order.order_total
                self.refuse(Problem(first, "unit_price", "", f"{order.number}'s lines come to "
                                    f"{with_extras / 100:.2f} with its shipping and discount, its total is "
                                    f"{order.order_total / 100:.2f}"))
                self.problems.extend(Problem(row, "order_number", order.number, f"{order.number}'s lines do not "
                                             f"add up (see row {first})") for row in order.rows[1:])
        kept = [o for o in given if not o.refused]
        self.created = len(kept)
        if not write:
            return
        dropped = [o.id for o in given if o.refused]
        for batch in batched(dropped):
            self.session.execute(delete(OrderLine).where(OrderLine.order_id.in_(batch)))
        if kept:
            now, user = self.ctx.now(), self.ctx.operator.user_name
            update_rows(self.session, "orders", ("id", "lines_total", "version", "updated_at", "updated_by"),
                        [(o.id, o.total, o.version + 1, now, user) for o in kept])
        file_json, at = audit.json_value(self.label), self.ctx.now()
        insert_rows(self.session, "activity", audit.ACTIVITY_COLUMNS, (audit.activity_row(
            self.ctx, order_id=o.id, action="import", at=at,
            after=f'{{"file": {file_json}, "rows": [{", ".join(map(str, o.rows))}]}}',
            summary=f"Imported {len(o.rows)} line(s) from {self.label} rows {_rows(o.rows)}") for o in kept))

def _rows(rows: list[int]) -> str:
    """Row numbers for a summary: all of them when few, else the first and last."""
    return ", ".join(map(str, rows)) if len(rows) <= 12 else f"{rows[0]}-{rows[-1]} ({len(rows)} rows)"


class PaymentImporter(Importer):
    kind = "payments"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.orders: dict[str, int | None] = {}  # a reference in the file -> its order's id (None: not one)
        self.touched: dict[int, list[int]] = {}  # order id -> the rows that paid it

    def check_and_write(self, records: list[PaymentRecord], write: bool) -> None:
        org, session = self.ctx.operator.org_id, self.session
        refs = unknown((r.order_ref for r in records), self.orders)
        found = find_order_ids(session, org, refs)
        self.orders.update((ref, found[ref].id if ref in found else None) for ref in refs)
        ids = {self.orders[r.order_ref] for r in records} - {None}
        existing: set[tuple[int, str, int, str]] = set()
        for batch in batched(list(ids)):
            existing |= {(oid, ref, amount, method) for oid, ref, amount, method in session.execute(
                select(Payment.order_id, Payment.reference, Payment.amount, Payment.method)
                .where(Payment.order_id.in_(batch)))}
        now, user = self.ctx.now(), self.ctx.operator.user_name
        rows = []
        for r in records:
            order_id = self.orders[r.order_ref]
            if order_id is None:
                self.refuse(Problem(r.row, "order_number", r.order_ref, f"is not an order of "
                                    f"{self.ctx.operator.org_code} (import the orders file first)"))
                continue
            if (order_id, r.reference, r.amount, r.method) in existing:
                self.unchanged += 1
                continue
            self.created += 1
            self.touched.setdefault(order_id, []).append(r.row)
            rows.append((order_id, r.method, r.status, r.amount, r.reference, "", "import", r.paid_at, now, user))
        if write:
            insert_rows(session, "payments", PAYMENT_INSERT, rows)

    def finish(self, write: bool) -> None:
        """Each order paid: the payment its orders file recorded for payment_taken gives way to the
        payments themselves; its paid total and payment status from all its payments now (a
        refunded order stays so: no file carries refunds)."""
        if not write:
            return
        session, now, user = self.session, self.ctx.now(), self.ctx.operator.user_name
        entries, changes = [], []
        for batch in batched(list(self.touched)):
            replaced = set(session.scalars(delete(Payment).where(Payment.order_id.in_(batch), Payment.source == TAKEN)
                                           .returning(Payment.order_id)))
            sums: dict[int, dict[str, int]] = {}
            last: dict[int, str] = {}
            for order_id, status, amount in session.execute(
                    select(Payment.order_id, Payment.status, Payment.amount).where(Payment.order_id.in_(batch))
                    .order_by(Payment.order_id, Payment.paid_at, Payment.id)):
                totals = sums.setdefault(order_id, {})
                totals[status] = totals.get(status, 0) + amount
                last[order_id] = status
            for order in session.execute(select(Order.id, Order.order_total, Order.paid_total, Order.payment_status,
                                                Order.refunded_total, Order.version).where(Order.id.in_(batch))):
                totals = sums.get(order.id, {})
                paid = totals.get(PaymentStatus.Paid.value, 0)
                status = payment_status_for(order.order_total, paid, totals.get(PaymentStatus.Authorized.value, 0),
                                            order.refunded_total, PaymentStatus(last[order.id])).value
                if order.refunded_total == 0 and order.payment_status in REFUNDED:
                    status = order.payment_status
                changes.append((order.id, paid, status, order.version + 1, now, user))
                rows = self.touched[order.id]
                entries.append(audit.activity_row(
                    self.ctx, order_id=order.id, action="import", at=now,
                    before={"paid_total": order.paid_total, "payment_status": order.payment_status},
                    after={"paid_total": paid, "payment_status": status, "file": self.label},
                    summary=f"Imported {len(rows)} payment(s) from {self.label} rows {_rows(rows)}"
                            + (" in place of the orders file's payment_taken" if order.id in replaced else "")))
        update_rows(session, "orders", ("id", "paid_total", "payment_status", "version", "updated_at", "updated_by"),
                    changes)
        insert_rows(session, "activity", audit.ACTIVITY_COLUMNS, entries)


__all__ = ["ItemImporter", "PaymentImporter"]
