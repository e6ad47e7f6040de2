"""A short numbered list of choices, picked with one key.

A digit picks the choice it numbers, enter picks the highlighted one, a letter moves the
highlight to the next choice that starts with it, arrows move it. Picking calls `on_pick`
with the choice, as the key arrives, so keys typed behind it reach the field picking moves
to (see TypeAhead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from hubtui.widgets.type_ahead import TypeAhead


class PickList(OptionList, TypeAhead):
    DEFAULT_CSS = """
    PickList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    """

    def __init__(self, choices: Sequence[str], *, on_pick: Callable[[str], None], id: str | None = None) -> None:
        super().__init__(*[Option(self._label(i, choice), id=choice) for i, choice in enumerate(choices, 1)], id=id)
        self.choices = tuple(choices)
        self.on_pick = on_pick
        self.on_enter_now = self._pick_highlighted

    def replace_choices(self, choices: Sequence[str]) -> None:
        """Offer other choices (what a choice above it allows), the first highlighted."""
        self.choices = tuple(choices)
        self.set_options([Option(self._label(i, choice), id=choice) for i, choice in enumerate(choices, 1)])
        self.highlighted = 0 if choices else None

    @staticmethod
    def _label(number: int, choice: str) -> Text:
        label = Text(f"{number} " if number <= 9 else "  ", style="dim")
        label.append(choice)
        return label

    @property
    def highlighted_choice(self) -> str | None:
        index = self.highlighted
        return None if index is None or index >= len(self.choices) else self.choices[index]

    def _pick_highlighted(self) -> None:
        choice = self.highlighted_choice
        if choice is not None:
            self.on_pick(choice)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isalnum()

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        if not character.isalnum() or not character.isascii():
            return
        event.stop()
        event.prevent_default()
        if character.isdigit():
            index = int(character) - 1
            if 0 <= index < min(len(self.choices), 9):
                self.highlighted = index
                self.on_pick(self.choices[index])
            else:
                self.app.bell()
            return
        start = (self.highlighted + 1) if self.highlighted is not None else 0
        order = list(range(start, len(self.choices))) + list(range(start))
        found = next((i for i in order if self.choices[i].lower().startswith(character.lower())), None)
        if found is None:
            self.app.bell()
        else:
            self.highlighted = found
