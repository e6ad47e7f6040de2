"""Changing a placed order's lines (SPEC 3, issue 11): add products, change quantities, remove
lines; every discount worked out again; the total, the balance due or the credit owed follow.

`preview_lines` answers what the edits would do and writes nothing (the TUI's preview, the
CLI's --dry-run); `change_lines` makes them in one transaction against the version the
operator saw, with an activity entry holding the lines and money before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubtui.domain.money import format_money
from hubtui.domain.order_edits import AddProduct, LineEdit, LineEditError, LinesPreview, apply_edits
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import check_version, lock_order, read_back, touch
from hubtui.services.order_lookup import find_order
from hubtui.services.order_pricing import (
    PricedOrder,
    money_sentence,
    money_state,
    priced_order,
    products_by_code,
    require_editable,
    write_priced,
)
from hubtui.services.refusals import refusals_recorded
from hubtui.services.views import OrderDetail
from hubtui.store.tables import Order


@dataclass(frozen=True)
class LinesChange:
    """What edits would make of an order, for showing before anything is written."""

    number: str
    currency: str
    version: int  # of the order the preview was worked out on
    preview: LinesPreview

    @property
    def summary(self) -> str:
        return lines_summary(self.preview, self.currency)


def _worked_out(session, ctx: Context, order: Order, edits: Sequence[LineEdit]) -> tuple[PricedOrder, LinesPreview]:  # type: ignore[no-untyped-def]
    require_editable(order)
    priced = priced_order(session, order)
    products = products_by_code(session, ctx, (e.stock_code for e in edits if isinstance(e, AddProduct)))
    try:
        lines = apply_edits(priced.lines, edits, products)
    except LineEditError as error:
        raise InvalidInput(str(error), "lines") from None
    return priced, priced.preview(lines)


def preview_lines(ctx: Context, number: str, edits: Sequence[LineEdit]) -> LinesChange:
    """What `edits` would make of the order's lines and money; nothing is written."""
    ctx.require(Permission.edit_order)
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)
        priced, result = _worked_out(session, ctx, order, edits)
        return LinesChange(order.number, order.currency, priced.version, result)


@refusals_recorded("change lines")
def change_lines(ctx: Context, number: str, edits: Sequence[LineEdit], *,
                 expected_version: int | None = None) -> OrderDetail:
    ctx.require(Permission.edit_order)
    if not edits:
        raise InvalidInput("No change to make: add, change or remove a line.", "lines")
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        _, result = _worked_out(session, ctx, order, edits)
        if not result.changed:
            raise InvalidInput(f"{order.number}'s lines are already as asked; nothing to change.", "lines")
        before = {**money_state(order), "lines": _lines_state(result, before=True)}
        after = {**write_priced(session, order, result), "lines": _lines_state(result, before=False)}
        dropped = [f"{r.discount.label} dropped: {r.dropped}" for r in result.discounts if r.dropped]
        if dropped:
            after["discounts_dropped"] = dropped
        touch(order, ctx)
        audit.record(session, ctx, order_id=order.id, action="lines",
                     summary=f"Lines changed: {lines_summary(result, order.currency)}"[:400],
                     before=before, after=after)
        number = order.number
    return read_back(ctx, number)


def _lines_state(result: LinesPreview, *, before: bool) -> list[dict[str, object]]:
    out = []
    for line in result.lines:
        quantity = line.was_quantity if before else line.quantity
        if quantity:
            out.append({"line": line.line_no, "stock_code": line.stock_code, "quantity": quantity,
                        "unit_price": line.unit_price})
    return out


def lines_summary(result: LinesPreview, currency: str) -> str:
    """The changed lines in a few words, then the money: "BT-SAW-1001 2 → 3; + BT-HAM-1002 ×3;
    − BT-DRI-1000; total £170.09 → £59.76; £2.00 to pay."."""
    parts = []
    for line in result.lines:
        if not line.changed:
            continue
        if line.is_new:
            parts.append(f"+ {line.stock_code} ×{line.quantity}")
        elif line.quantity == 0:
            parts.append(f"− {line.stock_code}")
        else:
            parts.append(f"{line.stock_code} {line.was_quantity} → {line.quantity}")
    for r in result.discounts:
        if r.dropped:
            parts.append(f"{r.discount.label} dropped")
        elif r.amount != r.discount.amount:
            parts.append(f"{r.discount.label} {format_money(r.discount.amount, currency)} → "
                         f"{format_money(r.amount, currency)}")
    parts.append(money_sentence(result.before, result.after, currency))
    return "; ".join(parts)


__all__ = ["LinesChange", "change_lines", "lines_summary", "preview_lines"]
