"""The quick filters as a visible bar: key, name and live count; the active one stands out."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hubtui.commands import KEY_LABELS, QUICK_FILTER_KEYS, QUICK_FILTER_SHORT
from hubtui.domain.orders import QuickFilter


class QuickFilterBar(Static):
    DEFAULT_CSS = """
    QuickFilterBar {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    active: reactive[QuickFilter] = reactive(QuickFilter.ALL)
    counts: reactive[dict[QuickFilter, int] | None] = reactive(None)

    def on_mount(self) -> None:
        self._redraw()

    def watch_active(self) -> None:
        self._redraw()

    def watch_counts(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        # Content (not render()) so the bar's height follows how many lines the text wraps to.
        text = Text(end="")
        for quick, key in zip(QuickFilter, QUICK_FILTER_KEYS):
            count = "…" if self.counts is None else f"{self.counts.get(quick, 0):,}"
            empty = self.counts is not None and not self.counts.get(quick)
            style = "reverse bold" if quick == self.active else ("dim" if empty else "")
            if text:
                text.append(" ")
            text.append(f"{KEY_LABELS.get(key, key)}:{QUICK_FILTER_SHORT[quick]} {count}", style=style)
        self.update(text)
