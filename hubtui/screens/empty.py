"""Shown when the database holds no organisation yet: how to get going."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Header, Static

from hubtui.widgets.hub_footer import HubFooter


class EmptyDatabaseScreen(Screen[None]):
    AUTO_FOCUS = None
    DEFAULT_CSS = """
    #empty-message { width: auto; padding: 1 2; border: round $primary; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(
                "This database has no organisations yet.\n\n"
                "Load demo data with [b]hubtui demo[/b] (or [b]make run[/b]), then start hubtui again.",
                id="empty-message",
            )
        yield HubFooter()
