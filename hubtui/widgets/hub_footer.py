"""The footer every screen shows: `?` help and `:` jump first, so a narrow terminal drops the
screen's least important keys (the last ones), never the way to find the rest."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget (Textual pinned at 8.2.8)

FIRST_ACTIONS = ("help", "app.help", "jump")


class HubFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for w in widgets if isinstance(w, FooterKey) and w.action in FIRST_ACTIONS]
        first.sort(key=lambda w: FIRST_ACTIONS.index(w.action))
        yield from first
        yield from (w for w in widgets if w not in first)
