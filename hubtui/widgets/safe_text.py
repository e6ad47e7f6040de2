"""Data on screen as text: never read as Rich markup, never with its control characters (SPEC 8a).

Rich reads any str it is handed (a table cell, a Static, a Label, a notification) as markup:
a note holding "[/]" ends the app, "[link=…]" reaches the terminal. Everything a person or a
file supplied goes on screen through `shown`. Textual draws an Input's value as it is, control
characters and all: a customer's address with an escape sequence in it, filled into the review
step, would blank the screen. hubtui's inputs are `SafeInput`s, the command palette's too.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.command import CommandInput, CommandPalette
from textual.expand_tabs import expand_tabs_inline
from textual.screen import ModalScreen
from textual.widgets import Input

from hubtui.domain.text import printable, printable_in_place


def shown(value: object, style: str = "", *, one_line: bool = True) -> Text:
    """`value` as plain text; on one line unless `one_line` is False (a newline then stays one)."""
    return Text(printable("" if value is None else str(value), one_line=one_line), style=style)


def safe(value: object, *, one_line: bool = True) -> str:
    """`value` as a str for Text.append and f-strings that end up in a Text (never in markup)."""
    return printable("" if value is None else str(value), one_line=one_line)


class SafeInput(Input):
    """An Input that keeps its value as typed or given, and shows each control character and line
    break in it as one mark (printable_in_place), so the cursor still lands where it is in the value.

    Overrides the three places Textual 8.2 (pinned) turns the value into cells.
    """

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(printable_in_place(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(expand_tabs_inline(printable_in_place(self.value[:position]), 4))

    def _cell_offset_to_index(self, offset: int) -> int:
        cell_offset = 0
        offset += self.scroll_offset.x
        for index, char in enumerate(printable_in_place(self.value)):
            width = get_character_cell_size(char)
            if cell_offset <= offset < cell_offset + width:
                return index
            cell_offset += width
        return max(0, min(offset, len(self.value)))


def safe_command_palette(**kwargs: object) -> ModalScreen[object]:
    """Textual's command palette with its search box a SafeInput: what is typed or pasted into it
    shows with marks, as in every other field (HubApp.action_command_palette opens this one)."""
    return _SafeCommandPalette(**kwargs)  # type: ignore[arg-type]


class _SafeCommandInput(CommandInput, SafeInput):
    """The palette's own box (its CSS, its place in the palette's queries), shown safely."""


class _SafeCommandPalette(CommandPalette):
    def compose(self) -> ComposeResult:
        # Textual 8.2 (pinned) yields exactly one CommandInput; every other part stays its own.
        for widget in super().compose():
            if type(widget) is CommandInput:
                widget = _SafeCommandInput(placeholder=widget.placeholder, select_on_focus=False)
            yield widget
