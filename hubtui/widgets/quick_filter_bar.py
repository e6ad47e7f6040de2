"""The quick filters as a visible bar: key, name and live count; the active one stands out.

A count not known yet (the list's filters changed and their counts are on their way) shows
as "…", never as the number of another query.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from collections.abc import Mapping, Sequence
from typing import Any

from hubtui.domain.orders import QuickFilter
from hubtui.widgets.commands import KEY_LABELS, QUICK_FILTER_KEYS, QUICK_FILTER_SHORT


class QuickFilterBar(Static):
    DEFAULT_CSS = """
    QuickFilterBar {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    active: reactive[Any] = reactive(QuickFilter.ALL)
    counts: reactive[dict[Any, int] | None] = reactive(None)  # None, or a filter missing: not known

    def __init__(self, *, id: str | None = None, classes: str | None = None, filters: Sequence[Any] = tuple(QuickFilter),
                 keys: Sequence[str] = QUICK_FILTER_KEYS, names: Mapping[Any, str] = QUICK_FILTER_SHORT) -> None:
        """`filters` in the order of their `keys`, each shown by its short name (the order list's by default)."""
        super().__init__(id=id, classes=classes)
        # The width each count last took: "…" keeps it, so the bar does not re-flow (and the
        # list below it jump) every time the counts go and come back.
        self._widths: dict[Any, int] = {}
        self.filters, self.filter_keys, self.names = tuple(filters), tuple(keys), names
        if self.filters[0] not in QuickFilter:
            self.set_reactive(QuickFilterBar.active, self.filters[0])

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
        counts = self.counts or {}
        for quick, key in zip(self.filters, self.filter_keys):
            known = counts.get(quick)
            count = "…" if known is None else f"{known:,}"
            if known is not None:
                self._widths[quick] = len(count)
            pad = " " * max(0, self._widths.get(quick, 1) - len(count))
            style = "reverse bold" if quick == self.active else ("dim" if known == 0 else "")
            label = f"{KEY_LABELS.get(key, key)}:{self.names[quick]} {count}"
            if used and used + 1 + len(label) + len(pad) > width:
                text.append("\n")
                used = 0
            elif used:
                text.append(" ")
                used += 1
            text.append(label, style=style)
            text.append(pad)
            used += len(label) + len(pad)
        self.update(text)
