"""`e` on an order: the addresses it is sent and billed to, its phone number and the customer's
reference, while the order is editable (SPEC 3). Each address is checked whole under its fields
before anything is sent; the service checks again and saves only what changed."""

from __future__ import annotations

from dataclasses import asdict, fields

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from hubtui.domain.limits import LIMITS, text_problem
from hubtui.domain.order_draft import typed_address_problems
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.drafts import OrderChanges
from hubtui.services.views import Address
from hubtui.widgets.form_field import FormField
from hubtui.widgets.safe_text import safe

PARTS = (("name", "Name"), ("line1", "Address"), ("line2", ""), ("city", "Town or city"), ("postcode", "Post code"),
         ("country", "Country"))
OTHERS = (("customer_phone", "Phone"), ("customer_reference", "Their ref."))


class AddressDialog(ModalScreen[OrderChanges | None]):
    AUTO_FOCUS = "#shipping_line1"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, shipping: Address, billing: Address, phone: str, reference: str, *,
                 typed: OrderChanges | None = None, error: str = "") -> None:
        """The order's values as stored; `typed` and `error`: reopened after a save that failed,
        with what was typed and why."""
        super().__init__()
        self.number = number
        self.stored = {"shipping": shipping, "billing": billing, "customer_phone": phone,
                       "customer_reference": reference}
        self.shown = dict(self.stored)
        if typed is not None:
            self.shown.update({f.name: getattr(typed, f.name) for f in fields(typed) if getattr(typed, f.name) is not None})
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="address-dialog"):
            yield Label(f"Addresses of {self.number}", classes="dialog-title")
            with VerticalScroll(id="address-fields"):
                for prefix, title in (("shipping", "Ship to"), ("billing", "Bill to")):
                    yield Label(title, classes="dialog-subtitle")
                    for part, caption in PARTS:
                        yield FormField(caption, getattr(self.shown[prefix], part), input_id=f"{prefix}_{part}",
                                        max_length=LIMITS[part], id=f"field-{prefix}_{part}")
                yield Label("Order", classes="dialog-subtitle")
                for name, caption in OTHERS:
                    yield FormField(caption, self.shown[name], input_id=name, max_length=LIMITS[name],
                                    id=f"field-{name}")
            yield Label(safe(self.error), id="address-error", classes="dialog-error", markup=False)
            yield Label("enter next field · ctrl+s save · esc cancel", classes="dialog-hint")

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", FormField).value.strip()

    def _address(self, prefix: str) -> Address:
        return Address(*(self._value(f"{prefix}_{part}") for part, _ in PARTS))

    def changes(self) -> tuple[OrderChanges, dict[str, str]]:
        """What differs from the order as stored, and each field's problem (field name -> message)."""
        problems: dict[str, str] = {}
        changed: dict[str, object] = {}
        for prefix in ("shipping", "billing"):
            address = self._address(prefix)
            if address == self.stored[prefix]:
                continue
            changed[prefix] = address
            for part, message in typed_address_problems(asdict(address)).items():
                problems[f"{prefix}_{part}"] = message
            for part, _ in PARTS:
                problem = text_problem(part, getattr(address, part))
                if problem:
                    problems.setdefault(f"{prefix}_{part}", problem)
        for name, _ in OTHERS:
            value = self._value(name)
            if value != self.stored[name]:
                changed[name] = value
                problem = text_problem(name, value)
                if problem:
                    problems[name] = problem
        return OrderChanges(**changed), problems  # type: ignore[arg-type]

    def action_save(self) -> None:
        changes, problems = self.changes()
        for field in self.query(FormField):
            field.set_error(problems.get(field.input_id))
        if problems:
            first = next(f for f in self.query(FormField) if f.input_id in problems)
            self.set_focus(first.input)
            first.scroll_visible()
            return
        if changes == OrderChanges():
            self.query_one("#address-error", Label).update("Nothing has changed.")
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)
