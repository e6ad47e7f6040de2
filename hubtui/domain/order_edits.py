"""Changing a placed order's lines and discounts (SPEC 3, issue 11): the edits an operator makes,
the lines they leave, and what the order's money becomes, before anything is written.

Every discount on the order is worked out again on the new lines: a percentage on what the
(eligible) lines are now worth, a fixed amount never more than they are worth, a promotion whose
minimum or products no longer hold is dropped with the reason. The order discount is spread over
the lines by largest remainder, so the line shares always add up exactly to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from hubtui.domain.discounts import Line, Promotion, line_discounts, promotion_refusal
from hubtui.domain.errors import DomainError
from hubtui.domain.money import percent_of
from hubtui.domain.order_draft import QuantityError, check_quantity


class LineEditError(DomainError):
    """An edit that cannot be made; the message names the line or stock code."""


# ---------------------------------------------------------------------------- the edits


@dataclass(frozen=True)
class AddProduct:
    """More of a product: a new line, or more on the line that already has it."""

    stock_code: str
    quantity: int


@dataclass(frozen=True)
class SetQuantity:
    line_no: int
    quantity: int


@dataclass(frozen=True)
class RemoveLine:
    line_no: int


@dataclass(frozen=True)
class SetProductQuantity:
    """SetQuantity on the line with this stock code (as the CLI names lines)."""

    stock_code: str
    quantity: int


@dataclass(frozen=True)
class RemoveProduct:
    stock_code: str


LineEdit = AddProduct | SetQuantity | RemoveLine | SetProductQuantity | RemoveProduct


@dataclass(frozen=True)
class Product:
    """A product on sale, as an added line takes it."""

    stock_code: str
    name: str
    unit_price: int


@dataclass(frozen=True)
class EditLine:
    """A line as the edit leaves it; `was_quantity` None for a line the edit adds."""

    line_no: int
    stock_code: str
    name: str
    unit_price: int
    quantity: int
    own_discount: int = 0  # the line's own markdown, given when it was placed or imported
    was_quantity: int | None = None
    was_own_discount: int = 0

    @property
    def value(self) -> int:
        """What the line is worth before order discounts."""
        return self.unit_price * self.quantity - self.own_discount

    @property
    def was_value(self) -> int:
        return 0 if self.was_quantity is None else self.unit_price * self.was_quantity - self.was_own_discount

    @property
    def is_new(self) -> bool:
        return self.was_quantity is None

    @property
    def changed(self) -> bool:
        return self.quantity != self.was_quantity


def _scaled_discount(own: int, was: int, now: int) -> int:
    """A line's own markdown kept per unit when its quantity changes (rounded half up)."""
    if was <= 0 or own == 0:
        return 0
    return (own * now * 2 + was) // (was * 2)


def apply_edits(lines: Sequence[EditLine], edits: Sequence[LineEdit],
                products: Mapping[str, Product]) -> tuple[EditLine, ...]:
    """The lines after `edits`, in order; a removed line has quantity 0 (kept, to show it greyed).
    `products` holds the products the adds name, by stock code. LineEditError names what is wrong."""
    by_no = {line.line_no: line for line in lines}
    order = [line.line_no for line in lines]
    next_no = max(order, default=0) + 1

    def setq(line_no: int, quantity: int) -> None:
        line = by_no[line_no]
        own = 0 if line.was_quantity is None else _scaled_discount(line.was_own_discount, line.was_quantity, quantity)
        by_no[line_no] = replace(line, quantity=quantity, own_discount=own)

    def line_of(code: str) -> int:
        found = [n for n in order if by_no[n].stock_code.upper() == code.strip().upper() and
                 (by_no[n].quantity or not by_no[n].is_new)]
        if not found:
            raise LineEditError(f"The order has no line of '{code.strip()}'.")
        if len(found) > 1:
            raise LineEditError(f"{code.strip()} is on lines {', '.join(map(str, found))}: name the line by number.")
        return found[0]

    for edit in edits:
        if isinstance(edit, SetProductQuantity):
            edit = SetQuantity(line_of(edit.stock_code), edit.quantity)
        elif isinstance(edit, RemoveProduct):
            edit = RemoveLine(line_of(edit.stock_code))
        if isinstance(edit, AddProduct):
            code = edit.stock_code.strip()
            product = products.get(code)
            if product is None:
                raise LineEditError(f"No product on sale has the stock code '{code}'.")
            on_order = [n for n in order if by_no[n].stock_code == product.stock_code and by_no[n].quantity > 0]
            try:
                if on_order:
                    setq(on_order[0], check_quantity(by_no[on_order[0]].quantity + _quantity(edit.quantity)))
                else:
                    quantity = check_quantity(_quantity(edit.quantity))
                    by_no[next_no] = EditLine(next_no, product.stock_code, product.name, product.unit_price, quantity)
                    order.append(next_no)
                    next_no += 1
            except QuantityError as error:
                raise LineEditError(f"{product.stock_code}: {error}") from None
        else:
            line = by_no.get(edit.line_no)
            if line is None or (line.quantity == 0 and line.is_new):
                raise LineEditError(f"The order has no line {edit.line_no}.")
            if isinstance(edit, RemoveLine):
                setq(edit.line_no, 0)
            else:
                try:
                    setq(edit.line_no, check_quantity(_quantity(edit.quantity)))
                except QuantityError as error:
                    raise LineEditError(f"Line {edit.line_no} ({line.stock_code}): {error} "
                                        "To take a line off, remove it.") from None
    kept = tuple(by_no[n] for n in order if not (by_no[n].is_new and by_no[n].quantity == 0))
    if not any(line.quantity for line in kept):
        raise LineEditError("An order keeps at least one line: to call it off, cancel it (s).")
    return kept


def _quantity(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuantityError(f"'{value}' is not a whole number.")
    return value


# ---------------------------------------------------------------------------- discounts


@dataclass(frozen=True)
class AppliedDiscount:
    """A discount on the order: a promotion's, or an operator's own (percent_bp or amount)."""

    id: int | None
    label: str  # the code, or the reason given for an ad-hoc discount
    amount: int  # what it takes off now
    percent_bp: int = 0  # 1250 = 12.5 %; 0 for a fixed amount
    promotion: Promotion | None = None


@dataclass(frozen=True)
class Repriced:
    discount: AppliedDiscount
    amount: int  # what it takes off the lines as they now are
    dropped: str | None = None  # why it no longer applies


def reprice_discounts(lines: Sequence[Line], discounts: Sequence[AppliedDiscount],
                      currency: str = "GBP") -> tuple[Repriced, ...]:
    """Each discount worked out again on `lines`: together never more than the lines are worth."""
    value = sum(line.value for line in lines)
    given = 0
    out = []
    for discount in discounts:
        promotion = discount.promotion
        dropped = None
        if promotion is not None:
            # Its dates were checked when it was given; a later edit checks what the lines are.
            standing = replace(promotion, active=True, starts_at=None, ends_at=None)
            dropped = promotion_refusal(standing, lines, _ANY_TIME, currency)
            base = sum(l.value for l in lines if promotion.eligible is None or l.stock_code in promotion.eligible)
            amount = 0 if dropped else (percent_of(base, Decimal(promotion.percent_bp) / 100)
                                        if promotion.percent_bp else promotion.amount)
        elif discount.percent_bp:
            amount = percent_of(value, Decimal(discount.percent_bp) / 100)
        else:
            amount = discount.amount
        amount = max(0, min(amount, value - given))
        if amount == 0 and dropped is None:
            dropped = "nothing is left to discount."
        given += amount
        out.append(Repriced(discount, amount, dropped))
    return tuple(out)


_ANY_TIME = datetime(2000, 1, 1)  # promotion_refusal's clock, when dates are not checked


# ---------------------------------------------------------------------------- the money


@dataclass(frozen=True)
class Money:
    lines_total: int  # after each line's own markdown
    discount: int  # the order's discounts
    shipping: int
    total: int
    balance_due: int  # still to pay
    credit_owed: int  # taken beyond the total, owed back to the customer


@dataclass(frozen=True)
class LinesPreview:
    lines: tuple[EditLine, ...]  # removed lines have quantity 0
    discounts: tuple[Repriced, ...]
    shares: tuple[int, ...]  # each kept line's share of the order discount, in `kept` order
    before: Money
    after: Money

    @property
    def kept(self) -> tuple[EditLine, ...]:
        return tuple(line for line in self.lines if line.quantity > 0)

    @property
    def changed(self) -> bool:
        return any(line.changed for line in self.lines) or any(
            r.amount != r.discount.amount or r.dropped for r in self.discounts)


def _money(lines_total: int, discount: int, shipping: int, paid: int, refunded: int) -> Money:
    total = lines_total - discount + shipping
    return Money(lines_total, discount, shipping, total, max(0, total - paid), max(0, paid - refunded - total))


def preview(lines: Sequence[EditLine], discounts: Sequence[AppliedDiscount], *, shipping: int, paid: int,
            refunded: int, currency: str = "GBP") -> LinesPreview:
    """What the order becomes with `lines` (as apply_edits leaves them) and its discounts."""
    kept = [line for line in lines if line.quantity > 0]
    as_lines = [Line(line.stock_code, line.value) for line in kept]
    repriced = reprice_discounts(as_lines, discounts, currency)
    discount = sum(r.amount for r in repriced)
    was_lines = sum(line.was_value for line in lines)
    before = _money(was_lines, sum(d.amount for d in discounts), shipping, paid, refunded)
    after = _money(sum(line.value for line in kept), discount, shipping, paid, refunded)
    return LinesPreview(tuple(lines), repriced, tuple(line_discounts(as_lines, [discount])), before, after)


__all__ = ["AddProduct", "AppliedDiscount", "EditLine", "LineEdit", "LineEditError", "LinesPreview", "Money",
           "Product", "RemoveLine", "RemoveProduct", "Repriced", "SetProductQuantity", "SetQuantity", "apply_edits",
           "preview", "reprice_discounts"]
