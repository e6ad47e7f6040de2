"""The fields of an offline payment (SPEC 3): method, status, amount, reference, comment.

One form for the payment dialog (`p`) and for the review step of a phone order, where the
card is taken on the same call. Every field has a default, each has its error line under it,
and the cursor starts on the reference when the method expects one (an authorisation code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label

from hubtui.domain.errors import MoneyError
from hubtui.domain.limits import LIMITS, NOTE_LIMIT
from hubtui.domain.money import format_money, money_symbol
from hubtui.domain.orders import PaymentMethod
from hubtui.domain.payments import (
    DEFAULT_STATUS,
    OPERATOR_METHODS,
    OPERATOR_STATUSES,
    payment_amount,
    reference_expected,
)
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.safe_text import safe

if TYPE_CHECKING:
    from hubtui.services.drafts import PaymentDraft

# The fields a refusal can name (InvalidInput.field); each has its error line under it.
CHECKED_FIELDS = ("method", "status", "amount")


class PaymentFields(Vertical):
    DEFAULT_CSS = """
    PaymentFields {
        height: auto;
    }
    PaymentFields .payment-row {
        height: 1;
        margin-top: 1;
    }
    PaymentFields.-dense .payment-row {
        margin-top: 0;
    }
    PaymentFields .payment-label {
        width: 11;
        color: $text-muted;
    }
    PaymentFields .payment-field-error {
        margin-left: 12;
        width: 1fr;
        color: $error;
    }
    PaymentFields Input {
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    PaymentFields Input:focus {
        background: $primary 25%;
    }
    PaymentFields Input:disabled {
        background: $surface;
        color: $text-disabled;
    }
    """

    def __init__(self, method: str, balance_due: int, currency: str, *, on_last_enter: Callable[[], None] | None = None,
                 dense: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="-dense" if dense else "")
        self.method = method
        self.balance_due = balance_due
        self.currency = currency
        self.on_last_enter = on_last_enter  # enter in the comment: None goes on to the next field

    def compose(self) -> ComposeResult:
        with Horizontal(classes="payment-row"):
            yield Label("Method", classes="payment-label")
            yield ChoiceRow([m.value for m in OPERATOR_METHODS], self.method, id="payment-method")
        yield Label("", id="payment-method-error", classes="payment-field-error", markup=False)
        with Horizontal(classes="payment-row"):
            yield Label("Status", classes="payment-label")
            yield ChoiceRow([s.value for s in OPERATOR_STATUSES], DEFAULT_STATUS.value, id="payment-status")
        yield Label("", id="payment-status-error", classes="payment-field-error", markup=False)
        with Horizontal(classes="payment-row"):
            yield Label("Amount", classes="payment-label")
            yield EagerInput(format_money(self.balance_due), max_length=20, compact=True, id="payment-amount")
        yield Label("", id="payment-amount-error", classes="payment-field-error", markup=False)
        with Horizontal(classes="payment-row"):
            yield Label("Reference", classes="payment-label")
            yield EagerInput(placeholder="auth code, cheque no., bank ref", max_length=LIMITS["reference"], compact=True,
                             id="payment-reference")
        with Horizontal(classes="payment-row"):
            yield Label("Comment", classes="payment-label")
            yield EagerInput(placeholder="optional", max_length=NOTE_LIMIT, compact=True, id="payment-comment",
                             on_enter=self._last_enter)

    def on_mount(self) -> None:
        for field in CHECKED_FIELDS:
            self.show_error(field, "")
        self._follow_method(self.method)

    def _last_enter(self, _text: str) -> None:
        if self.on_last_enter is None:
            self.screen.focus_next()
        else:
            self.on_last_enter()

    # ------------------------------------------------------------------ fields

    @property
    def first_field(self) -> Widget:
        """Where the cursor starts: the reference when the method expects one, else the method."""
        method = self.query_one("#payment-method", ChoiceRow).value
        return self.query_one("#payment-reference" if reference_expected(method) else "#payment-method")

    def set_balance(self, balance_due: int) -> None:
        """The amount follows the balance (the review's order total) until the operator types one."""
        amount = self.query_one("#payment-amount", Input)
        if not amount.disabled and amount.value == format_money(self.balance_due):
            amount.value = format_money(balance_due)
        self.balance_due = balance_due

    @on(ChoiceRow.Changed, "#payment-method")
    def _method_changed(self, event: ChoiceRow.Changed) -> None:
        self.show_error("method", "")
        self._follow_method(event.value)

    def _follow_method(self, method: str) -> None:
        amount = self.query_one("#payment-amount", Input)
        if method == PaymentMethod.FOC.value:
            amount.value = format_money(0)
            amount.disabled = True  # FOC records zero whatever is typed: nothing to type
        elif amount.disabled:
            amount.disabled = False
            amount.value = format_money(self.balance_due)

    @on(ChoiceRow.Changed, "#payment-status")
    def _status_changed(self) -> None:
        self.show_error("status", "")

    @on(Input.Changed, "#payment-amount")
    def _amount_changed(self) -> None:
        self.show_error("amount", "")

    def show_error(self, field: str, message: str) -> None:
        label = self.query_one(f"#payment-{field}-error", Label)
        label.update(safe(message))  # it can repeat what was typed
        label.display = bool(message)

    def clear_errors(self) -> None:
        for field in CHECKED_FIELDS:
            self.show_error(field, "")

    def retype(self, field: str) -> None:
        """Put the operator back on a refused field, its text selected so typing replaces it."""
        widget = self.query_one(f"#payment-{field}")
        if widget.disabled:
            return
        self.screen.set_focus(widget)
        if isinstance(widget, Input):
            widget.select_all()

    # ------------------------------------------------------------------ reading

    def draft(self) -> PaymentDraft | None:
        """The payment as filled in, or None when the amount is wrong (said under it, cursor on it)."""
        from hubtui.services.drafts import PaymentDraft

        method = self.query_one("#payment-method", ChoiceRow).value
        status = self.query_one("#payment-status", ChoiceRow).value
        self.clear_errors()
        try:
            amount = payment_amount(self.query_one("#payment-amount", Input).value, method=method,
                                    balance_due=self.balance_due, currency=self.currency)
        except MoneyError as error:
            self.show_error("amount", str(error))
            self.retype("amount")
            return None
        return PaymentDraft(
            method=method, status=status, amount=amount,
            reference=self.query_one("#payment-reference", Input).value.strip(),
            comment=self.query_one("#payment-comment", Input).value.strip(),
            written_in=money_symbol(self.query_one("#payment-amount", Input).value),
        )
