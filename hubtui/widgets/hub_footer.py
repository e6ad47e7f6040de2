"""The footer every screen shows: `?` help and `:` jump first, so a narrow terminal drops the
screen's least important keys (the last ones), never the way to find the rest.

Textual's footer builds its keys again whenever the screen says its bindings may have changed,
which is on every move of the focus; the keys it would show are mostly the same ones, and
mounting them again (each styled anew, with two component styles) was most of the styling work
of a key press. It is built again only when what it shows changed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget (Textual pinned at 8.2.8)

FIRST_ACTIONS = ("help", "app.help", "jump")


class HubFooter(Footer):
    _shown: tuple[Any, ...] | None = None  # what the keys on show were built from

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        self._shown = self._to_show(self.screen) if widgets else None
        first = [w for w in widgets if isinstance(w, FooterKey) and w.action in FIRST_ACTIONS]
        first.sort(key=lambda w: FIRST_ACTIONS.index(w.action))
        yield from first
        yield from (w for w in widgets if w not in first)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._shown is None:  # nothing built yet: Textual's way
            super().bindings_changed(screen)
        elif screen.app.app_focus and self.is_attached and screen is self.screen:
            # Compared when Textual would build: the bindings settle after the signal.
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        if self.is_attached and self._to_show(self.screen) != self._shown:
            await self.recompose()

    def _to_show(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """Everything of the screen's bindings the footer's keys are made of."""
        return (self.compact, self.show_command_palette, tuple(
            (b.key, b.action, b.description, b.show, b.key_display, b.group, b.tooltip, enabled, tooltip)
            for _, b, enabled, tooltip in screen.active_bindings.values()))
