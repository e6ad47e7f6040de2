"""The dialogs a return's outcome is recorded in: QC, refund, credit note. Each returns its
choice (or None), opens filled in with what is most often meant (the goods passed; the most the
return may refund, back the way it was paid), and saves with ctrl+s from any field."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from hubtui.domain.errors import MoneyError
from hubtui.domain.limits import LIMITS, NOTE_LIMIT
from hubtui.domain.money import check_symbol, money_symbol, parse_money
from hubtui.services.return_views import ReturnDetail
from hubtui.widgets import return_view as view
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.safe_text import safe

BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"), Binding("ctrl+s", "save", "Save", id="dialog.save")]
REFUND_RESULTS = ("Refunded", "Failed")


def _amount(dialog: ModalScreen, field_id: str, currency: str) -> int | None:  # type: ignore[type-arg]
    text = dialog.query_one(field_id, Input).value
    try:
        amount = parse_money(text)
        check_symbol(money_symbol(text), currency)
    except MoneyError as error:
        dialog.query_one(".dialog-error", Label).update(str(error))
        dialog.query_one(field_id, Input).focus()
        return None
    return amount


def _plain(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


@dataclass(frozen=True)
class QcChoice:
    note: str
    passed: bool


class QcDialog(ModalScreen[QcChoice | None]):
    AUTO_FOCUS = "#qc-note"
    BINDINGS = BINDINGS

    def __init__(self, d: ReturnDetail, *, again: QcChoice | None = None, error: str = "") -> None:
        super().__init__()
        self.d, self.again, self.error = d, again, error

    def compose(self) -> ComposeResult:
        d = self.d
        units = sum(line.coming_back for line in d.lines)
        with Vertical(classes="dialog", id="qc-dialog"):
            yield Label(f"QC of {d.number}: {units} unit(s) received", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Result  ", classes="dialog-caption")
                yield ChoiceRow(["Passed", "Failed"], "Passed" if not self.again or self.again.passed else "Failed",
                                id="qc-result")
            with Horizontal(classes="dialog-row"):
                yield Label("Note    ", classes="dialog-caption")
                yield EagerInput(self.again.note if self.again else "", placeholder="what the goods look like",
                                 max_length=NOTE_LIMIT, compact=True, id="qc-note",
                                 on_enter=lambda _text: self.action_save())
            yield Label(safe(self.error), classes="dialog-error", markup=False)
            yield Label("enter or ctrl+s save · shift+tab the result (f: failed) · esc cancel", classes="dialog-hint")

    def action_save(self) -> None:
        self.dismiss(QcChoice(self.query_one("#qc-note", Input).value.strip(),
                              self.query_one("#qc-result", ChoiceRow).value == "Passed"))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class RefundChoice:
    amount: int
    method: str
    reference: str
    failed: bool


def refund_methods(d: ReturnDetail) -> list[str]:
    """The order's own payment method first (back the way it was paid), then the others."""
    from hubtui.services.return_outcomes import REFUND_METHODS

    methods = [m.value for m in REFUND_METHODS]
    if d.payment_method in methods:
        methods.remove(d.payment_method)
        methods.insert(0, d.payment_method)  # type: ignore[arg-type]
    return methods


class RefundDialog(ModalScreen[RefundChoice | None]):
    AUTO_FOCUS = "#refund-amount"
    BINDINGS = BINDINGS

    def __init__(self, d: ReturnDetail, *, again: RefundChoice | None = None, error: str = "") -> None:
        super().__init__()
        self.d, self.again, self.error = d, again, error

    def compose(self) -> ComposeResult:
        d, again = self.d, self.again
        methods = refund_methods(d)
        with Vertical(classes="dialog", id="refund-dialog"):
            yield Label(f"Refund {d.number} ({d.order_number})", classes="dialog-title")
            yield Label(f"The units cost {view.money(d, d.amount)} · refunded so far {view.money(d, d.refunded)}\n"
                        f"Still refundable on the order {view.money(d, d.still_refundable)} · "
                        f"at most {view.money(d, d.refund_cap)}", id="refund-caps", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Amount    ", classes="dialog-caption")
                yield EagerInput(_plain(again.amount if again else d.refund_cap), max_length=16, compact=True,
                                 id="refund-amount", on_enter=lambda _text: self.focus_next())
            with Horizontal(classes="dialog-row"):
                yield Label("Method    ", classes="dialog-caption")
                yield ChoiceRow(methods, again.method if again and again.method in methods else methods[0],
                                id="refund-method", tight=True)
            with Horizontal(classes="dialog-row"):
                yield Label("Reference ", classes="dialog-caption")
                yield EagerInput(again.reference if again else "", placeholder="optional: the bank's or till's",
                                 max_length=LIMITS["reference"], compact=True, id="refund-reference",
                                 on_enter=lambda _text: self.action_save())
            with Horizontal(classes="dialog-row"):
                yield Label("Result    ", classes="dialog-caption")
                yield ChoiceRow(list(REFUND_RESULTS), "Failed" if again and again.failed else "Refunded",
                                id="refund-result")
            yield Label(safe(self.error), classes="dialog-error", markup=False)
            yield Label("ctrl+s refund · tab next field · esc cancel", classes="dialog-hint")

    def action_save(self) -> None:
        amount = _amount(self, "#refund-amount", self.d.currency)
        if amount is None:
            return
        self.dismiss(RefundChoice(amount, self.query_one("#refund-method", ChoiceRow).value,
                                  self.query_one("#refund-reference", Input).value.strip(),
                                  self.query_one("#refund-result", ChoiceRow).value == "Failed"))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class CreditChoice:
    number: str
    amount: int


class CreditDialog(ModalScreen[CreditChoice | None]):
    AUTO_FOCUS = "#credit-number"
    BINDINGS = BINDINGS

    def __init__(self, d: ReturnDetail, *, again: CreditChoice | None = None, error: str = "") -> None:
        super().__init__()
        self.d, self.again, self.error = d, again, error

    def compose(self) -> ComposeResult:
        d, again = self.d, self.again
        with Vertical(classes="dialog", id="credit-dialog"):
            yield Label(f"Credit note for {d.number} ({d.order_number})", classes="dialog-title")
            yield Label(f"At most {view.money(d, d.refund_cap)} (what the units cost, within what is still "
                        "refundable on the order)", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Number ", classes="dialog-caption")
                yield EagerInput(again.number if again else "", placeholder="the credit note's number",
                                 max_length=LIMITS["credit_note_number"], compact=True, id="credit-number",
                                 on_enter=lambda _text: self.focus_next())
            with Horizontal(classes="dialog-row"):
                yield Label("Amount ", classes="dialog-caption")
                yield EagerInput(_plain(again.amount if again else d.refund_cap), max_length=16, compact=True,
                                 id="credit-amount", on_enter=lambda _text: self.action_save())
            yield Label(safe(self.error), classes="dialog-error", markup=False)
            yield Label("enter next · ctrl+s save · esc cancel", classes="dialog-hint")

    def action_save(self) -> None:
        number = self.query_one("#credit-number", Input).value.strip()
        if not number:
            self.query_one(".dialog-error", Label).update("Give the credit note's number.")
            self.query_one("#credit-number", Input).focus()
            return
        amount = _amount(self, "#credit-amount", self.d.currency)
        if amount is not None:
            self.dismiss(CreditChoice(number, amount))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ExchangeChoice:
    text: str
    products: dict[str, int]  # empty: the returned units again


class ExchangeDialog(ModalScreen[ExchangeChoice | None]):
    """What an exchange sends instead: stock codes (2*CODE for two), or nothing for the same again."""

    AUTO_FOCUS = "#exchange-products"
    BINDINGS = BINDINGS

    def __init__(self, d: ReturnDetail, *, again: ExchangeChoice | None = None, error: str = "") -> None:
        super().__init__()
        self.d, self.again, self.error = d, again, error

    def compose(self) -> ComposeResult:
        d = self.d
        units = sum(line.coming_back for line in d.lines)
        with Vertical(classes="dialog", id="exchange-dialog"):
            yield Label(f"Exchange for {d.number}: an order at no charge", classes="dialog-title")
            yield Label(f"{units} unit(s) came back. Type what goes out instead, or leave it empty to send the same "
                        "again.", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Products ", classes="dialog-caption")
                yield EagerInput(self.again.text if self.again else "", placeholder="BT-DRI-1000 2*BT-SAW-1001",
                                 max_length=400, compact=True, id="exchange-products",
                                 on_enter=lambda _text: self.action_save())
            yield Label(safe(self.error), classes="dialog-error", markup=False)
            yield Label("enter or ctrl+s create the order · esc cancel", classes="dialog-hint")

    def action_save(self) -> None:
        from hubtui.domain.returns import parse_products

        text = self.query_one("#exchange-products", Input).value
        try:
            products = parse_products(text)
        except ValueError as error:
            self.query_one(".dialog-error", Label).update(str(error))
            return
        self.dismiss(ExchangeChoice(text, products))

    def action_cancel(self) -> None:
        self.dismiss(None)
