"""Small typed dialogs: each returns a value, or None when the operator backs out."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from hubtui.domain.orders import CancelReason, OrderStatus

CANCEL_BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]


class JumpDialog(ModalScreen[str | None]):
    """`:` — type an order number, with or without BT."""

    AUTO_FOCUS = "#jump-number"
    BINDINGS = CANCEL_BINDINGS

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="jump"):
            yield Label("Open order", classes="dialog-title")
            yield Input(placeholder="BT0001234 or 1234", id="jump-number")
            yield Label("enter open · esc cancel", classes="dialog-hint")

    @on(Input.Submitted, "#jump-number")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    AUTO_FOCUS = "#note-text"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note"):
            yield Label(f"Note on {self.number}", classes="dialog-title")
            yield Input(placeholder="what happened, what was agreed", max_length=400, id="note-text")
            yield Label("", id="note-error", classes="dialog-error")
            yield Label("enter or ctrl+s save · esc cancel", classes="dialog-hint")

    @on(Input.Submitted, "#note-text")
    def action_save(self) -> None:
        text = self.query_one("#note-text", Input).value.strip()
        if not text:
            self.query_one("#note-error", Label).update("A note cannot be empty.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class StatusChoice:
    status: str
    reason: str | None = None


class StatusDialog(ModalScreen[StatusChoice | None]):
    """Only the statuses this order may move to (and this operator may set) are offered."""

    AUTO_FOCUS = "#status-targets"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, current: str, targets: list[str]) -> None:
        super().__init__()
        self.number = number
        self.current = current
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="status"):
            yield Label(f"{self.number}: move from {self.current} to", classes="dialog-title")
            yield OptionList(*[Option(t, id=t) for t in self.targets], id="status-targets")
            yield Select([(r.value, r.value) for r in CancelReason], prompt="Reason (needed to cancel)",
                         id="status-reason")
            yield Label("", id="status-error", classes="dialog-error")
            yield Label("enter choose · ctrl+s save · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#status-reason", Select).display = False

    @on(OptionList.OptionHighlighted, "#status-targets")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#status-reason", Select).display = event.option.id == OrderStatus.Cancelled.value

    @on(OptionList.OptionSelected, "#status-targets")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OrderStatus.Cancelled.value:
            self.query_one("#status-reason", Select).focus()
            return
        self.action_save()

    @on(Select.Changed, "#status-reason")
    def _reason_chosen(self, event: Select.Changed) -> None:
        if not event.select.is_blank():
            self.action_save()

    def action_save(self) -> None:
        options = self.query_one("#status-targets", OptionList)
        if options.highlighted is None:
            self.query_one("#status-error", Label).update("Choose a status.")
            return
        target = str(options.get_option_at_index(options.highlighted).id)
        reason_select = self.query_one("#status-reason", Select)
        reason = None if reason_select.is_blank() else str(reason_select.value)
        if target == OrderStatus.Cancelled.value and reason is None:
            self.query_one("#status-error", Label).update("Cancelling needs a reason.")
            self.query_one("#status-reason", Select).focus()
            return
        self.dismiss(StatusChoice(target, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    AUTO_FOCUS = "#confirm-no"
    BINDINGS = CANCEL_BINDINGS + [Binding("y", "yes", "Yes", id="dialog.yes")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="confirm-yes", variant="error")
                yield Button("No (esc)", id="confirm-no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
