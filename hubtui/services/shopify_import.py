"""Importing a Shopify store's orders export (issue 13): each order with its line items and its
payment, in one transaction with the same policy, report and once-only rule as the CSV imports
(services.imports). Unknown SKUs, and items without one, become products with
`create_products`; otherwise each is reported.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.import_rows import Problem
from hubtui.domain.numbers import format_order_number
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import PaymentStatus
from hubtui.domain.permissions import Permission
from hubtui.domain.shopify import (
    SHOPIFY_REQUIRED,
    TAX_CODE,
    ShopifyOrder,
    check_total,
    product_code,
    read_shopify_line,
    read_shopify_order,
)
from hubtui.services import audit
from hubtui.services.catalogue import phone_key
from hubtui.services.context import Context
from hubtui.services.csv_reader import check_header, open_rows
from hubtui.services.imports import SIZE_LIMIT, ImportReport, Progress, _sha256, already_imported, batched, \
    record_import
from hubtui.services.price_match import refresh_board
from hubtui.store.org_tables import Microsite, OrgChannel
from hubtui.store.sequences import ORDER_NUMBERS, take_next
from hubtui.store.tables import Customer, Order, OrderLine, Payment, Product

KIND = "shopify"


def import_shopify(ctx: Context, path: str | os.PathLike[str], *, channel: str = "web",
                   create_products: bool = False, dry_run: bool = False, skip_bad_rows: bool = False,
                   progress: Progress | None = None, size_limit: int = SIZE_LIMIT) -> ImportReport:
    ctx.require(Permission.import_data)
    shown = os.fspath(path)
    label = Path(shown).name[:255]
    orders: list[ShopifyOrder] = []
    problems: list[Problem] = []
    bad_rows: dict[int, dict[str, str]] = {}
    count = 0
    with open_rows(shown, size_limit=size_limit) as rows:
        check_header(rows.header, SHOPIFY_REQUIRED, allow_unknown=True, file=label)
        digest = _sha256(shown)
        earlier = already_imported(ctx, KIND, digest, label, dry_run)
        if earlier is not None:
            return earlier
        current: ShopifyOrder | None = None
        current_ref = None
        for number, values in rows:
            count += 1
            before = len(problems)
            reference = (values.get("name") or "").strip()
            if reference != current_ref:  # the first row of an order carries its columns
                current_ref = reference
                current = read_shopify_order(number, values, problems)
                if current is not None:
                    orders.append(current)
            line = read_shopify_line(number, values, problems)
            if line is not None and current is not None:
                current.lines.append(line)
            if len(problems) > before:
                bad_rows[number] = dict(values)
            if progress and count % 1000 == 0:
                progress(count, rows.position, rows.size)
    with ctx.store.read() as session:
        plan, more = _plan(session, ctx, orders, channel, create_products)
    problems.extend(more)
    bad = {p.row for p in problems}
    keep = [o for o in plan if not ({o.row} | {l.row for l in o.lines}) & bad]
    report = ImportReport(KIND, label, rows=count, created=len(keep), problems=tuple(sorted(problems,
                          key=lambda p: p.row)), dry_run=dry_run, bad_rows=bad_rows,
                          unchanged=len(orders) - len(plan) - len({p.row for p in more if p.column == "name"}))
    if (problems and not skip_bad_rows) or dry_run:
        return report
    with ctx.store.write() as session:
        record_import(session, ctx, report, digest, len(bad))
        _write(session, ctx, keep, channel, label)
    return replace(report, written=True)


def _plan(session: Session, ctx: Context, orders: list[ShopifyOrder], channel: str,
          create_products: bool) -> tuple[list[ShopifyOrder], list[Problem]]:
    org = ctx.operator.org_id
    problems: list[Problem] = []
    if session.scalar(select(OrgChannel.id).where(OrgChannel.org_id == org, OrgChannel.code == channel)) is None:
        problems.append(Problem(1, "channel", channel, f"is not a channel of {ctx.operator.org_code}"))
        return [], problems
    currencies = {s.currency for s in session.scalars(select(Microsite).where(Microsite.org_id == org))}
    known: set[str] = set()
    for batch in batched({o.reference for o in orders}):
        known |= set(session.scalars(select(Order.external_ref).where(
            Order.org_id == org, Order.channel == channel, Order.external_ref.in_(batch))))
    codes: set[str] = set()
    for batch in batched({product_code(l.sku, l.name).upper() for o in orders for l in o.lines}):
        codes |= {c.upper() for c in session.scalars(select(Product.stock_code).where(
            Product.org_id == org, func.upper(Product.stock_code).in_(batch)))}
    plan = []
    for order in orders:
        if order.reference in known:
            continue  # imported before (another export with the same order): left as it is
        if order.currency not in currencies:
            problems.append(Problem(order.row, "currency", order.currency,
                                    f"no microsite of {ctx.operator.org_code} sells in it"))
            continue
        if not create_products:
            for line in order.lines:
                if product_code(line.sku, line.name).upper() not in codes:
                    what = f"SKU {line.sku}" if line.sku else "an item without a SKU"
                    problems.append(Problem(line.row, "lineitem_sku", line.sku,
                                            f"{what} ({line.name}) is not a product; --create-products adds it"))
        total = check_total(order)
        if total:
            problems.append(total)
        plan.append(order)
    return plan, problems


def _write(session: Session, ctx: Context, orders: list[ShopifyOrder], channel: str, label: str) -> None:
    org, now, user = ctx.operator.org_id, ctx.now(), ctx.operator.user_name
    sites = {s.currency: s for s in session.scalars(select(Microsite).where(Microsite.org_id == org)
                                                    .order_by(Microsite.is_default.desc(), Microsite.id))}
    products = {p.stock_code.upper(): p for p in session.scalars(select(Product).where(Product.org_id == org))}
    customers: dict[str, int] = {}
    number = take_next(session, ORDER_NUMBERS, len(orders)) if orders else 0
    created: list[int] = []
    for order in orders:
        first, _, last = order.name.partition(" ")
        customer_id = None
        if order.email:
            customer_id = customers.get(order.email) or session.scalar(select(Customer.id).where(
                Customer.org_id == org, Customer.email == order.email))
            if customer_id is None:
                customer = Customer(org_id=org, email=order.email, first_name=first, last_name=last,
                                    first_name_key=first.lower(), last_name_key=last.lower(), phone=order.phone,
                                    phone_key=phone_key(order.phone), line1=order.address["line1"],
                                    line2=order.address["line2"], city=order.address["city"],
                                    postcode=order.address["postcode"].upper(),
                                    country=(order.address["country"] or "GB")[:2].upper(), created_at=now)
                session.add(customer)
                session.flush()
                customer_id = customer.id
            customers[order.email] = customer_id  # type: ignore[assignment]
        lines = [(product_code(l.sku, l.name), l.name, l.quantity, l.price, l.discount) for l in order.lines]
        if order.taxes:
            lines.append((TAX_CODE, "Taxes (Shopify)", 1, order.taxes, 0))
        lines_total = sum(q * p - d for _, _, q, p, d in lines)
        a = order.address
        row = Order(
            org_id=org, number=format_order_number(number), external_ref=order.reference[:64],
            microsite_id=sites[order.currency].id, channel=channel, order_type="Standard", status=order.status,
            payment_status=order.payment_status, payment_method="Card" if order.paid else None,
            currency=order.currency, customer_id=customer_id, customer_email=order.email,
            customer_first_name=first, customer_last_name=last, customer_name_key=name_key(first, last),
            customer_phone=order.phone, shipping_name=a["name"], shipping_line1=a["line1"], shipping_line2=a["line2"],
            shipping_city=a["city"], shipping_postcode=a["postcode"].upper(),
            shipping_postcode_key=postcode_key(a["postcode"]), shipping_country=(a["country"] or "GB")[:2].upper(),
            billing_name=a["name"], billing_line1=a["line1"], billing_line2=a["line2"], billing_city=a["city"],
            billing_postcode=a["postcode"].upper(), billing_country=(a["country"] or "GB")[:2].upper(),
            lines_total=lines_total, discount_total=order.discount, shipping_total=order.shipping,
            order_total=lines_total - order.discount + order.shipping, paid_total=order.paid,
            refunded_total=order.refunded, tags=order.tags, placed_at=order.placed_at, created_at=now,
            created_by=user, updated_at=now, updated_by=user,
        )
        number += 1
        session.add(row)
        session.flush()
        for line_no, (code, name, quantity, price, discount) in enumerate(lines, start=1):
            product = products.get(code.upper())
            if product is None and code != TAX_CODE:
                product = Product(org_id=org, stock_code=code, name=name, name_key=name.lower(), price=price)
                session.add(product)
                session.flush()
                products[code.upper()] = product
                created.append(product.id)  # type: ignore[arg-type]
            session.add(OrderLine(order_id=row.id, line_no=line_no, product_id=product.id if product else None,  # type: ignore[arg-type]
                                  stock_code=code, product_name=name, quantity=quantity, unit_price=price,
                                  discount=discount, line_total=quantity * price - discount,
                                  dispatched_quantity=quantity if order.status == "Dispatched" else 0))
        if order.paid:
            session.add(Payment(order_id=row.id, method="Card", status=PaymentStatus.Paid.value, amount=order.paid,  # type: ignore[arg-type]
                                reference=order.payment_reference, source="import", paid_at=order.placed_at,
                                recorded_at=now, recorded_by=user))
        audit.record(session, ctx, order_id=row.id, action="import",
                     summary=f"Imported from {label} row {order.row}: Shopify {order.reference}, {order.status}, "
                             f"payment {order.payment_status}" + (f", taxes {order.taxes / 100:.2f}"
                                                                   if order.taxes else ""),
                     after={"file": label, "row": order.row, "shopify": order.reference})
    if created:  # on the Price Match screen at once ("no rule" until a channel price is seen)
        refresh_board(session, ctx, created)


__all__ = ["import_shopify"]
