"""`p` — record an offline payment on one order (SPEC 3), from the details or the list.

The dialog saves by itself, rather than handing a draft back, so that a refusal (an amount the
store will not take, someone else's change) is shown beside the field while the operator's
typing is still there to correct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from hubtui.domain.errors import DomainError
from hubtui.domain.money import format_money
from hubtui.domain.payments import default_method
from hubtui.services.views import OrderDetail
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.commands import CHOICE_COMMANDS, PAYMENT_COMMANDS, bindings
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.payment_fields import CHECKED_FIELDS, PaymentFields
from hubtui.widgets.safe_text import safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from hubtui.services.context import Context
    from hubtui.services.drafts import PaymentDraft

HINT = "ctrl+s save · esc cancel · ←→ or a letter choose · enter next"


class PaymentDialog(ReportsWorkerErrors, ModalScreen[OrderDetail | None]):
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
            # enter in the last field saves
            yield PaymentFields(default_method(d.channel).value, d.balance_due, d.currency,
                                on_last_enter=self.action_save)
            yield Label("", id="payment-error", classes="dialog-error", markup=False)
            yield Label(HINT, classes="dialog-hint", id="payment-hint")

    def on_mount(self) -> None:
        self.query_one("#payment-error").display = False

    @property
    def fields(self) -> PaymentFields:
        return self.query_one(PaymentFields)

    def _money(self, minor: int) -> str:
        return format_money(minor, self.detail.currency, grouping=True)

    def _show_error(self, field: str | None, message: str) -> None:
        if field in CHECKED_FIELDS:
            self.fields.show_error(field, message)
            return
        label = self.query_one("#payment-error", Label)
        label.update(safe(message))
        label.display = bool(message)

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        if self.saving:
            return  # one payment per save, however often ctrl+s is pressed
        self._show_error(None, "")
        draft = self.fields.draft()
        if draft is None:
            return
        self.saving = True
        self.query_one("#payment-hint", Label).update("Saving…")
        # Keys typed from now on are for the details: held until the answer has been handled
        # (the dialog closed, or the refusal shown beside its field).
        hold_keys(self, until=self._record(draft), writing=True)

    @work(thread=True, group="order-writes", exit_on_error=False, description="record the payment")
    def _record(self, draft: PaymentDraft) -> None:
        from hubtui.services.errors import ConflictError, InvalidInput
        from hubtui.services.order_payments import record_payment

        try:
            saved = record_payment(self.context, self.detail.number, draft, expected_version=self.detail.version)
        except InvalidInput as error:
            self.post_message(self.Refused(str(error), error.field, stale=False))
        except ConflictError as error:
            self.post_message(self.Refused(str(error), None, stale=True))
        except DomainError as error:
            self.post_message(self.Refused(str(error), None, stale=False))
        except Exception as error:  # e.g. the database locked for too long: say so, keep what was typed
            from hubtui.services.faults import one_line

            self.post_message(self.Refused(one_line(error, lead="Not saved: "), None, stale=False))
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
            self.fields.retype(field)

    def action_cancel(self) -> None:
        if self.saving:
            return  # the payment may be written already: wait for the answer rather than lose it
        self.dismiss(None)


def recorded_message(detail: OrderDetail) -> str:
    return f"Payment recorded: {detail.number} is now {detail.status}, payment {detail.payment_status}."


def take_payment(
    screen: Screen[Any], context: Context, detail: OrderDetail, *,
    saved: Callable[[OrderDetail], None] | None = None, stale: Callable[[], None] | None = None,
) -> AwaitMount | None:
    """The one way a payment is taken, from the list or an order: refused with the reason when
    the order has nothing to pay; else the dialog, then "Payment recorded" and `saved(order)`,
    or `stale()` when someone else changed the order while it was open. Returns what a priority
    key's action awaits: the dialog mounted (None when refused)."""
    from hubtui.domain.payments import payment_refusal

    refusal = payment_refusal(detail.number, detail.status, detail.balance_due, detail.currency)
    if refusal is not None:
        screen.notify(refusal, title="No payment", severity="warning")
        return None
    dialog = PaymentDialog(context, detail)

    def closed(result: OrderDetail | None) -> None:
        if result is not None:
            if saved is not None:
                saved(result)
            screen.notify(recorded_message(result), timeout=4)
        elif dialog.stale and stale is not None:
            stale()

    return screen.app.push_screen(dialog, closed)


__all__ = ["ChoiceRow", "PaymentDialog", "recorded_message", "take_payment"]
