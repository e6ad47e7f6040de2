"""The items and payments imports (SPEC 7): the lines of orders imported before, and their
payments, checked against the store and written by services.imports."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.import_rows import ItemRecord, PaymentRecord, Problem
from hubtui.domain.orders import PaymentStatus, payment_status_for
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.imports import Progress, Work, batched, find_orders
from hubtui.store.tables import Order, OrderLine, Payment, Product


@dataclass
class _ItemWork(Work):
    lines: dict[int, list[tuple[ItemRecord, int | None, str]]] = field(default_factory=dict)  # order id -> lines
    rows_of: dict[int, list[int]] = field(default_factory=dict)

    def counts(self, bad: set[int]) -> dict[str, int]:
        return {"created": sum(1 for o, rows in self.rows_of.items() if not set(rows) & bad)}

    def write(self, session: Session, ctx: Context, label: str, bad: set[int], progress: Progress | None) -> None:
        for order_id, lines in self.lines.items():
            if set(self.rows_of[order_id]) & bad:
                continue  # an order's lines go in whole or not at all
            order = session.get(Order, order_id)
            assert order is not None
            for line_no, (r, product_id, name) in enumerate(lines, start=1):
                session.add(OrderLine(order_id=order_id, line_no=line_no, product_id=product_id,
                                      stock_code=r.stock_code, product_name=name, quantity=r.quantity,
                                      unit_price=r.unit_price, discount=r.discount,
                                      line_total=r.unit_price * r.quantity - r.discount))
            order.lines_total = sum(r.unit_price * r.quantity - r.discount for r, _, _ in lines)
            audit.record(session, ctx, order_id=order_id, action="import",
                         summary=f"Imported {len(lines)} line(s) from {label} rows "
                                 f"{', '.join(str(r.row) for r, _, _ in lines)}",
                         after={"file": label, "rows": [r.row for r, _, _ in lines]})


def plan_items(session: Session, ctx: Context, records: list[ItemRecord]) -> tuple[_ItemWork, list[Problem]]:
    org = ctx.operator.org_id
    problems: list[Problem] = []
    orders = find_orders(session, org, {r.order_ref for r in records})
    products: dict[str, tuple[int, str]] = {}
    for batch in batched({r.stock_code.upper() for r in records}):
        for pid, code, name in session.execute(select(Product.id, Product.stock_code, Product.name).where(
                Product.org_id == org, func.upper(Product.stock_code).in_(batch))):
            products[code.upper()] = (pid, name)
    has_lines = set()
    ids = [o.id for o in orders.values()]
    for batch in batched(ids):
        has_lines |= set(session.scalars(select(OrderLine.order_id).where(OrderLine.order_id.in_(batch)).distinct()))
    work = _ItemWork()
    for r in records:
        order = orders.get(r.order_ref)
        if order is None:
            problems.append(Problem(r.row, "order_number", r.order_ref, "is not an order of "
                                    f"{ctx.operator.org_code} (import the orders file first)"))
            continue
        if order.id in has_lines:
            problems.append(Problem(r.row, "order_number", r.order_ref, f"{order.number} has its lines already"))
            continue
        product = products.get(r.stock_code.upper())
        if product is None:
            problems.append(Problem(r.row, "stock_code", r.stock_code, "is not a product's stock code"))
            continue
        if r.discount > r.unit_price * r.quantity:
            problems.append(Problem(r.row, "discount", str(r.discount), "is more than the line is worth"))
            continue
        work.lines.setdefault(order.id, []).append((r, product[0], r.product_name or product[1]))  # type: ignore[index]
        work.rows_of.setdefault(order.id, []).append(r.row)  # type: ignore[index]
    for order in orders.values():
        lines = work.lines.get(order.id)  # type: ignore[arg-type]
        if not lines:
            continue
        total = sum(r.unit_price * r.quantity - r.discount for r, _, _ in lines)
        expected = total - order.discount_total + order.shipping_total
        if abs(expected - order.order_total) > 1:
            first = lines[0][0]
            problems.append(Problem(first.row, "unit_price", "", f"{order.number}'s lines come to "
                                    f"{expected / 100:.2f} with its shipping and discount, its total is "
                                    f"{order.order_total / 100:.2f}"))
            problems.extend(Problem(r.row, "order_number", r.order_ref, f"{order.number}'s lines do not add up "
                                    f"(see row {first.row})") for r, _, _ in lines[1:])
    return work, problems


# ---------------------------------------------------------------------------- payments

@dataclass
class _PaymentWork(Work):
    add: list[tuple[PaymentRecord, int]] = field(default_factory=list)
    same: list[PaymentRecord] = field(default_factory=list)

    def counts(self, bad: set[int]) -> dict[str, int]:
        return {"created": sum(1 for r, _ in self.add if r.row not in bad),
                "unchanged": sum(1 for r in self.same if r.row not in bad)}

    def write(self, session: Session, ctx: Context, label: str, bad: set[int], progress: Progress | None) -> None:
        now, user = ctx.now(), ctx.operator.user_name
        touched: dict[int, list[int]] = {}
        for r, order_id in self.add:
            if r.row in bad:
                continue
            session.add(Payment(order_id=order_id, method=r.method, status=r.status, amount=r.amount,
                                reference=r.reference, source="import", paid_at=r.paid_at, recorded_at=now,
                                recorded_by=user))
            touched.setdefault(order_id, []).append(r.row)
        session.flush()
        for order_id, rows in touched.items():
            order = session.get(Order, order_id)
            assert order is not None
            totals = dict(session.execute(select(Payment.status, func.sum(Payment.amount)).where(
                Payment.order_id == order_id).group_by(Payment.status)).all())
            before = {"paid_total": order.paid_total, "payment_status": order.payment_status}
            order.paid_total = int(totals.get(PaymentStatus.Paid.value) or 0)
            order.payment_status = payment_status_for(order.order_total, order.paid_total,
                                                      int(totals.get(PaymentStatus.Authorized.value) or 0),
                                                      order.refunded_total, None).value
            order.version += 1
            order.updated_at, order.updated_by = now, user
            audit.record(session, ctx, order_id=order_id, action="import",
                         summary=f"Imported {len(rows)} payment(s) from {label} rows {', '.join(map(str, rows))}",
                         before=before, after={"paid_total": order.paid_total,
                                               "payment_status": order.payment_status, "file": label})


def plan_payments(session: Session, ctx: Context,
                   records: list[PaymentRecord]) -> tuple[_PaymentWork, list[Problem]]:
    org = ctx.operator.org_id
    problems: list[Problem] = []
    orders = find_orders(session, org, {r.order_ref for r in records})
    existing: set[tuple[int, str, int, str]] = set()
    for batch in batched([o.id for o in orders.values()]):
        existing |= {(oid, ref, amount, method) for oid, ref, amount, method in session.execute(
            select(Payment.order_id, Payment.reference, Payment.amount, Payment.method)
            .where(Payment.order_id.in_(batch)))}
    work = _PaymentWork()
    for r in records:
        order = orders.get(r.order_ref)
        if order is None:
            problems.append(Problem(r.row, "order_number", r.order_ref, "is not an order of "
                                    f"{ctx.operator.org_code} (import the orders file first)"))
            continue
        if (order.id, r.reference, r.amount, r.method) in existing:
            work.same.append(r)
            continue
        work.add.append((r, order.id))  # type: ignore[arg-type]
    return work, problems


__all__ = ["plan_items", "plan_payments"]
