"""A one-line status with a spinner, repainted without asking the screen for a new layout.

Showing and hiding a LoadingIndicator re-lays out the whole screen on every page change;
a spinner drawn inside this line costs one line's repaint.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from hubtui.domain.text import printable

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """"1 order", "2 orders", "1,587 orders": a count and its noun, in the number it takes."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine {
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    text: reactive[str] = reactive("", layout=False)
    busy: reactive[bool] = reactive(False, layout=False)
    _frame: reactive[int] = reactive(0, layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None

    def render(self) -> Text:
        spinner = f"{FRAMES[self._frame % len(FRAMES)]} " if self.busy else "  "
        return Text(spinner + printable(self.text, one_line=True))  # the text filter typed shows here: never markup

    def update(self, text: str) -> None:
        self.text = text

    def watch_busy(self, busy: bool) -> None:
        if busy and self._timer is None:
            self._timer = self.set_interval(0.08, self._spin)
        elif not busy and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _spin(self) -> None:
        self._frame += 1
