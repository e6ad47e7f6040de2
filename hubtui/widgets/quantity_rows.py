"""Lines with a quantity each, each up to its own maximum: what a return takes back, what the
warehouse received. ↑/↓ (or j/k) move; digits type the quantity of the line under the cursor
(the first digit after a move replaces it, the next ones add to it); + and - step; backspace
takes the last digit off; `a` sets every line to its maximum, and again to none.

A quantity above the line's maximum is refused with the figure, never cut down silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive

from hubtui.widgets.type_ahead import TypeAhead
from hubtui.widgets.safe_text import shown

MOVE_KEYS = {"up": -1, "k": -1, "down": 1, "j": 1}


@dataclass(frozen=True)
class QuantityRow:
    cells: tuple[str, ...]  # what the line shows before the quantity (number, code, name, figures)
    maximum: int


class QuantityRows(TypeAhead, can_focus=True):
    DEFAULT_CSS = """
    QuantityRows {
        height: auto;
        max-height: 12;
        padding: 0 1;
    }
    QuantityRows:focus {
        background: $boost;
    }
    """

    cursor: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, rows: QuantityRows) -> None:
            super().__init__()
            self.rows = rows

        @property
        def control(self) -> QuantityRows:
            return self.rows

    class Refused(Message):
        def __init__(self, rows: QuantityRows, why: str) -> None:
            super().__init__()
            self.rows = rows
            self.why = why

    def __init__(self, headings: Sequence[str], rows: Sequence[QuantityRow], quantities: Sequence[int] | None = None,
                 *, quantity_heading: str = "Return", id: str | None = None) -> None:
        super().__init__(id=id)
        self.headings = tuple(headings)
        self.rows = tuple(rows)
        self.quantities = list(quantities) if quantities is not None else [0] * len(self.rows)
        self.quantity_heading = quantity_heading
        self._fresh = True  # the next digit replaces the quantity instead of adding to it

    # ------------------------------------------------------------------ drawing

    def render(self) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
        for i, heading in enumerate(self.headings):
            table.add_column(heading, no_wrap=True, ratio=1 if i == 2 else None,
                             justify="right" if i == 0 or i > 2 else "left", overflow="ellipsis")
        table.add_column(self.quantity_heading, justify="right", no_wrap=True)
        for index, (row, quantity) in enumerate(zip(self.rows, self.quantities)):
            here = index == self.cursor and self.has_focus
            style = "reverse" if here else ("dim" if row.maximum == 0 else "")
            figure = Text(f"{quantity}", style="bold" if quantity else "dim")
            table.add_row(*(shown(cell) for cell in row.cells), figure, style=style)
        return table

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def watch_cursor(self) -> None:
        self._fresh = True
        self.refresh()

    # ------------------------------------------------------------------ keys

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return key in MOVE_KEYS or key in ("plus", "minus", "backspace", "a") or (character or "").isdigit()

    def on_key(self, event: events.Key) -> None:
        key, character = event.key, event.character or ""
        if key in MOVE_KEYS:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + MOVE_KEYS[key]))
        elif character.isdigit():
            current = 0 if self._fresh else self.quantities[self.cursor]
            self._set(current * 10 + int(character))
            self._fresh = False
        elif key == "plus":
            self._set(self.quantities[self.cursor] + 1)
        elif key == "minus":
            self._set(max(0, self.quantities[self.cursor] - 1))
        elif key == "backspace":
            self._set(self.quantities[self.cursor] // 10)
        elif key == "a":
            self.toggle_all()
        else:
            return
        event.stop()
        event.prevent_default()

    def _set(self, quantity: int) -> None:
        if not self.rows:
            return
        row = self.rows[self.cursor]
        if quantity > row.maximum:
            self.app.bell()
            self.post_message(self.Refused(self, f"Line {row.cells[0]}: at most {row.maximum} (asked {quantity})."))
            self._fresh = True
            return
        self.quantities[self.cursor] = quantity
        self.refresh()
        self.post_message(self.Changed(self))

    def toggle_all(self) -> None:
        full = [row.maximum for row in self.rows]
        self.quantities = [0] * len(self.rows) if self.quantities == full else full
        self._fresh = True
        self.refresh()
        self.post_message(self.Changed(self))

    @property
    def total(self) -> int:
        return sum(self.quantities)
