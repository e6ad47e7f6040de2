"""`d` on an order: apply a promotion code, give a discount of your own, or take one off.

One field takes what the caller was promised, as they say it: "SAVE10" (a code; enter applies
it), "5.00" or "£5" (an amount), "10%" (a percentage); an amount or a percentage needs a reason.
The discounts already on the order are listed above; shift+tab goes to them and `del` takes
the highlighted one off. Refusals (a code that does not apply says why, with the figures) show
under the field, with what was typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from hubtui.domain.discounts import DiscountEntry, DiscountRefused, read_entry
from hubtui.domain.limits import LIMITS
from hubtui.domain.money import format_money
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.views import OrderDetail
from hubtui.widgets.form_field import FormField
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.safe_text import safe, shown


@dataclass(frozen=True)
class DiscountChoice:
    typed: str = ""  # what was typed in the discount field
    reason: str = ""
    entry: DiscountEntry | None = None  # what it was read as
    remove_id: int | None = None  # a discount to take off instead


class DiscountDialog(ModalScreen[DiscountChoice | None]):
    AUTO_FOCUS = "#discount_what"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save"),
                                  Binding("delete", "remove", "Take off", id="discount.remove", show=False)]

    def __init__(self, detail: OrderDetail, *, typed: DiscountChoice | None = None, error: str = "") -> None:
        super().__init__()
        self.detail = detail
        self.typed = typed or DiscountChoice()
        self.error = error

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog", id="discount-dialog"):
            yield Label(f"Discounts on {d.number}", classes="dialog-title")
            if d.discounts:
                yield OptionList(*[Option(shown(self._label(i)), id=str(x.id)) for i, x in enumerate(d.discounts)],
                                 id="discount-list")
            else:
                yield Label("None yet.", classes="dialog-subtitle")
            yield FormField("Code / amount", self.typed.typed, input_id="discount_what",
                            placeholder="SAVE10 · 5.00 · 10%", max_length=LIMITS["promotion_code"], id="field-what")
            yield FormField("Reason", self.typed.reason, input_id="discount_reason",
                            placeholder="for an amount or %", max_length=LIMITS["discount_reason"], id="field-reason")
            yield Label(safe(self.error), id="discount-error", classes="dialog-error", markup=False)
            hint = "enter applies a code or goes on · ctrl+s save · esc cancel"
            yield Label(hint + ("\nshift+tab to the list: del takes the highlighted one off" if d.discounts else ""),
                        classes="dialog-hint")

    def _label(self, index: int) -> str:
        x = self.detail.discounts[index]
        what = x.code or x.description
        percent = f" {x.percent_bp / 100:g}%" if x.percent_bp else ""
        return safe(f"{what[:40]}{percent}  −{format_money(x.amount, self.detail.currency)}  ({x.created_by})")

    def on_mount(self) -> None:
        self.query_one("#discount_what", EagerInput).on_enter = self._entered
        self.query_one("#discount_reason", EagerInput).on_enter = lambda _: self.action_save()

    def _entered(self, value: str) -> None:
        """enter on a code applies it; on an amount or a percentage it goes on to the reason."""
        try:
            entry = read_entry(value)
        except DiscountRefused:
            entry = None
        if entry is not None and entry.code:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        what = self.query_one("#field-what", FormField)
        reason = self.query_one("#field-reason", FormField)
        what.set_error(None)
        reason.set_error(None)
        try:
            entry = read_entry(what.value)
        except DiscountRefused as error:
            what.set_error(str(error))
            self.set_focus(what.input)
            return
        if entry.needs_reason and not reason.value.strip():
            reason.set_error("Give the reason (it goes on the order).")
            self.set_focus(reason.input)
            return
        self.dismiss(DiscountChoice(what.value.strip(), reason.value.strip(), entry))

    def action_remove(self) -> None:
        if not isinstance(self.focused, OptionList) or self.focused.highlighted is None:
            return
        chosen = self.detail.discounts[self.focused.highlighted]
        self.dismiss(DiscountChoice(remove_id=chosen.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
