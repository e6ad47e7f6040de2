"""Enter on a Price Match row: the product's prices per channel, newest first, each with the day
it was seen and how long ago (the own-website price's changes too)."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hubtui.domain.price_match import PRICE_MATCH_CHANNELS
from hubtui.services.price_match_views import PriceHistory
from hubtui.widgets.price_match_table import CHANNEL_NAMES, money
from hubtui.widgets.returns_table import age
from hubtui.widgets.safe_text import safe


def history_table(history: PriceHistory, now: datetime | None) -> Table:
    table = Table(box=None, expand=True, show_header=True, padding=(0, 1))
    table.add_column("Channel", style="bold", no_wrap=True)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("Seen", no_wrap=True)
    table.add_column("Age", justify="right", no_wrap=True)
    channels = [c for c in PRICE_MATCH_CHANNELS if c in history.by_channel]
    channels += sorted(c for c in history.by_channel if c not in PRICE_MATCH_CHANNELS)
    for channel in channels:
        for index, view in enumerate(history.by_channel[channel]):
            name = CHANNEL_NAMES.get(channel, safe(channel)) if index == 0 else ""
            style = "" if index == 0 else "dim"  # the latest price is the one compared
            table.add_row(Text(name), Text(money(view.price, history.currency), style=style),
                          Text(f"{view.observed_at:%Y-%m-%d %H:%M}", style=style),
                          Text(age(view.observed_at, now), style=style))
    return table


class PriceHistoryDialog(ModalScreen[None]):
    AUTO_FOCUS = "#history-body"
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="price_history.close")]

    def __init__(self, history: PriceHistory, *, now: datetime | None = None) -> None:
        super().__init__()
        self.history = history
        self.now = now

    def compose(self) -> ComposeResult:
        history = self.history
        with Vertical(classes="dialog", id="price-history"):
            yield Label(f"Price history of {safe(history.stock_code)} {safe(history.name)}", classes="dialog-title",
                        markup=False)
            with VerticalScroll(id="history-body"):
                if any(history.by_channel.values()):
                    yield Static(history_table(history, self.now))
                else:
                    yield Label("No price has been seen for this product yet.", markup=False)
            yield Label("↑↓ scroll · esc close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
