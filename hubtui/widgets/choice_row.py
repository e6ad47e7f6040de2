"""A few fixed choices on one line, all in view (payment method, payment status)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive

from hubtui.widgets.commands import CHOICE_COMMANDS, bindings
from hubtui.widgets.type_ahead import TypeAhead


class ChoiceRow(TypeAhead, can_focus=True):
    """A few fixed choices on one line, all in view: ←/→ move, a letter picks the next choice
    that starts with it (c, c, c: Cheque, Cash, CardOverPhone), enter goes on to the next field.

    One key per change, where a drop-down needs three (open, pick, close).
    """

    BINDINGS = bindings(CHOICE_COMMANDS)
    DEFAULT_CSS = """
    ChoiceRow {
        width: 1fr;
        height: 1;
    }
    ChoiceRow > .choice-row--chosen {
        text-style: bold;
        background: $primary 30%;
    }
    ChoiceRow:focus {
        background: $boost;
    }
    ChoiceRow:focus > .choice-row--chosen {
        background: $accent;
        color: $text;
    }
    ChoiceRow:disabled {
        color: $text-disabled;
    }
    """
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

    def __init__(self, choices: Sequence[str], value: str, *, id: str | None = None, tight: bool = False) -> None:
        """`tight`: one space between choices instead of two, for a long row at 80 columns."""
        super().__init__(id=id)
        self.tight = tight
        self.on_enter_now = self.action_next_field
        self.choices = tuple(choices)
        self.set_reactive(ChoiceRow.value, value)

    def render(self) -> Text:
        chosen = self.get_component_rich_style("choice-row--chosen")
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, choice in enumerate(self.choices):
            if self.tight:
                text.append(" " if index else "")
                text.append(choice, style=chosen if choice == self.value else "")
            else:
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
