"""`P` on an order: correct a recorded payment's status (a declined card that went through, a
bounced cheque). Which payment, what it really is, why; only ctrl+s (or enter in the comment) saves.

The choices come from the domain (hubtui.domain.payments.correction_targets); the service
checks them again, with the money, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from hubtui.domain.limits import NOTE_LIMIT
from hubtui.domain.payments import correction_targets
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.views import PaymentView
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.pick_list import PickList
from hubtui.widgets.safe_text import safe


@dataclass(frozen=True)
class PaymentCorrection:
    payment_id: int
    status: str
    comment: str = ""


HINT = "digit or enter choose · ctrl+s save · esc cancel"


def correctable(payments: tuple[PaymentView, ...]) -> list[PaymentView]:
    """The payments whose status an operator may correct (not those refunds have changed)."""
    return [p for p in payments if correction_targets(p.status)]


class PaymentStatusDialog(ModalScreen[PaymentCorrection | None]):
    AUTO_FOCUS = "#correction-payments"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, payments: list[PaymentView], money: dict[int, str], *,
                 again: PaymentCorrection | None = None, error: str = "") -> None:
        """`payments`: the correctable ones, newest first; `money`: each one's amount as shown.
        `again` and `error`: reopened after a save that failed, with what was chosen and typed, and why."""
        super().__init__()
        self.number = number
        self.payments = {self._label(p, money[p.id]): p for p in payments}
        self.chosen: PaymentView | None = None
        self.again = again
        self.error = error

    @staticmethod
    def _label(p: PaymentView, amount: str) -> str:
        reference = f" {safe(p.reference)}" if p.reference else ""
        return f"#{p.id} {p.recorded_at:%d %b %H:%M} {p.method} {p.status} {amount}{reference}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="correction"):
            yield Label(f"{self.number}: correct a payment's status", classes="dialog-title")
            yield PickList(list(self.payments), on_pick=self._payment_picked, id="correction-payments")
            yield Label("Correct it to", classes="dialog-subtitle", id="correction-to")
            yield PickList([], on_pick=self._status_picked, id="correction-targets")
            with Horizontal(classes="dialog-row"):
                yield Label("Comment ", classes="dialog-caption")
                yield EagerInput(self.again.comment if self.again else "", placeholder="why: what the bank said",
                                 max_length=NOTE_LIMIT, compact=True, id="correction-comment",
                                 on_enter=lambda _text: self.action_save())
            yield Label(safe(self.error), id="correction-error", classes="dialog-error", markup=False)
            yield Label(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        payments = list(self.payments.values())
        again = next((p for p in payments if self.again and p.id == self.again.payment_id), None)
        if again is not None or len(payments) == 1:  # nothing to choose: on to what it really is
            first = again or payments[0]
            self.query_one("#correction-payments", PickList).highlighted = payments.index(first)
            self._payment_picked(self._label_of(first))
            targets = self.query_one("#correction-targets", PickList)
            if self.again is not None and self.again.status in targets.choices:
                targets.highlighted = targets.choices.index(self.again.status)
            if again is not None:  # reopened: the choices stand, the cursor goes back to the comment
                self.set_focus(self.query_one("#correction-comment", Input))
        else:
            self._show_targets(payments[0] if payments else None)
        self.query_one("#correction-error", Label).update(safe(self.error))  # why it was reopened

    def _label_of(self, payment: PaymentView) -> str:
        return next(label for label, p in self.payments.items() if p.id == payment.id)

    def _show_targets(self, payment: PaymentView | None) -> None:
        statuses = [s.value for s in correction_targets(payment.status)] if payment else []
        self.query_one("#correction-targets", PickList).replace_choices(statuses)

    @on(OptionList.OptionHighlighted, "#correction-payments")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.chosen is None:
            self._show_targets(self.payments.get(str(event.option.id)))

    def _payment_picked(self, label: str) -> None:
        self.chosen = self.payments[label]
        self._show_targets(self.chosen)
        self.query_one("#correction-error", Label).update("")
        self.set_focus(self.query_one("#correction-targets", PickList))

    def _status_picked(self, _status: str) -> None:
        self.query_one("#correction-error", Label).update("")
        self.set_focus(self.query_one("#correction-comment", Input))

    def action_save(self) -> None:
        payment = self.chosen or self.payments.get(self.query_one("#correction-payments", PickList).highlighted_choice
                                                   or "")
        status = self.query_one("#correction-targets", PickList).highlighted_choice
        if payment is None or status is None:
            self.query_one("#correction-error", Label).update("Choose a payment and what it really is.")
            return
        comment = self.query_one("#correction-comment", Input).value.strip()
        self.dismiss(PaymentCorrection(payment.id, status, comment))

    def action_cancel(self) -> None:
        self.dismiss(None)
