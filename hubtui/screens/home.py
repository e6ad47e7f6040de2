"""The first screen: which organisation, how many orders. The order list replaces it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from hubtui.services.context import Context


class EmptyDatabaseScreen(Screen[None]):
    AUTO_FOCUS = None
    CSS_PATH = "home.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static("This database has no organisations yet.", id="home-title")
            yield Static(
                "Load demo data with [b]hubtui demo[/b] (or [b]make run[/b]), then start hubtui again.",
                id="home-hint",
            )
        yield Footer()


class HomeScreen(Screen[None]):
    AUTO_FOCUS = None
    CSS_PATH = "home.tcss"

    class CountLoaded(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static(f"{self.context.operator.org_name} ({self.context.operator.org_code})", id="home-title")
            yield LoadingIndicator(id="home-loading")
            yield Static("", id="home-count")
        yield Footer()

    def on_mount(self) -> None:
        self.load_count()

    @work(thread=True, exclusive=True, group="home-count")
    def load_count(self) -> None:
        from hubtui.services.order_reads import count_orders

        self.post_message(self.CountLoaded(count_orders(self.context)))

    def on_home_screen_count_loaded(self, message: CountLoaded) -> None:
        self.query_one("#home-loading").display = False
        self.query_one("#home-count", Static).update(f"{message.count:,} orders")
