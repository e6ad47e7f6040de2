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

    def on_resize(self) -> None:
        self._redraw()

    def watch_active(self) -> None:
        self._redraw()

    def watch_counts(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        # The bar breaks its own lines between whole filters, so a count never wraps away
        # from its name; as content (not render()) its height follows the line count.
        width = max(20, self.content_size.width or 78)
        text = Text(end="")
        used = 0
        for quick, key in zip(QuickFilter, QUICK_FILTER_KEYS):
            count = "…" if self.counts is None else f"{self.counts.get(quick, 0):,}"
            empty = self.counts is not None and not self.counts.get(quick)
            style = "reverse bold" if quick == self.active else ("dim" if empty else "")
            label = f"{KEY_LABELS.get(key, key)}:{QUICK_FILTER_SHORT[quick]} {count}"
            if used and used + 1 + len(label) > width:
                text.append("\n")
                used = 0
            elif used:
                text.append(" ")
                used += 1
            text.append(label, style=style)
            used += len(label)
        self.update(text)
