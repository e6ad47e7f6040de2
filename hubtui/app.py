"""The Textual application. It receives its store, operator and settings from the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from hubtui.screens.home import EmptyDatabaseScreen, HomeScreen

if TYPE_CHECKING:
    from hubtui.config import Settings
    from hubtui.services.context import Context
    from hubtui.store.engine import Store


class HubApp(App[None]):
    TITLE = "hubtui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit")]

    def __init__(self, *, store: Store, context: Context | None, settings: Settings | None = None) -> None:
        super().__init__()
        self.store = store
        self.context = context
        self.settings = settings
        if context is not None:
            operator = context.operator
            self.sub_title = f"{operator.org_name} ({operator.org_code}) · {operator.user_name} [{operator.role}]"

    def get_default_screen(self) -> Screen[None]:
        if self.context is None:
            return EmptyDatabaseScreen()
        return HomeScreen(self.context)
