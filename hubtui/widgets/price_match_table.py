"""The Price Match screen's table: a product per row, its own-website price, the spread, the
verdict, then each compared channel's latest price and how old it is.

Code, name, price, spread and verdict fit 80 columns; the channels are a scroll to the right.
A selected row (space) carries a mark in its first column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hubtui.domain.money import format_money
from hubtui.domain.price_match import COMPARED_CHANNELS, Verdict, VerdictKind
from hubtui.services.price_match_views import PriceMatchRow
from hubtui.widgets.line_table import Cell, Column, LineTable, line_of
from hubtui.widgets.returns_table import age

CHANNEL_NAMES = {"website": "Website", "app": "App", "amazon": "Amazon", "ebay": "eBay", "flipkart": "Flipkart",
                 "myntra": "Myntra"}
COLUMNS = (
    Column("", 1), Column("Code", 11), Column("Name", 15), Column("Website", 9, right=True),
    Column("Spread", 8, right=True), Column("Verdict", 27),
    *(Column(CHANNEL_NAMES[channel], 13, right=True) for channel in COMPARED_CHANNELS),
)
VERDICT_STYLES = {VerdictKind.suggested: "bold yellow", VerdictKind.flagged: "bold red", VerdictKind.parity: "green",
                  VerdictKind.no_rule: "dim"}
SELECTED_MARK = "•"


def money(amount: int | None, currency: str) -> str:
    return "" if amount is None else format_money(amount, currency, grouping=True)


def verdict_words(verdict: Verdict, currency: str) -> str:
    """"in parity", "flagged", "suggested £9.49 (Match Amazon)", "no rule": the rule's name where it
    says which price to take (a flag's reason is in the price history)."""
    if verdict.kind is VerdictKind.suggested:
        return f"suggested {money(verdict.suggested_price, currency)} ({verdict.rule_name})"
    if verdict.kind is VerdictKind.flagged:
        return "flagged"
    if verdict.kind is VerdictKind.parity:
        return "in parity"
    return "no rule"


def spread_words(spread: int | None, currency: str) -> str:
    if spread is None:
        return "—"
    return ("+" if spread > 0 else "") + money(spread, currency)


class PriceMatchTable(LineTable[PriceMatchRow]):
    COLUMNS = COLUMNS
    now: datetime | None = None  # the clock ages are counted from (tests fix it)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.selected: set[str] = set()  # stock codes, across pages

    def cells(self, row: PriceMatchRow) -> Sequence[Cell]:
        by_channel = {view.channel: view for view in row.prices}
        channels = []
        for channel in COMPARED_CHANNELS:
            view = by_channel.get(channel)
            seen = "" if view is None else f"{money(view.price, row.currency)} {age(view.observed_at, self.now)}"
            channels.append(Cell(seen))
        return [
            Cell(SELECTED_MARK if row.stock_code in self.selected else "", "bold"),
            Cell(row.stock_code), Cell(row.name), Cell(money(row.own_price, row.currency)),
            Cell(spread_words(row.spread, row.currency)),
            Cell(verdict_words(row.verdict, row.currency), VERDICT_STYLES.get(row.verdict.kind, "")),
            *channels,
        ]

    def row_key(self, row: PriceMatchRow) -> str:
        return row.stock_code

    def toggle_selected(self) -> bool | None:
        """Select the highlighted row, or unselect it; None with no row."""
        row = self.highlighted()
        if row is None:
            return None
        selected = row.stock_code not in self.selected
        (self.selected.add if selected else self.selected.discard)(row.stock_code)
        index = min(self.cursor_row, len(self.rows) - 1)
        # Only this line changes: format it again and drop its painted copy.
        self._lines[index] = line_of(self.COLUMNS, self.cells(row))
        self._segments.pop(index, None)
        self.refresh()
        return selected

    def clear_selection(self) -> None:
        self.selected.clear()
        if self.rows:
            self.show_rows(self.rows, keep=self.highlighted_key())
