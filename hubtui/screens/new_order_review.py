"""Step 3 of a phone order: where it goes, what shipping costs, the caller's reference, the totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

from hubtui.domain.errors import MoneyError
from hubtui.domain.limits import LIMITS
from hubtui.domain.money import format_money, parse_money
from hubtui.domain.order_draft import DraftLine, address_problems, totals
from hubtui.domain.orders import Channel
from hubtui.domain.payments import default_method
from hubtui.services.views import Address, CustomerChoice
from hubtui.widgets.form_field import FormField
from hubtui.widgets.type_ahead import TypeAhead
from hubtui.widgets.payment_fields import PaymentFields
from hubtui.widgets.safe_text import safe

if TYPE_CHECKING:
    from hubtui.services.drafts import PaymentDraft

ADDRESS_PARTS = tuple((part, caption, LIMITS[part]) for part, caption in (
    ("name", "Name"), ("line1", "Address"), ("line2", ""), ("city", "Town or city"), ("postcode", "Post code"),
    ("country", "Country")))


class SameAddressBox(Checkbox, TypeAhead):
    """A yes/no on the review: space ticks or unticks it; tab and enter go on to the next field as
    the key arrives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_enter_now = lambda: self.screen.focus_next()


class ReviewStep(VerticalScroll):
    """Where it goes, what it costs, and the payment taken on the same call: ctrl+s places and
    pays in one go. The cursor starts where the agent has something to type (see first_field)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.customer: CustomerChoice | None = None
        self.lines: tuple[DraftLine, ...] = ()
        self.currency = "GBP"

    def compose(self) -> ComposeResult:
        yield Static("", id="review-customer")
        yield Static("", id="review-totals")
        yield Label("Ship to", classes="step-prompt")
        for part, caption, limit in ADDRESS_PARTS:
            yield FormField(caption, input_id=f"shipping_{part}", max_length=limit, id=f"field-shipping_{part}")
        yield SameAddressBox("Bill to the same address", True, id="billing-same", compact=True)
        with Vertical(id="billing-fields"):
            yield Label("Bill to", classes="step-prompt")
            for part, caption, limit in ADDRESS_PARTS:
                yield FormField(caption, input_id=f"billing_{part}", max_length=limit, id=f"field-billing_{part}")
        yield FormField("Shipping charge", "0.00", input_id="shipping_total", max_length=12, id="field-shipping_total")
        yield FormField("Customer ref.", input_id="customer_reference", max_length=LIMITS["customer_reference"],
                        placeholder="their PO or reference (optional)", id="field-customer_reference")
        yield SameAddressBox("Take the payment now (space: later)", True, id="take-payment", compact=True)
        yield PaymentFields(default_method(Channel.telephone.value).value, 0, self.currency, dense=True,
                            id="review-payment")

    def on_mount(self) -> None:
        self.query_one("#billing-fields").display = False

    @property
    def payment(self) -> PaymentFields:
        return self.query_one("#review-payment", PaymentFields)

    @property
    def take_payment(self) -> bool:
        return self.query_one("#take-payment", Checkbox).value

    def first_field(self) -> Widget:
        """Where the cursor lands: a part of the address still missing, else the payment's first
        field (its reference when the card needs an authorisation code), else the address."""
        prefixes = ("shipping",) if self.bill_to_shipping else ("shipping", "billing")
        for prefix in prefixes:
            parts = {part: self.field(f"{prefix}_{part}").value for part, _c, _l in ADDRESS_PARTS}
            problems = address_problems(parts)
            if problems:
                return self.field(f"{prefix}_{next(iter(problems))}").input
        if self.take_payment:
            return self.payment.first_field
        return self.field("shipping_name").input

    def payment_draft(self) -> PaymentDraft | None:
        """The payment to record with the order; None when its amount is wrong (said beside it)."""
        return self.payment.draft()

    def field(self, name: str) -> FormField:
        """A field by the service's name for it: shipping_postcode, billing_city, shipping_total…"""
        return self.query_one(f"#field-{name}", FormField)

    def use_customer(self, customer: CustomerChoice) -> None:
        """Fill both addresses from the customer the agent picked (then they are the agent's to edit)."""
        self.customer = customer
        for prefix in ("shipping", "billing"):
            for part, _caption, _limit in ADDRESS_PARTS:
                self.field(f"{prefix}_{part}").value = getattr(customer.address, part)
        self.clear_errors()
        self.refresh_summary()

    def use_lines(self, lines: tuple[DraftLine, ...], currency: str) -> None:
        self.lines, self.currency = lines, currency
        self.refresh_summary()

    @on(Checkbox.Changed, "#billing-same")
    def _billing_same(self, event: Checkbox.Changed) -> None:
        self.query_one("#billing-fields").display = not event.value

    @on(Checkbox.Changed, "#take-payment")
    def _take_payment(self, event: Checkbox.Changed) -> None:
        self.payment.display = event.value

    @on(Input.Changed, "#shipping_total")
    def _shipping_typed(self) -> None:
        try:
            self.refresh_summary()
        except NoMatches:  # the order was placed and the wizard is closing: nothing left to total
            pass

    def address(self, prefix: str) -> Address:
        return Address(**{part: self.field(f"{prefix}_{part}").value.strip() for part, _c, _l in ADDRESS_PARTS})

    @property
    def bill_to_shipping(self) -> bool:
        return self.query_one("#billing-same", Checkbox).value

    def shipping_charge(self) -> int:
        return parse_money(self.field("shipping_total").value or "0")

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.set_error(None)

    def check(self) -> list[str]:
        """Mark every field that is wrong, next to it; the names of those fields, first one first."""
        self.clear_errors()
        wrong = []
        prefixes = ("shipping",) if self.bill_to_shipping else ("shipping", "billing")
        for prefix in prefixes:
            parts = {part: self.field(f"{prefix}_{part}").value for part, _c, _l in ADDRESS_PARTS}
            for part, message in address_problems(parts).items():
                self.field(f"{prefix}_{part}").set_error(message)
                wrong.append(f"{prefix}_{part}")
        try:
            if self.shipping_charge() < 0:
                raise MoneyError("The shipping charge cannot be negative.")
        except MoneyError as error:
            self.field("shipping_total").set_error(str(error))
            wrong.append("shipping_total")
        return wrong

    def refresh_summary(self) -> None:
        c = self.customer
        who = Text()
        if c is None:
            who.append("No customer chosen yet (F2).", style="bold red")
        else:
            who.append(safe(c.name), style="bold")
            who.append(f" · {safe(c.email)} · {safe(c.phone)}")
            if c.company_name:
                who.append(f" · {safe(c.company_name)}", style="italic")
        self.query_one("#review-customer", Static).update(who)
        try:
            shipping = max(0, self.shipping_charge())
        except MoneyError:
            shipping = 0
        t = totals(self.lines, shipping)
        money = lambda v: format_money(v, self.currency, grouping=True)  # noqa: E731
        line = Text(f"{t.lines} line{'s' if t.lines != 1 else ''}, {t.items} item{'s' if t.items != 1 else ''} "
                    f"{money(t.lines_total)} · shipping {money(t.shipping)} · ")
        line.append(f"order total {money(t.order_total)}", style="bold")
        self.query_one("#review-totals", Static).update(line)
        self.payment.currency = self.currency
        self.payment.set_balance(t.order_total)
