"""The Price Match screen (SPEC 5): a product per row with its channel prices, the spread and the
verdict of its first matching rule. Quick filters by verdict with counts, brand, category and
channel filters, a "/" text filter, keyset pages (KeysetListScreen, as the order list), a sort
by spread; enter shows a product's price history, `e` enters a channel price, `a` applies the
suggestion of the selected rows (space) or the highlighted one after a confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input
from textual.worker import get_current_worker

from hubtui.domain.permissions import Permission, why_not
from hubtui.domain.price_match import COMPARED_CHANNELS
from hubtui.screens.list_screen import KeysetListScreen
from hubtui.services.price_match_views import PriceMatchCounts, PriceMatchRow
from hubtui.widgets.commands import (
    APP_COMMANDS,
    PRICE_MATCH_COMMANDS,
    PRICE_MATCH_FILTER_KEYS,
    PRICE_MATCH_FILTER_LABELS,
    PriceMatchFilter,
    bindings,
)
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.price_match_table import CHANNEL_NAMES, PriceMatchTable
from hubtui.widgets.quick_filter_bar import QuickFilterBar
from hubtui.widgets.safe_text import safe
from hubtui.widgets.status_line import counted

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.services.price_match_views import PriceChange
    from hubtui.widgets.keyset_pager import PageRequest

ANY = "any"
SORT_WORDS = {"stock_code": "stock code", "spread": "spread"}


@dataclass(frozen=True)
class PriceMatchListQuery:
    """What the screen lists: the service's PriceMatchQuery plus the quick filter "all"."""

    quick: PriceMatchFilter = PriceMatchFilter.all
    brand: str = ""
    category: str = ""
    channel: str = ""
    text: str | None = None
    sort: str = "stock_code"

    def with_changes(self, **fields: Any) -> PriceMatchListQuery:
        return replace(self, **fields)

    def counts_key(self) -> PriceMatchListQuery:
        """What the verdict counts depend on: every filter but the verdict, and not the sort."""
        return replace(self, quick=PriceMatchFilter.all, sort="stock_code")

    def service_query(self) -> Any:
        from hubtui.domain.price_match import PriceMatchQuery, VerdictKind

        verdict = None if self.quick is PriceMatchFilter.all else VerdictKind(self.quick.value)
        return PriceMatchQuery(verdict=verdict, brand=self.brand, category=self.category, channel=self.channel,
                               text=self.text or "", sort=self.sort)  # type: ignore[arg-type]

    def describe(self) -> str:
        parts = [PRICE_MATCH_FILTER_LABELS[self.quick].lower()]
        parts += [f"{name} {value}" for name, value in (("brand", self.brand), ("category", self.category),
                                                         ("channel", self.channel)) if value]
        if self.text:
            parts.append(f"text {self.text!r}")
        return ", ".join(parts)


def bar_counts(counts: PriceMatchCounts) -> dict[PriceMatchFilter, int]:
    shown = {PriceMatchFilter.all: counts.all}
    for kind, n in counts.by_verdict.items():
        shown[PriceMatchFilter(getattr(kind, "value", kind))] = n
    return shown


class PriceMatchScreen(KeysetListScreen[PriceMatchRow]):
    AUTO_FOCUS = "#list-table"
    BINDINGS = bindings(PRICE_MATCH_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + PRICE_MATCH_COMMANDS
    HELP_TITLE = "Price match"
    TABLE = PriceMatchTable
    FILTER_PLACEHOLDER = "part of a stock code or product name — enter to go to the list"
    ROWS_NAME = "products"

    list_query: reactive[PriceMatchListQuery] = reactive(PriceMatchListQuery, init=False)

    class CountsLoaded(Message):
        def __init__(self, key: PriceMatchListQuery, counts: PriceMatchCounts) -> None:
            super().__init__()
            self.key = key
            self.counts = counts

    def __init__(self, context: Context, query: PriceMatchListQuery | None = None) -> None:
        super().__init__()
        self.context = context
        self.start_query = query or PriceMatchListQuery()
        self._counts: tuple[PriceMatchListQuery, PriceMatchCounts] | None = None

    def compose_bars(self) -> ComposeResult:
        yield QuickFilterBar(id="quick-filters", filters=tuple(PriceMatchFilter), keys=PRICE_MATCH_FILTER_KEYS,
                             names=PRICE_MATCH_FILTER_LABELS)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(PriceMatchTable).now = self.context.now()  # ages by the session's clock
        self.set_reactive(PriceMatchScreen.list_query, self.start_query)
        self.query_one(QuickFilterBar).active = self.start_query.quick
        self._update_title()
        self.watch_list_query(self.list_query)

    @property
    def price_table(self) -> PriceMatchTable:
        return self.query_one(PriceMatchTable)

    def _update_title(self) -> None:
        query = self.list_query
        operator = self.context.operator
        self.title = f"{operator.org_code} price match"
        total = "…" if self.total is None else counted(self.total, "product")
        parts = [PRICE_MATCH_FILTER_LABELS[query.quick], total]
        parts += [safe(value) for value in (query.brand, query.category) if value]
        if query.channel:
            parts.append(f"on {CHANNEL_NAMES.get(query.channel, query.channel)}")
        parts.append(f"{safe(operator.user_name)} ({operator.role})")
        self.sub_title = " · ".join(parts)

    # ------------------------------------------------------------------ reads

    def read_page(self, query: PriceMatchListQuery, request: PageRequest, limit: int):  # type: ignore[no-untyped-def]
        from hubtui.services.price_match import price_match_page

        if request.before is not None:
            return price_match_page(self.context, query.service_query(), request.before, before=True, limit=limit)
        return price_match_page(self.context, query.service_query(), request.after, limit=limit,
                                from_end=request.from_end)

    def count(self, query: PriceMatchListQuery) -> int:
        """The rows of `query`, from the verdict counts of its other filters: one evaluation
        gives the bar and the total (the page itself never waits for it)."""
        from hubtui.services.price_match import price_match_counts

        key = query.counts_key()
        known = self._counts
        if known is not None and known[0] == key:
            counts = known[1]
        else:
            counts = price_match_counts(self.context, key.service_query())
            if not get_current_worker().is_cancelled:
                self.post_message(self.CountsLoaded(key, counts))
        if query.quick is PriceMatchFilter.all:
            return counts.all
        return bar_counts(counts).get(query.quick, 0)

    def on_price_match_screen_counts_loaded(self, message: CountsLoaded) -> None:
        self._counts = (message.key, message.counts)
        if message.key == self.list_query.counts_key():
            self.query_one(QuickFilterBar).counts = bar_counts(message.counts)

    def query_changed(self, query: PriceMatchListQuery) -> None:
        bar = self.query_one(QuickFilterBar)
        bar.active = query.quick
        if self._counts is None or self._counts[0] != query.counts_key():
            bar.counts = None  # not known yet: never another query's numbers
        self._update_title()

    def status_words(self, query: PriceMatchListQuery) -> str:
        words = f"sort: {SORT_WORDS.get(query.sort, query.sort)}"
        selected = len(self.price_table.selected)
        if selected:
            words += f" · {selected} selected"
        return words

    def empty_words(self, query: PriceMatchListQuery) -> str:
        return f"No products match: {query.describe()}."

    def shown(self) -> None:
        self._update_title()

    def action_refresh(self) -> None:
        """Read the page, the total and the counts again (rules or prices may have changed)."""
        self._counts = None
        super().action_refresh()

    # ------------------------------------------------------------------ filters

    def action_quick_filter(self, value: str) -> None:
        self.list_query = self.list_query.with_changes(quick=PriceMatchFilter(value))

    def action_cycle_sort(self) -> None:
        following = "spread" if self.list_query.sort == "stock_code" else "stock_code"
        self.list_query = self.list_query.with_changes(sort=following)

    def action_pick_brand(self) -> None:
        self._pick("brand", "Products of brand")

    def action_pick_category(self) -> None:
        self._pick("category", "Products in category")

    async def action_pick_channel(self) -> None:
        from hubtui.screens.dialogs import PickDialog

        names = {CHANNEL_NAMES[c]: c for c in COMPARED_CHANNELS}

        def chosen(name: str | None) -> None:
            if name is not None:
                self.list_query = self.list_query.with_changes(channel=names.get(name, ""))

        await self.app.push_screen(PickDialog("Products with a price on", [ANY, *names]), chosen)

    def _pick(self, field: str, title: str) -> None:
        context = self.context

        def read() -> None:
            from hubtui.services.price_match import brands, categories

            values = (brands if field == "brand" else categories)(context)
            self.app.call_from_thread(show, list(values))

        def show(values: list[str]) -> None:
            from hubtui.screens.dialogs import PickDialog

            def chosen(value: str | None) -> None:
                if value is not None:
                    self.list_query = self.list_query.with_changes(**{field: "" if value == ANY else value})

            self.app.push_screen(PickDialog(title, [ANY, *values]), chosen)

        worker = self.run_worker(read, thread=True, exclusive=True, group="price-match-pick", exit_on_error=False,
                                 description=f"read the {'brands' if field == 'brand' else 'categories'}")
        hold_keys(self, until=worker)  # the keys typed behind b or c are for the list of choices

    def action_back(self) -> None:
        if self.query_one("#filter-text", Input).display or self.list_query.text:
            self.close_filter()
            if self.list_query.text:
                self.list_query = self.list_query.with_changes(text=None)
            return
        self.app.pop_screen()

    # ------------------------------------------------------------------ rows

    def open_key(self, key: str) -> None:
        """The product's price history per channel."""
        context = self.context

        def read() -> None:
            from hubtui.services.price_match import price_history

            history = price_history(context, key)
            self.app.call_from_thread(show, history)

        def show(history: Any) -> None:
            from hubtui.screens.price_history import PriceHistoryDialog

            self.app.push_screen(PriceHistoryDialog(history, now=context.now()))

        worker = self.run_worker(read, thread=True, exclusive=True, group="price-history", exit_on_error=False,
                                 description=f"read the price history of {key}")
        hold_keys(self, until=worker)

    def action_toggle_select(self) -> None:
        if self.price_table.toggle_selected() is not None:
            self.update_status()

    async def action_enter_price(self) -> None:
        from hubtui.screens.channel_price_dialog import ChannelPriceDialog

        row = self.price_table.highlighted()
        if row is None:
            self.notify("No product here: the list is empty.", timeout=3)
            return
        # The list reads its page again when it is back on top (on_screen_resume).
        await self.app.push_screen(ChannelPriceDialog(self.context, row))

    def action_apply(self) -> None:
        """Preview the suggestions of the selected rows (or the highlighted one), then confirm."""
        table = self.price_table
        codes = sorted(table.selected) or ([table.highlighted_key()] if table.highlighted_key() else [])
        if not codes:
            self.notify("No product here: the list is empty.", timeout=3)
            return
        row = table.highlighted()
        currency = row.currency if row is not None else ""
        context = self.context

        def read() -> None:
            from hubtui.services.price_match import suggestions_among

            # A selection may hold products without a suggestion (chosen on another verdict's
            # page): those are left as they are and counted in the confirmation.
            self.app.call_from_thread(confirm, *suggestions_among(context, codes))

        def confirm(changes: tuple[PriceChange, ...], refused: tuple[str, ...]) -> None:
            from hubtui.screens.apply_dialog import ApplyDialog

            if not changes:
                why = refused[0] if len(refused) == 1 else f"none of the {len(codes)} selected has a suggested price."
                self.notify(f"Nothing to apply: {why}", title="Not applied", severity="warning", timeout=5)
                return
            self.app.push_screen(ApplyDialog(changes, currency, without=len(refused)),
                                 lambda yes: self._apply(changes) if yes else None)

        worker = self.run_worker(read, thread=True, exclusive=True, group="price-suggestions", exit_on_error=False,
                                 description="work out the suggested prices")
        hold_keys(self, until=worker)  # ctrl+s typed behind `a` confirms what it shows

    @work(thread=True, exclusive=True, group="price-apply", exit_on_error=False, description="apply the prices")
    def _apply(self, changes: tuple[PriceChange, ...]) -> None:
        from hubtui.services.price_match import apply_suggestions

        applied = apply_suggestions(self.context, changes)
        self.app.call_from_thread(self._applied, applied)

    def worker_failed(self, worker: Any, error: BaseException) -> None:
        super().worker_failed(worker, error)
        if worker.group == "price-apply":
            self.action_refresh()  # nothing was written: show the prices as they are now

    def _applied(self, applied: tuple[PriceChange, ...]) -> None:
        self.price_table.selected.clear()
        self.notify(f"New website price for {counted(len(applied), 'product')}.", title="Applied", timeout=4)
        self.action_refresh()

    async def action_rules(self) -> None:
        await self.app.run_action("view_price_rules")

    # ------------------------------------------------------------------ what may be done now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("apply", "enter_price", "rules", "pick_brand", "pick_category", "pick_channel") and \
                isinstance(self.focused, Input):
            return False  # these keys run first (priority): in the filter box they are letters to type
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        needs = {"apply": Permission.set_prices, "enter_price": Permission.set_prices}.get(action)
        return None if needs is None else why_not(self.context.operator.role, needs)


__all__ = ["PriceMatchListQuery", "PriceMatchScreen"]
