"""`a` on the Price Match screen: each product's website price before → after, with its floor and
the rule that suggests it, before anything is changed; ctrl+s or enter applies, esc cancels."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hubtui.services.price_match_views import PriceChange
from hubtui.widgets.price_match_table import money
from hubtui.widgets.safe_text import safe
from hubtui.widgets.status_line import counted


def changes_table(changes: Sequence[PriceChange], currency: str) -> Table:
    table = Table(box=None, expand=True, show_header=True, padding=(0, 1))
    table.add_column("Code", no_wrap=True)
    table.add_column("Name", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("Before", justify="right", no_wrap=True)
    table.add_column("After", justify="right", no_wrap=True)
    table.add_column("Floor", justify="right", no_wrap=True)
    table.add_column("Rule", ratio=1, no_wrap=True, overflow="ellipsis")
    for change in changes:
        table.add_row(Text(safe(change.stock_code)), Text(safe(change.name)), Text(money(change.before, currency)),
                      Text("→ " + money(change.after, currency), style="bold"), Text(money(change.floor, currency)),
                      Text(safe(change.rule_name)))
    return table


class ApplyDialog(ModalScreen[bool]):
    AUTO_FOCUS = "#apply-body"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("ctrl+s,enter", "confirm", "Apply", id="price_apply.confirm")]

    def __init__(self, changes: Sequence[PriceChange], currency: str, *, without: int = 0) -> None:
        """`without`: how many of the products asked for have no suggested price (left as they are)."""
        super().__init__()
        self.changes = tuple(changes)
        self.currency = currency
        self.without = without

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="apply-dialog"):
            yield Label(f"New website price for {counted(len(self.changes), 'product')}", classes="dialog-title")
            with VerticalScroll(id="apply-body"):
                yield Static(changes_table(self.changes, self.currency))
            if self.without:
                yield Label(f"{counted(self.without, 'other product')} selected: no suggested price, left as is.",
                            id="apply-without")
            yield Label("Never below the floor (cost plus the rule's margin).", classes="dialog-hint")
            yield Label("ctrl+s or enter apply · esc cancel", classes="dialog-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
