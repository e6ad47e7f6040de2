"""Small typed dialogs: each returns a value, or None when the operator backs out."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList

from hubtui.domain.limits import NOTE_LIMIT
from hubtui.domain.orders import CancelReason, OrderStatus
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.pick_list import PickList
from hubtui.widgets.safe_text import SafeInput, safe

CANCEL_BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]


class JumpDialog(ModalScreen[str | None]):
    """`:` — type an order number, with or without BT."""

    AUTO_FOCUS = "#jump-number"
    BINDINGS = CANCEL_BINDINGS

    def __init__(self, title: str = "Open order", placeholder: str = "BT0001234 or 1234") -> None:
        super().__init__()
        self.heading = title
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="jump"):
            yield Label(self.heading, classes="dialog-title")
            yield SafeInput(placeholder=self.placeholder, max_length=254, id="jump-number")
            yield Label("enter open · esc cancel", classes="dialog-hint")

    @on(Input.Submitted, "#jump-number")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    AUTO_FOCUS = "#note-text"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, *, text: str = "", error: str = "") -> None:
        """`text` and `error`: reopened after a save that failed, with what was typed and why."""
        super().__init__()
        self.number = number
        self.text = text
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note"):
            yield Label(f"Note on {self.number}", classes="dialog-title")
            yield SafeInput(self.text, placeholder="what happened, what was agreed", max_length=NOTE_LIMIT,
                            id="note-text")
            yield Label(safe(self.error), id="note-error", classes="dialog-error", markup=False)
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
    comment: str = ""


STATUS_HINT = "digit or enter choose · ctrl+s save · esc cancel"


class StatusDialog(ModalScreen[StatusChoice | None]):
    """Only the statuses this order may move to (and this operator may set) are offered.

    Choosing (a digit, or enter on the highlighted status) moves on to the reason, when
    cancelling, then to the comment; only ctrl+s (or enter in the comment) saves, and a
    cancellation asks first, because it is final.
    """

    AUTO_FOCUS = "#status-targets"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, current: str, targets: list[str], *, owed_if_cancelled: str | None = None,
                 again: StatusChoice | None = None, error: str = "") -> None:
        """`again` and `error`: reopened after a save that failed, with what was chosen and typed, and why."""
        super().__init__()
        self.number = number
        self.current = current
        self.targets = targets
        self.owed_if_cancelled = owed_if_cancelled  # money taken that cancelling would owe back, e.g. "£12.50"
        self.chosen: str | None = again.status if again and again.status in targets else None
        self.reason: str | None = again.reason if again and self.chosen else None
        self.comment = again.comment if again else ""
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="status"):
            yield Label(f"{self.number}: move from {self.current} to", classes="dialog-title")
            yield PickList(self.targets, on_pick=self._target_picked, id="status-targets")
            with Vertical(id="status-reason-box"):
                yield Label("Reason for cancelling", classes="dialog-subtitle")
                yield PickList([r.value for r in CancelReason], on_pick=self._reason_picked, id="status-reason")
            with Horizontal(classes="dialog-row"):
                yield Label("Comment ", classes="dialog-caption")
                yield EagerInput(self.comment, placeholder="optional: why, what was agreed", max_length=NOTE_LIMIT,
                                 compact=True, id="status-comment", on_enter=lambda _text: self.action_save())
            yield Label(safe(self.error), id="status-error", classes="dialog-error", markup=False)
            yield Label(STATUS_HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self._show_reasons(self.chosen == OrderStatus.Cancelled.value)
        if self.chosen is not None:  # reopened: the choice stands, the comment is where the cursor goes
            self.query_one("#status-targets", PickList).highlighted = self.targets.index(self.chosen)
            self.set_focus(self.query_one("#status-comment", Input))

    def _show_reasons(self, show: bool) -> None:
        self.query_one("#status-reason-box").display = show

    @on(OptionList.OptionHighlighted, "#status-targets")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.chosen is None:
            self._show_reasons(event.option.id == OrderStatus.Cancelled.value)

    def _target_picked(self, target: str) -> None:
        self.chosen = target
        self.query_one("#status-error", Label).update("")
        cancelling = target == OrderStatus.Cancelled.value
        self._show_reasons(cancelling)
        if cancelling and self.reason is None:
            self.set_focus(self.query_one("#status-reason", PickList))
        else:
            self.set_focus(self.query_one("#status-comment", Input))

    def _reason_picked(self, reason: str) -> None:
        self.reason = reason
        self.query_one("#status-error", Label).update("")
        self.set_focus(self.query_one("#status-comment", Input))

    def _target(self) -> str | None:
        if self.chosen is not None:
            return self.chosen
        return self.query_one("#status-targets", PickList).highlighted_choice

    def action_save(self) -> None:
        target = self._target()
        if target is None:
            self.query_one("#status-error", Label).update("Choose a status.")
            return
        comment = self.query_one("#status-comment", Input).value.strip()
        if target != OrderStatus.Cancelled.value:
            self.dismiss(StatusChoice(target, None, comment))
            return
        if self.reason is None:
            self.chosen = target
            self._show_reasons(True)
            self.query_one("#status-error", Label).update("Cancelling needs a reason: a digit or enter chooses one.")
            self.set_focus(self.query_one("#status-reason", PickList))
            return
        choice = StatusChoice(target, self.reason, comment)
        question = f"Cancel {self.number} ({self.reason})? This is final: a cancelled order cannot be reopened."
        if self.owed_if_cancelled:
            question += f" {self.owed_if_cancelled} paid will be owed back to the customer."
        self.app.push_screen(ConfirmDialog(question), lambda yes: self._confirmed(choice) if yes else None)

    def _confirmed(self, choice: StatusChoice) -> None:
        def close() -> None:
            self.dismiss(choice)  # not awaited: this runs in the dialog's own message loop

        # Not from inside the question's own closing: this dialog closes once that has finished.
        self.call_later(close)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(ModalScreen[str | None]):
    """One choice from a list: arrows and enter, or a letter to move to it; esc backs out."""

    AUTO_FOCUS = "#pick-choices"
    BINDINGS = CANCEL_BINDINGS

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__()
        self.heading = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pick"):
            yield Label(self.heading, classes="dialog-title", markup=False)
            yield PickList(self.choices, on_pick=self.dismiss, id="pick-choices")
            yield Label("enter choose · a letter moves to it · esc cancel", classes="dialog-hint")

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
            yield Label(self.question, classes="dialog-title", markup=False)
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
