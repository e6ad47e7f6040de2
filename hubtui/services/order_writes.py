"""Changing orders: place, move, note, edit. One transaction each, audited; payments are in
order_payments, and the locking and version check every write shares in order_access.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hubtui.domain.limits import text_problem
from hubtui.domain.money import format_money
from hubtui.domain.numbers import format_order_number
from hubtui.domain.order_draft import QuantityError, address_problems, check_quantity, typed_address_problems
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import (
    CancelReason,
    OrderStatus,
    OrderType,
    PaymentStatus,
    check_transition,
    is_editable,
)
from hubtui.domain.permissions import Permission, move_permission
from hubtui.domain.totals import LineMoney, line_total, order_totals
from hubtui.services import audit
from hubtui.services.refusals import refusals_recorded
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import check_version, lock_order, read_back, touch
from hubtui.services.drafts import NewLine, NewOrder, OrderChanges, PaymentDraft
from hubtui.services.order_payments import apply_payment, payment_kind
from hubtui.services.views import Address, OrderDetail
from hubtui.store.org_tables import Microsite, OrgChannel
from hubtui.store.sequences import ORDER_NUMBERS, take_next
from hubtui.store.tables import Company, Customer, Order, OrderLine, Product


def _default_microsite(session: Session, ctx: Context, code: str | None) -> Microsite:
    stmt = select(Microsite).where(Microsite.org_id == ctx.operator.org_id)
    stmt = stmt.where(Microsite.code == code) if code else stmt.order_by(Microsite.is_default.desc(), Microsite.id)
    microsite = session.scalars(stmt).first()
    if microsite is None:
        raise InvalidInput(f"Unknown microsite '{code}' in {ctx.operator.org_code}.", "microsite")
    return microsite


def require_channel(session: Session, ctx: Context, code: str) -> None:
    configured = session.scalars(
        select(OrgChannel).where(
            OrgChannel.org_id == ctx.operator.org_id, OrgChannel.code == code, OrgChannel.enabled
        )
    ).first()
    if configured is None:
        raise InvalidInput(f"Channel '{code}' is not configured for {ctx.operator.org_code}.", "channel")


def _address_of(customer: Customer) -> Address:
    return Address(
        f"{customer.first_name} {customer.last_name}".strip(), customer.line1, customer.line2,
        customer.city, customer.postcode, customer.country,
    )


def _require_complete(address: Address, prefix: str, *, typed: bool = False) -> None:
    """`typed`: an address the operator changed, whose post code is also checked for its country."""
    problems = (typed_address_problems if typed else address_problems)(asdict(address))
    if problems:
        part, message = next(iter(problems.items()))
        what = "is incomplete" if part != "postcode" or "Give" in message else "is wrong"
        raise InvalidInput(f"The {prefix} address {what}: {message}", f"{prefix}_{part}")


def _set_address(order: Order, prefix: str, address: Address) -> None:
    for part in ("name", "line1", "line2", "city", "postcode", "country"):
        setattr(order, f"{prefix}_{part}", getattr(address, part))
    if prefix == "shipping":
        order.shipping_postcode_key = postcode_key(address.postcode)


def _priced_lines(session: Session, ctx: Context, draft: NewOrder) -> list[OrderLine]:
    if not draft.lines:
        raise InvalidInput("An order needs at least one line.", "lines")
    lines = []
    for line_no, line in enumerate(draft.lines, start=1):
        try:
            check_quantity(line.quantity)
        except QuantityError as error:
            raise InvalidInput(f"Line {line_no}: {error}", "quantity", line=line_no) from None
        product = session.scalars(
            select(Product).where(Product.org_id == ctx.operator.org_id, Product.stock_code == line.stock_code)
        ).first()
        if product is None:
            raise InvalidInput(f"Line {line_no}: no product with stock code {line.stock_code}.", "stock_code", line=line_no)
        if not product.active:
            raise InvalidInput(f"Line {line_no}: {product.stock_code} is no longer sold.", "stock_code", line=line_no)
        unit_price = product.price if line.unit_price is None else line.unit_price
        if unit_price < 0 or line.discount < 0:
            raise InvalidInput(f"Line {line_no}: prices and discounts cannot be negative.", "unit_price", line=line_no)
        gross = line_total(unit_price, line.quantity)
        if line.discount > gross:
            raise InvalidInput(f"Line {line_no}: the discount is more than the line is worth.", "discount", line=line_no)
        lines.append(
            OrderLine(
                order_id=0, line_no=line_no, product_id=product.id, stock_code=product.stock_code,
                product_name=product.name, quantity=line.quantity, unit_price=unit_price,
                discount=line.discount, line_total=line_total(unit_price, line.quantity, line.discount),
            )
        )
    return lines


@refusals_recorded("place order")
def place_order(ctx: Context, draft: NewOrder, payment: PaymentDraft | None = None) -> OrderDetail:
    """Create an order: status Incomplete, payment Pending, a new BT number.

    With `payment` (an agent taking the card on the same call) the payment is recorded in
    the same transaction: the order is placed and paid, or, if either is refused, neither.
    """
    ctx.require(Permission.create_order)
    if payment is not None:
        ctx.require(Permission.record_payment)
        method, status = payment_kind(payment)
    try:
        order_type = OrderType(draft.order_type)
    except ValueError:
        raise InvalidInput(
            f"Unknown order type '{draft.order_type}'; one of {', '.join(t.value for t in OrderType)}.", "order_type"
        ) from None
    _check_lengths(OrderChanges(customer_reference=draft.customer_reference, tags=draft.tags,
                                shipping=draft.shipping, billing=draft.billing))
    if draft.shipping_total < 0:
        raise InvalidInput("The shipping charge cannot be negative.", "shipping_total")
    with ctx.store.write() as session:
        customer = session.get(Customer, draft.customer_id)
        if customer is None or customer.org_id != ctx.operator.org_id:
            raise InvalidInput("Choose a customer for the order.", "customer")
        require_channel(session, ctx, draft.channel)
        microsite = _default_microsite(session, ctx, draft.microsite)
        lines = _priced_lines(session, ctx, draft)
        company = session.get(Company, customer.company_id) if customer.company_id else None
        now = ctx.now()
        money = order_totals((LineMoney(l.unit_price, l.quantity, l.discount) for l in lines), draft.shipping_total)
        order = Order(
            org_id=ctx.operator.org_id,
            number=format_order_number(take_next(session, ORDER_NUMBERS)),
            microsite_id=microsite.id,
            channel=draft.channel,
            order_type=order_type.value,
            status=OrderStatus.Incomplete.value,
            payment_status=PaymentStatus.Pending.value,
            currency=microsite.currency,
            customer_id=customer.id,
            company_id=customer.company_id,
            customer_email=customer.email,
            customer_first_name=customer.first_name,
            customer_last_name=customer.last_name,
            customer_name_key=name_key(customer.first_name, customer.last_name),
            customer_phone=customer.phone,
            company_name=company.name if company else "",
            lines_total=money.lines_total,
            shipping_total=money.shipping,
            order_total=money.order_total,
            customer_reference=draft.customer_reference,
            tags=draft.tags,
            fraud_score=draft.fraud_score,
            placed_at=now,
            created_at=now,
            created_by=ctx.operator.user_name,
            updated_at=now,
            updated_by=ctx.operator.user_name,
        )
        shipping = draft.shipping or _address_of(customer)
        billing = draft.billing or shipping
        _require_complete(shipping, "shipping")
        _require_complete(billing, "billing")
        _set_address(order, "shipping", shipping)
        _set_address(order, "billing", billing)
        session.add(order)
        session.flush()
        for line in lines:
            line.order_id = order.id  # type: ignore[assignment]
            session.add(line)
        audit.record(
            session, ctx, order_id=order.id, action="placed",
            summary=f"Order placed: {len(lines)} line(s), total {format_money(order.order_total, order.currency)}",
            after={"status": order.status, "payment_status": order.payment_status, "order_total": order.order_total,
                   "lines": [(l.stock_code, l.quantity, l.unit_price) for l in lines]},
        )
        if payment is not None:
            apply_payment(session, ctx, order, method, status, payment)
        number = order.number
    return read_back(ctx, number)


@refusals_recorded("change status")
def change_status(
    ctx: Context,
    number: str,
    target: str,
    *,
    reason: str | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> OrderDetail:
    """Move an order to `target`; `comment` (why, what was agreed) goes into the activity entry."""
    comment = comment.strip()
    if text_problem("comment", comment):
        raise InvalidInput(text_problem("comment", comment), "comment")  # type: ignore[arg-type]
    try:
        target_status = OrderStatus(target)
    except ValueError:
        raise InvalidInput(
            f"Unknown status '{target}'; one of {', '.join(s.value for s in OrderStatus)}.", "status"
        ) from None
    cancel_reason = None
    if reason:
        try:
            cancel_reason = CancelReason(reason)
        except ValueError:
            raise InvalidInput(
                f"Unknown cancel reason '{reason}'; one of {', '.join(r.value for r in CancelReason)}.", "reason"
            ) from None
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        current = OrderStatus(order.status)
        held_from = OrderStatus(order.held_from_status) if order.held_from_status else None
        ctx.require(move_permission(current, target_status, held_from))
        check_transition(current, target_status, held_from=held_from, reason=cancel_reason)
        if cancel_reason is not None and target_status != OrderStatus.Cancelled:
            # Said rather than dropped: the operator may have meant to cancel.
            raise InvalidInput(f"A reason is given only when cancelling, not when moving to {target_status.value}.",
                               "reason")
        before = {"status": order.status, "held_from_status": order.held_from_status}
        if target_status == OrderStatus.OnHold:
            order.held_from_status = current.value
        elif current == OrderStatus.OnHold:
            order.held_from_status = None
        if target_status == OrderStatus.Cancelled:
            order.cancel_reason = cancel_reason.value  # type: ignore[union-attr]
        order.status = target_status.value
        sent = 0
        if target_status in (OrderStatus.Dispatched, OrderStatus.Delivered):
            # The whole order has left: every unit is dispatched (what a return may take back).
            sent = session.execute(update(OrderLine).where(OrderLine.order_id == order.id,
                                                           OrderLine.dispatched_quantity < OrderLine.quantity)
                                   .values(dispatched_quantity=OrderLine.quantity)).rowcount
        touch(order, ctx)
        summary = f"Status {current.value} → {target_status.value}"
        if cancel_reason is not None and target_status == OrderStatus.Cancelled:
            summary += f" (reason {cancel_reason.value})"
        if comment:
            summary += f": {comment}"
        after = {"status": order.status, "held_from_status": order.held_from_status,
                 "cancel_reason": order.cancel_reason}
        if comment:
            after["comment"] = comment
        if sent:
            after["lines_dispatched_in_full"] = sent
        audit.record(session, ctx, order_id=order.id, action="status", summary=summary, before=before, after=after)
        number = order.number
    return read_back(ctx, number)


@refusals_recorded("add note")
def add_note(ctx: Context, number: str, text: str) -> OrderDetail:
    """A note is history, not an edit: it never conflicts with someone else's change."""
    ctx.require(Permission.add_note)
    text = text.strip()
    if not text:
        raise InvalidInput("A note cannot be empty.", "note")
    if text_problem("note", text):
        raise InvalidInput(text_problem("note", text), "note")  # type: ignore[arg-type]
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        audit.record(session, ctx, order_id=order.id, action="note", summary=text, after={"note": text})
        number = order.number
    return read_back(ctx, number)


def _check_lengths(changes: OrderChanges) -> None:
    for name in ("customer_reference", "tags", "customer_phone"):
        problem = text_problem(name, getattr(changes, name))
        if problem:
            raise InvalidInput(problem, name)
    for prefix in ("shipping", "billing"):
        address = getattr(changes, prefix)
        if address is None:
            continue
        for part in ("name", "line1", "line2", "city", "postcode", "country"):
            problem = text_problem(part, getattr(address, part))
            if problem:
                raise InvalidInput(f"{prefix.capitalize()}: {problem[0].lower()}{problem[1:]}", f"{prefix}_{part}")


@refusals_recorded("edit order")
def update_details(
    ctx: Context, number: str, changes: OrderChanges, *, expected_version: int | None
) -> OrderDetail:
    """Edit reference, tags, phone or addresses of an editable order. An address given is
    checked whole, as the new-customer form checks one; `expected_version` None skips the
    check for a caller that read nothing first."""
    ctx.require(Permission.edit_order)
    _check_lengths(changes)
    for prefix in ("shipping", "billing"):
        address = getattr(changes, prefix)
        if address is not None:
            _require_complete(address, prefix, typed=True)
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        if not is_editable(OrderStatus(order.status)):
            raise InvalidInput(f"{order.number} is {order.status} and can no longer be edited.", "status")
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for f in fields(changes):
            value = getattr(changes, f.name)
            if value is None:
                continue
            if isinstance(value, Address):
                old = Address(*(getattr(order, f"{f.name}_{p}") for p in ("name", "line1", "line2", "city", "postcode", "country")))
                if old != value:
                    before[f.name], after[f.name] = old.lines(), value.lines()
                    _set_address(order, f.name, value)
            elif getattr(order, f.name) != value:
                before[f.name], after[f.name] = getattr(order, f.name), value
                setattr(order, f.name, value)
        if after:
            touch(order, ctx)
            audit.record(
                session, ctx, order_id=order.id, action="edit",
                summary="Edited " + ", ".join(after), before=before, after=after,
            )
        number = order.number
    return read_back(ctx, number)


__all__ = [
    "NewLine",
    "NewOrder",
    "OrderChanges",
    "add_note",
    "change_status",
    "place_order",
    "update_details",
]
