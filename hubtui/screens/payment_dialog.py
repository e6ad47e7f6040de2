"""`p` — record an offline payment on one order (SPEC 3), from the details or the list.

The dialog saves by itself, rather than handing a draft back, so that a refusal (an amount the
store will not take, someone else's change) is shown beside the field while the operator's
typing is still there to correct.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from hubtui.commands import CHOICE_COMMANDS, PAYMENT_COMMANDS, bindings
from hubtui.domain.errors import DomainError, MoneyError
from hubtui.domain.money import format_money
from hubtui.domain.orders import PaymentMethod
from hubtui.domain.payments import (
    DEFAULT_STATUS,
    OPERATOR_METHODS,
    OPERATOR_STATUSES,
    default_method,
    payment_amount,
)
from hubtui.services.views import OrderDetail
from hubtui.widgets.type_ahead import EagerInput, TypeAhead, hold_keys_while

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.services.order_writes import PaymentDraft

# The fields a refusal can name (InvalidInput.field); each has its error line under it.
CHECKED_FIELDS = ("method", "status", "amount")
HINT = "ctrl+s save · esc cancel · ←→ or a letter choose · enter next"

class ChoiceRow(TypeAhead, can_focus=True):
    """A few fixed choices on one line, all in view: ←/→ move, a letter picks the next choice
    that starts with it (c, c, c: Cheque, Cash, CardOverPhone), enter goes on to the next field.

    One key per change, where a drop-down needs three (open, pick, close).
    """

    BINDINGS = bindings(CHOICE_COMMANDS)
    COMPONENT_CLASSES = {"choice-row--chosen"}

    value: reactive[str] = reactive("", init=False)

    class Changed(Message):
        def __init__(self, row: ChoiceRow, value: str) -> None:
            super().__init__()
            self.row = row
            self.value = value

        @property
        def control(self) -> ChoiceRow:
            return self.row

    def __init__(self, choices: Sequence[str], value: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.on_enter_now = self.action_next_field
        self.choices = tuple(choices)
        self.set_reactive(ChoiceRow.value, value)

    def render(self) -> Text:
        chosen = self.get_component_rich_style("choice-row--chosen")
        text = Text(no_wrap=True, overflow="ellipsis")
        for choice in self.choices:
            text.append(f" {choice} ", style=chosen if choice == self.value else "")
        return text

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def action_move(self, step: int) -> None:
        index = self.choices.index(self.value) if self.value in self.choices else 0
        self.value = self.choices[(index + step) % len(self.choices)]

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isalpha()

    def on_key(self, event: events.Key) -> None:
        letter = (event.character or "").lower()
        if not letter.isalpha():
            return
        event.stop()
        event.prevent_default()
        start = self.choices.index(self.value) + 1 if self.value in self.choices else 0
        ordered = self.choices[start:] + self.choices[:start]
        found = next((choice for choice in ordered if choice.lower().startswith(letter)), None)
        if found is not None:
            self.value = found
        else:
            self.app.bell()


class PaymentDialog(ModalScreen[OrderDetail | None]):
    """Returns the order as stored after the payment, or None when the operator backs out."""

    AUTO_FOCUS = "#payment-method"  # every field has a default: a letter, or ctrl+s at once
    BINDINGS = bindings(PAYMENT_COMMANDS)
    HELP_COMMANDS = PAYMENT_COMMANDS + CHOICE_COMMANDS
    HELP_TITLE = "Payment"

    class Saved(Message):
        def __init__(self, detail: OrderDetail) -> None:
            super().__init__()
            self.detail = detail

    class Refused(Message):
        def __init__(self, message: str, field: str | None, stale: bool) -> None:
            super().__init__()
            self.message = message
            self.field = field
            self.stale = stale

    def __init__(self, context: Context, detail: OrderDetail) -> None:
        super().__init__()
        self.context = context
        self.detail = detail
        self.saving = False
        self.stale = False  # the store refused our copy as out of date: the caller should read it again

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog", id="payment"):
            yield Label(
                f"Payment on {d.number}\n"
                f"total {self._money(d.order_total)} · paid {self._money(d.paid_total)} · "
                f"balance due {self._money(d.balance_due)}",
                classes="dialog-title", id="payment-title",
            )
            with Horizontal(classes="payment-row"):
                yield Label("Method", classes="payment-label")
                yield ChoiceRow([m.value for m in OPERATOR_METHODS], default_method(d.channel).value,
                                id="payment-method")
            yield Label("", id="payment-method-error", classes="dialog-error payment-field-error")
            with Horizontal(classes="payment-row"):
                yield Label("Status", classes="payment-label")
                yield ChoiceRow([s.value for s in OPERATOR_STATUSES], DEFAULT_STATUS.value, id="payment-status")
            yield Label("", id="payment-status-error", classes="dialog-error payment-field-error")
            with Horizontal(classes="payment-row"):
                yield Label("Amount", classes="payment-label")
                yield EagerInput(self._balance_text(), max_length=20, compact=True, id="payment-amount")
            yield Label("", id="payment-amount-error", classes="dialog-error payment-field-error")
            with Horizontal(classes="payment-row"):
                yield Label("Reference", classes="payment-label")
                yield EagerInput(placeholder="auth code, cheque no., bank ref", max_length=120, compact=True,
                                 id="payment-reference")
            with Horizontal(classes="payment-row"):
                yield Label("Comment", classes="payment-label")
                # enter in the last field saves
                yield EagerInput(placeholder="optional", max_length=400, compact=True, id="payment-comment",
                                 on_enter=lambda _text: self.action_save())
            yield Label("", id="payment-error", classes="dialog-error")
            yield Label(HINT, classes="dialog-hint", id="payment-hint")

    def on_mount(self) -> None:
        for label in self.query(".payment-field-error"):
            label.display = False
        self.query_one("#payment-error").display = False
        self._follow_method(self.query_one("#payment-method", ChoiceRow).value)

    def _money(self, minor: int) -> str:
        return format_money(minor, self.detail.currency, grouping=True)

    def _balance_text(self) -> str:
        return format_money(self.detail.balance_due)

    # ------------------------------------------------------------------ fields

    @on(ChoiceRow.Changed, "#payment-method")
    def _method_changed(self, event: ChoiceRow.Changed) -> None:
        self._show_error("method", "")
        self._follow_method(event.value)

    def _follow_method(self, method: str) -> None:
        amount = self.query_one("#payment-amount", Input)
        if method == PaymentMethod.FOC.value:
            amount.value = format_money(0)
            amount.disabled = True  # FOC records zero whatever is typed: nothing to type
        elif amount.disabled:
            amount.disabled = False
            amount.value = self._balance_text()

    @on(ChoiceRow.Changed, "#payment-status")
    def _status_changed(self) -> None:
        self._show_error("status", "")

    @on(Input.Changed, "#payment-amount")
    def _amount_changed(self) -> None:
        self._show_error("amount", "")

    def _show_error(self, field: str | None, message: str) -> None:
        label = self.query_one(f"#payment-{field}-error" if field in CHECKED_FIELDS else "#payment-error", Label)
        label.update(message)
        label.display = bool(message)

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        from hubtui.services.order_writes import PaymentDraft

        if self.saving:
            return  # one payment per save, however often ctrl+s is pressed
        method = self.query_one("#payment-method", ChoiceRow).value
        status = self.query_one("#payment-status", ChoiceRow).value
        amount_field = self.query_one("#payment-amount", Input)
        for field in (*CHECKED_FIELDS, None):
            self._show_error(field, "")
        try:
            amount = payment_amount(amount_field.value, method=method, balance_due=self.detail.balance_due,
                                    currency=self.detail.currency)
        except MoneyError as error:
            self._show_error("amount", str(error))
            self._retype("amount")
            return
        draft = PaymentDraft(
            method=method, status=status, amount=amount,
            reference=self.query_one("#payment-reference", Input).value.strip(),
            comment=self.query_one("#payment-comment", Input).value.strip(),
        )
        self.saving = True
        # Keys typed from now on are for the details.
        hold_keys_while(self, lambda: self.saving and self.is_attached, writing=True)
        self.query_one("#payment-hint", Label).update("Saving…")
        self._record(draft)

    @work(thread=True, group="order-writes")
    def _record(self, draft: PaymentDraft) -> None:
        from hubtui.services.errors import ConflictError, InvalidInput
        from hubtui.services.order_writes import record_payment

        try:
            saved = record_payment(self.context, self.detail.number, draft, expected_version=self.detail.version)
        except InvalidInput as error:
            self.post_message(self.Refused(str(error), error.field, stale=False))
        except ConflictError as error:
            self.post_message(self.Refused(str(error), None, stale=True))
        except DomainError as error:
            self.post_message(self.Refused(str(error), None, stale=False))
        except Exception as error:  # e.g. the database locked for too long: say so, keep what was typed
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            self.post_message(self.Refused(f"Not saved: {first_line}", None, stale=False))
        else:
            self.post_message(self.Saved(saved))

    def on_payment_dialog_saved(self, message: Saved) -> None:
        self.dismiss(message.detail)

    def on_payment_dialog_refused(self, message: Refused) -> None:
        self.saving = False
        self.stale = self.stale or message.stale
        # After a conflict saving again cannot succeed: closing shows the order as it is now.
        self.query_one("#payment-hint", Label).update("esc close and read the order again" if self.stale else HINT)
        field = message.field if message.field in CHECKED_FIELDS else None
        self._show_error(field, message.message)
        if field is not None:
            self._retype(field)

    def _retype(self, field: str) -> None:
        """Put the operator back on a refused field, its text selected so typing replaces it."""
        widget = self.query_one(f"#payment-{field}")
        if widget.disabled:
            return
        widget.focus()
        if isinstance(widget, Input):
            widget.select_all()

    def action_cancel(self) -> None:
        if self.saving:
            return  # the payment may be written already: wait for the answer rather than lose it
        self.dismiss(None)


def recorded_message(detail: OrderDetail) -> str:
    return f"Payment recorded: {detail.number} is now {detail.status}, payment {detail.payment_status}."
