"""The order list: quick filters with live counts, a text filter, advanced search, keyset pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input
from textual.worker import get_current_worker

from hubtui.widgets.commands import APP_COMMANDS, ORDERS_COMMANDS, QUICK_FILTER_LABELS, bindings
from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.domain.permissions import Permission, why_not
from hubtui.screens.list_screen import KeysetListScreen
from hubtui.services.views import Cursor, OrderDetail, OrderRow, Page
from hubtui.widgets.keyset_pager import PageRequest
from hubtui.widgets.orders_table import OrdersTable
from hubtui.widgets.quick_filter_bar import QuickFilterBar
from hubtui.widgets.safe_text import safe
from hubtui.widgets.status_line import StatusLine, counted
from hubtui.widgets.key_delivery import hold_keys

if TYPE_CHECKING:  # the services import the SQL stack, which a fast start loads after the first paint
    from hubtui.services.context import Context
    from hubtui.startup import Prefetch

PERIOD_CYCLE: tuple[Period | None, ...] = (
    None, Period.TODAY, Period.YESTERDAY, Period.LAST_7_DAYS, Period.LAST_30_DAYS, Period.THIS_MONTH,
    Period.LAST_MONTH, Period.THIS_YEAR,
)
SORT_LABELS = {SortKey.PLACED: "date", SortKey.TOTAL: "total", SortKey.STATUS: "status"}


def counts_key(query: OrderQuery) -> OrderQuery:
    """What the quick-filter counts depend on: every filter but the quick filter itself, and
    not the sort. Choosing another quick filter or sort keeps the counts on show."""
    return query.with_changes(quick_filter=QuickFilter.ALL, sort=SortKey.PLACED, descending=True)


def period_words(query: OrderQuery) -> str:
    """The period a query lists, in words ("last 7 days", "2026-09-15 to 2026-10-20"); "" for any time."""
    if query.period is not None and query.period is not Period.CUSTOM:
        return query.period.value.replace("-", " ")
    if query.date_from and query.date_to:
        return f"{query.date_from} to {query.date_to}"
    if query.date_from:
        return f"from {query.date_from}"
    if query.date_to:
        return f"until {query.date_to}"
    return ""


class OrdersScreen(KeysetListScreen[OrderRow]):
    AUTO_FOCUS = "#list-table"
    BINDINGS = bindings(ORDERS_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + ORDERS_COMMANDS
    HELP_TITLE = "Order list"
    TABLE = OrdersTable
    FILTER_PLACEHOLDER = "part of an order number, e-mail, name or post code — enter to go to the list"
    ROWS_NAME = "orders"

    list_query: reactive[OrderQuery] = reactive(OrderQuery, init=False)

    class QuickCountsLoaded(Message):
        """The quick-filter counts for `key` (counts_key of a query); None: they could not be read."""

        def __init__(self, key: OrderQuery, counts: dict[QuickFilter, int] | None) -> None:
            super().__init__()
            self.key = key
            self.counts = counts

    def __init__(self, context: Context | None, prefetch: Prefetch | None = None) -> None:
        super().__init__()
        self.context = context
        self.prefetch = prefetch  # the first page, read while Textual loaded (see hubtui.startup)
        self._waiting_for_context = False
        self.microsites: list[str] = []
        self.counts_shown: OrderQuery | None = None  # counts_key of the counts in the bar, None: unknown
        self._counting: OrderQuery | None = None  # counts_key of the count on its way

    @property
    def order_query(self) -> OrderQuery:
        return self.list_query

    @order_query.setter
    def order_query(self, query: OrderQuery) -> None:
        self.list_query = query

    # ------------------------------------------------------------------ layout

    def compose_bars(self) -> ComposeResult:
        yield QuickFilterBar(id="quick-filters")

    def on_mount(self) -> None:
        self._update_title()
        if self.context is None:
            if self.prefetch is not None and self.prefetch.page is not None:
                self.show_prefetch(self.prefetch)
            else:
                self.query_one(StatusLine).busy = True  # the start-up read is on its way
            return
        self.load_microsites()
        self.watch_list_query(self.order_query)  # the first query is the default: no change fires

    def show_prefetch(self, prefetch: Prefetch) -> None:
        """Show the page the start-up process read (see hubtui.startup)."""
        assert prefetch.page is not None
        self.prefetch = prefetch
        self._update_title()
        self.pager.total = prefetch.total
        if prefetch.counts and counts_key(self.order_query) == counts_key(OrderQuery()):  # what start-up counted
            self.query_one(QuickFilterBar).counts = {QuickFilter(k): n for k, n in prefetch.counts.items()}
            self.counts_shown = counts_key(self.order_query)
        self._page_loaded(self.PageLoaded(self.order_query, PageRequest(), prefetch.page))

    def context_ready(self, context: Context) -> None:
        """The app has its own store now: everything the screen does from here uses it."""
        self.context = context
        self.load_microsites()
        if self._waiting_for_context:
            self._waiting_for_context = False
            self.watch_list_query(self.order_query)
        else:
            self._want_quick_counts(self.order_query)  # a no-op when start-up counted them

    @property
    def _operator(self) -> tuple[str, str, str]:
        """(user name, role, organisation code), known before the context is."""
        if self.context is not None:
            operator = self.context.operator
            return operator.user_name, operator.role.value, operator.org_code
        if self.prefetch is None:
            return "", "agent", "hubtui"  # the first instants of a fast start
        return self.prefetch.user_name, self.prefetch.role, self.prefetch.org_code

    def _update_title(self) -> None:
        user, role, org = self._operator
        query = self.order_query
        self.title = org
        user = safe(user)
        where = " · ".join(part for part in (period_words(query), safe(query.microsite or "all microsites")) if part)
        if self.page is None:  # nothing listed yet
            self.sub_title = f"{where} · {user} ({role})"
        else:
            total = "… orders" if self.total is None else counted(self.total, "order")
            self.sub_title = f"{QUICK_FILTER_LABELS[query.quick_filter]} · {total} · {where} · {user}"

    # ------------------------------------------------------------------ the list's reads

    def ready(self) -> bool:
        if self.context is None:  # keys pressed in the first moments: answered once connected
            self._waiting_for_context = True
            return False
        return True

    def query_changed(self, query: OrderQuery) -> None:
        self.query_one(QuickFilterBar).active = query.quick_filter
        self._update_title()
        self._want_quick_counts(query)

    def read_page(self, query: OrderQuery, request: PageRequest[Cursor], limit: int) -> Page[OrderRow]:
        from hubtui.services.order_reads import list_orders

        return list_orders(self.context, query, after=request.after, before=request.before,
                           from_end=request.from_end, limit=limit)

    def count(self, query: OrderQuery) -> int:
        from hubtui.services.order_reads import count_orders

        return count_orders(self.context, query)

    def status_words(self, query: OrderQuery) -> str:
        direction = "↓" if query.descending else "↑"
        words = f"sort: {SORT_LABELS[query.sort]} {direction}"
        if period_words(query):
            words += f" · period: {period_words(query)}"
        return words

    def empty_words(self, query: OrderQuery) -> str:
        return f"No orders match: {query.describe()}."

    def shown(self) -> None:
        self._update_title()

    def _want_quick_counts(self, query: OrderQuery, *, again: bool = False) -> None:
        """Counts for the bar that follow `query`'s filters. Until they arrive the bar shows
        them as not known, never another query's numbers; `again`: read them anew even when
        the bar has them (refresh), keeping those on show meanwhile."""
        key = counts_key(query)
        if key != self.counts_shown:
            self.query_one(QuickFilterBar).counts = None
            self.counts_shown = None
        if self.context is None:
            return  # context_ready asks again
        if again or (key != self.counts_shown and key != self._counting):
            self._counting = key
            self.count_quick_filters(key)

    @work(thread=True, exclusive=True, group="quick-counts", exit_on_error=False,
          description="count the quick filters")
    def count_quick_filters(self, key: OrderQuery) -> None:
        """Off the key path: the page never waits for this, and a newer query's count cancels it."""
        from hubtui.services.order_reads import quick_filter_counts

        try:
            counts = quick_filter_counts(self.context, key)
        except Exception:
            self.post_message(self.QuickCountsLoaded(key, None))  # not on its way any more
            raise
        if not get_current_worker().is_cancelled:
            self.post_message(self.QuickCountsLoaded(key, counts))

    @work(thread=True, group="reference", exit_on_error=False, description="read the microsites")
    def load_microsites(self) -> None:
        from hubtui.services.reference import microsites

        codes = [choice.value for choice in microsites(self.context)]
        self.app.call_from_thread(setattr, self, "microsites", codes)

    def on_orders_screen_quick_counts_loaded(self, message: QuickCountsLoaded) -> None:
        if message.key == self._counting:
            self._counting = None
        if message.counts is not None and message.key == counts_key(self.order_query):
            self.query_one(QuickFilterBar).counts = message.counts
            self.counts_shown = message.key
            if self.total is None:  # the same number, often sooner (a broad text's count scans)
                total = message.counts[self.order_query.quick_filter]
                self._total_counted(self.TotalCounted(self.order_query, total))

    def action_refresh(self) -> None:
        """Read the page on screen, its total and the counts again; the cursor stays on its order."""
        super().action_refresh()
        if self.context is not None:
            self._want_quick_counts(self.order_query, again=True)

    # ------------------------------------------------------------------ filters, search, sort

    def action_quick_filter(self, value: str) -> None:
        self.order_query = self.order_query.with_changes(quick_filter=QuickFilter(value))

    def action_cycle_sort(self) -> None:
        order = list(SortKey)
        next_sort = order[(order.index(self.order_query.sort) + 1) % len(order)]
        self.order_query = self.order_query.with_changes(sort=next_sort, descending=next_sort != SortKey.STATUS)

    def action_reverse_sort(self) -> None:
        self.order_query = self.order_query.with_changes(descending=not self.order_query.descending)

    def action_cycle_period(self) -> None:
        current = self.order_query.period if self.order_query.period in PERIOD_CYCLE else None
        following = PERIOD_CYCLE[(PERIOD_CYCLE.index(current) + 1) % len(PERIOD_CYCLE)]
        self.order_query = self.order_query.with_changes(period=following, date_from=None, date_to=None)
        self.notify(f"Period: {following.value if following else 'any time'}", timeout=2)

    def action_cycle_microsite(self) -> None:
        choices: list[str | None] = [None, *self.microsites]
        current = self.order_query.microsite if self.order_query.microsite in choices else None
        following = choices[(choices.index(current) + 1) % len(choices)]
        self.order_query = self.order_query.with_changes(microsite=following)

    def action_clear_search(self) -> None:
        # The period chosen with D stays, as the microsite and the quick filter do: what an agent
        # clears is what they searched for, not the span of orders they work on.
        self.close_filter()
        period = self.order_query.period if self.order_query.period in PERIOD_CYCLE else None
        cleared = OrderQuery(quick_filter=self.order_query.quick_filter, microsite=self.order_query.microsite,
                             period=period, sort=self.order_query.sort, descending=self.order_query.descending)
        if cleared != self.order_query:
            self.order_query = cleared

    def action_advanced_search(self) -> None:
        from hubtui.screens.search_dialog import AdvancedSearchDialog

        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        def apply(query: OrderQuery | None) -> None:
            if query is not None:
                self.order_query = query

        self.app.push_screen(AdvancedSearchDialog(self.context, self.order_query), apply)

    # ------------------------------------------------------------------ orders

    def open_key(self, key: str) -> None:
        self.app.open_order(key)  # type: ignore[attr-defined]

    def action_open_order(self) -> None:
        self.action_open_row()

    def action_new_order(self) -> None:
        from hubtui.screens.new_order import NewOrderScreen

        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        self.app.push_screen(NewOrderScreen(self.context))

    def action_pay(self) -> None:
        """The payment dialog for the highlighted order, read in full first (the row lacks the balance due)."""
        number = self.table.highlighted_key()
        if number is None:
            self.notify("No order to pay: the list is empty.", timeout=3)
            return
        context = self.context
        if context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return

        def read() -> None:  # a failure is told by ReportsWorkerErrors; the list stays as it is
            from hubtui.services.order_reads import get_order

            detail = get_order(context, number)
            self.app.call_from_thread(open_dialog, detail)

        def open_dialog(detail: OrderDetail) -> None:
            from hubtui.screens.payment_dialog import take_payment

            # The list reads its page again when it is back on top (on_screen_resume).
            take_payment(self, context, detail)

        worker = self.run_worker(read, thread=True, exclusive=True, group="order-for-payment", exit_on_error=False,
                                 description=f"read {number} for its payment")
        hold_keys(self, until=worker)  # keys typed now are for the dialog

    async def action_export(self) -> None:
        from hubtui.screens.export_dialog import ExportDialog

        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        await self.app.push_screen(ExportDialog(self.context, self.order_query))

    async def action_import_file(self) -> None:
        from hubtui.screens.import_screen import ImportScreen

        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        await self.app.push_screen(ImportScreen(self.context))

    async def action_returns(self) -> None:
        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        await self.app.run_action("view_returns")

    async def action_price_match(self) -> None:
        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        await self.app.run_action("view_price_match")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what the operator's role may not do."""
        if action in ("new_order", "pay", "advanced_search", "returns", "export", "import_file", "price_match") and \
                isinstance(self.focused, Input):
            return False  # these keys run first (priority): in the filter box they are letters to type
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        """Why the role may not do `action` (said when its greyed key is pressed)."""
        needs = {"new_order": Permission.create_order, "pay": Permission.record_payment,
                 "export": Permission.export_data, "import_file": Permission.import_data}.get(action)
        return None if needs is None else why_not(self._operator[1], needs)
