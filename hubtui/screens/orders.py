"""The order list: quick filters with live counts, a text filter, advanced search, keyset pages."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input
from textual.worker import get_current_worker

from hubtui.commands import APP_COMMANDS, ORDERS_COMMANDS, QUICK_FILTER_LABELS, bindings
from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.domain.permissions import Permission, why_not
from hubtui.services.views import Cursor, OrderDetail, OrderRow, Page
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.orders_table import OrdersTable
from hubtui.widgets.quick_filter_bar import QuickFilterBar
from hubtui.widgets.safe_text import SafeInput, safe
from hubtui.widgets.status_line import StatusLine, counted
from hubtui.widgets.type_ahead import hold_keys_while

if TYPE_CHECKING:  # the services import the SQL stack, which a fast start loads after the first paint
    from hubtui.services.context import Context
    from hubtui.startup import Prefetch

PAGE_SIZE = 50
PERIOD_CYCLE: tuple[Period | None, ...] = (
    None, Period.TODAY, Period.YESTERDAY, Period.LAST_7_DAYS, Period.LAST_30_DAYS, Period.THIS_MONTH,
    Period.LAST_MONTH, Period.THIS_YEAR,
)
SORT_LABELS = {SortKey.PLACED: "date", SortKey.TOTAL: "total", SortKey.STATUS: "status"}
TEXT_DEBOUNCE_SECONDS = 0.25


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


@dataclass(frozen=True)
class PageRequest:
    """Which page to read: the first, the one after/before a cursor, or the last."""

    after: Cursor | None = None
    before: Cursor | None = None
    from_end: bool = False
    keep: str | None = None  # order number to keep the cursor on
    again: bool = False  # the page on screen, read again (refresh)


class OrdersScreen(Screen[None]):
    AUTO_FOCUS = "OrdersTable"
    BINDINGS = bindings(ORDERS_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + ORDERS_COMMANDS
    HELP_TITLE = "Order list"

    order_query: reactive[OrderQuery] = reactive(OrderQuery, init=False)

    class PageLoaded(Message):
        def __init__(self, query: OrderQuery, request: PageRequest, page: Page[OrderRow]) -> None:
            super().__init__()
            self.query = query
            self.request = request
            self.page = page

    class TotalCounted(Message):
        def __init__(self, query: OrderQuery, total: int) -> None:
            super().__init__()
            self.query = query
            self.total = total

    class QuickCountsLoaded(Message):
        """The quick-filter counts for `key` (counts_key of a query); None: they could not be read."""

        def __init__(self, key: OrderQuery, counts: dict[QuickFilter, int] | None) -> None:
            super().__init__()
            self.key = key
            self.counts = counts

    class LoadFailed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, context: Context | None, prefetch: Prefetch | None = None) -> None:
        super().__init__()
        self.context = context
        self.prefetch = prefetch  # the first page, read while Textual loaded (see hubtui.startup)
        self._waiting_for_context = False
        self.page: Page[OrderRow] | None = None
        self.rows_before = 0  # rows before the current page, for "51–100 of …"
        self.pages_painted = 0  # pages on screen so far: tests and bench/ wait on it
        self.page_request = PageRequest()  # what brought the page on screen, to read it again
        self.total: int | None = None
        self.microsites: list[str] = []
        self._text_timer: Timer | None = None
        self.counts_shown: OrderQuery | None = None  # counts_key of the counts in the bar, None: unknown
        self._counting: OrderQuery | None = None  # counts_key of the count on its way

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield QuickFilterBar(id="quick-filters")
        yield SafeInput(placeholder="part of an order number, e-mail, name or post code — enter to go to the list",
                    id="filter-text")
        yield OrdersTable(id="orders")
        yield StatusLine(id="list-status")
        yield HubFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-text", Input).display = False
        self._update_title()
        if self.context is None:
            if self.prefetch is not None and self.prefetch.page is not None:
                self.show_prefetch(self.prefetch)
            else:
                self.query_one(StatusLine).busy = True  # the start-up read is on its way
            return
        self.load_microsites()
        self.watch_order_query(self.order_query)  # the first query is the default: no change fires

    def show_prefetch(self, prefetch: Prefetch) -> None:
        """Show the page the start-up process read (see hubtui.startup)."""
        assert prefetch.page is not None
        self.prefetch = prefetch
        self._update_title()
        self.total = prefetch.total
        if prefetch.counts and counts_key(self.order_query) == counts_key(OrderQuery()):  # what start-up counted
            self.query_one(QuickFilterBar).counts = {QuickFilter(k): n for k, n in prefetch.counts.items()}
            self.counts_shown = counts_key(self.order_query)
        self.on_orders_screen_page_loaded(self.PageLoaded(self.order_query, PageRequest(), prefetch.page))

    def context_ready(self, context: Context) -> None:
        """The app has its own store now: everything the screen does from here uses it."""
        self.context = context
        self.load_microsites()
        if self._waiting_for_context:
            self._waiting_for_context = False
            self.watch_order_query(self.order_query)
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

    # ------------------------------------------------------------------ loading

    def watch_order_query(self, query: OrderQuery) -> None:
        self.query_one(QuickFilterBar).active = query.quick_filter
        self.total = None
        self._update_title()
        self._want_quick_counts(query)
        if self.context is None:  # keys pressed in the first moments: answered once connected
            self._waiting_for_context = True
            return
        self.rows_before = 0
        self._request(PageRequest())
        self.count_total(query)

    def _request(self, request: PageRequest) -> None:
        if self.context is None:
            self._waiting_for_context = True
            return
        status = self.query_one(StatusLine)
        status.busy = True
        self.load_page(self.order_query, request)
        if not isinstance(self.focused, Input):
            # "5 j j p": the j's and the p are for the page the 5 asks for, not the one on screen.
            # Not while typing a filter: each letter would wait for the answer to the last.
            hold_keys_while(self, lambda: status.busy and self.is_current)

    @work(thread=True, exclusive=True, group="orders-page")
    def load_page(self, query: OrderQuery, request: PageRequest) -> None:
        from hubtui.services.order_reads import list_orders

        try:
            page = list_orders(self.context, query, after=request.after, before=request.before,
                               from_end=request.from_end, limit=PAGE_SIZE)
        except Exception as error:  # shown to the operator; the list stays as it was
            self.post_message(self.LoadFailed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(query, request, page))

    @work(thread=True, exclusive=True, group="orders-count")
    def count_total(self, query: OrderQuery) -> None:
        from hubtui.services.order_reads import count_orders

        try:
            total = count_orders(self.context, query)
        except Exception as error:
            self.post_message(self.LoadFailed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.TotalCounted(query, total))

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

    @work(thread=True, exclusive=True, group="quick-counts")
    def count_quick_filters(self, key: OrderQuery) -> None:
        """Off the key path: the page never waits for this, and a newer query's count cancels it."""
        from hubtui.services.order_reads import quick_filter_counts

        try:
            counts = quick_filter_counts(self.context, key)
        except Exception as error:
            self.post_message(self.QuickCountsLoaded(key, None))
            self.post_message(self.LoadFailed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.QuickCountsLoaded(key, counts))

    @work(thread=True, group="reference")
    def load_microsites(self) -> None:
        from hubtui.services.reference import microsites

        codes = [choice.value for choice in microsites(self.context)]
        self.app.call_from_thread(setattr, self, "microsites", codes)

    def on_orders_screen_page_loaded(self, message: PageLoaded) -> None:
        if message.query != self.order_query:
            return  # an answer to a question nobody is asking any more
        self.query_one(StatusLine).busy = False
        request, page = message.request, message.page
        if request.again:
            pass  # the same page read again: nothing moved
        elif request.from_end and self.total is not None:
            self.rows_before = max(0, self.total - len(page.rows))
        elif request.after is not None and self.page is not None:
            self.rows_before += len(self.page.rows)
        elif request.before is not None:
            self.rows_before = max(0, self.rows_before - len(page.rows))
        elif request.after is None and request.before is None and not request.from_end:
            self.rows_before = 0
        if not page.rows and (request.after is not None or request.before is not None) and not request.again:
            return  # nothing further that way: stay on the page we have
        self.page = page
        self.page_request = replace(request, keep=None, again=False)
        self.query_one(OrdersTable).show_rows(
            page.rows, cursor_at_end=request.before is not None or request.from_end, keep=request.keep
        )
        self._update_status()
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.pages_painted += 1
        report = os.environ.get("HUBTUI_FIRST_PAINT_REPORT")
        if self.pages_painted == 1 and report:  # bench/bench_tui.py times a real start this way
            with open(report, "w") as handle:
                handle.write(repr(time.time()))
            self.app.exit()

    def on_orders_screen_total_counted(self, message: TotalCounted) -> None:
        if message.query != self.order_query:
            return
        self.total = message.total
        if self.page is not None and not self.page.has_after and self.page.rows:
            self.rows_before = max(0, self.total - len(self.page.rows))
        self._update_status()

    def on_orders_screen_quick_counts_loaded(self, message: QuickCountsLoaded) -> None:
        if message.key == self._counting:
            self._counting = None
        if message.counts is not None and message.key == counts_key(self.order_query):
            self.query_one(QuickFilterBar).counts = message.counts
            self.counts_shown = message.key
            if self.total is None:  # the same number, often sooner (a broad text's count scans)
                total = message.counts[self.order_query.quick_filter]
                self.on_orders_screen_total_counted(self.TotalCounted(self.order_query, total))

    def on_orders_screen_load_failed(self, message: LoadFailed) -> None:
        self.query_one(StatusLine).busy = False
        from hubtui.services.faults import one_line

        self.notify(one_line(message.error), title="Could not read the orders", severity="error")

    def _update_status(self) -> None:
        status = self.query_one("#list-status", StatusLine)
        query = self.order_query
        if self.page is None:
            status.update("")
            return
        rows = len(self.page.rows)
        total = "…" if self.total is None else f"{self.total:,}"
        direction = "↓" if query.descending else "↑"
        where = f"sort: {SORT_LABELS[query.sort]} {direction}"
        if period_words(query):
            where += f" · period: {period_words(query)}"
        if rows == 0:
            status.update(f"No orders match: {query.describe()}.")
        else:
            status.update(f"{self.rows_before + 1:,}–{self.rows_before + rows:,} of {total} · {where}")
        self._update_title()

    # ------------------------------------------------------------------ paging

    @on(OrdersTable.EdgeReached)
    def _edge(self, message: OrdersTable.EdgeReached) -> None:
        if message.forward:
            self.action_next_page()
        else:
            self.action_previous_page()

    def action_next_page(self) -> None:
        if self.page is not None and self.page.has_after and self.page.last is not None:
            self._request(PageRequest(after=self.page.last))

    def action_previous_page(self) -> None:
        if self.page is not None and self.page.has_before and self.page.first is not None:
            self._request(PageRequest(before=self.page.first))

    def action_first_page(self) -> None:
        self._request(PageRequest())

    def action_last_page(self) -> None:
        self._request(PageRequest(from_end=True))

    def action_cursor_down(self) -> None:
        self.query_one(OrdersTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OrdersTable).action_cursor_up()

    def action_refresh(self) -> None:
        """Read the page on screen, its total and the counts again; the cursor stays on its order."""
        keep = self.query_one(OrdersTable).highlighted_number()
        self._request(replace(self.page_request, keep=keep, again=True))
        if self.context is None:
            return
        self.count_total(self.order_query)
        self._want_quick_counts(self.order_query, again=True)

    def on_screen_resume(self) -> None:
        # Back from an order or a dialog: what was done there shows in the list at once.
        if self.page is not None:
            self.action_refresh()

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

    def action_focus_filter(self) -> None:
        field = self.query_one("#filter-text", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter-text")
    def _text_changed(self, event: Input.Changed) -> None:
        # Wait for a pause in typing; each keystroke restarts the wait, and the exclusive
        # worker drops any search still running.
        if self._text_timer is not None:
            self._text_timer.stop()
        text = event.value.strip() or None
        self._text_timer = self.set_timer(TEXT_DEBOUNCE_SECONDS, lambda: self._apply_text(text))

    def _apply_text(self, text: str | None) -> None:
        if text != self.order_query.text:
            self.order_query = self.order_query.with_changes(text=text)

    @on(Input.Submitted, "#filter-text")
    def _text_submitted(self, event: Input.Submitted) -> None:
        if self._text_timer is not None:
            self._text_timer.stop()
        self._apply_text(event.value.strip() or None)
        self.query_one(OrdersTable).focus()

    def action_clear_search(self) -> None:
        field = self.query_one("#filter-text", Input)
        field.value = ""
        field.display = False
        self.query_one(OrdersTable).focus()
        cleared = OrderQuery(quick_filter=self.order_query.quick_filter, microsite=self.order_query.microsite,
                             sort=self.order_query.sort, descending=self.order_query.descending)
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

    @on(OrdersTable.Chosen)
    def _row_chosen(self, event: OrdersTable.Chosen) -> None:
        self.app.open_order(event.number)  # type: ignore[attr-defined]

    def action_open_order(self) -> None:
        number = self.query_one(OrdersTable).highlighted_number()
        if number is not None:
            self.app.open_order(number)  # type: ignore[attr-defined]

    def action_new_order(self) -> None:
        from hubtui.screens.new_order import NewOrderScreen

        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        self.app.push_screen(NewOrderScreen(self.context))

    def action_pay(self) -> None:
        """The payment dialog for the highlighted order, read in full first (the row lacks the balance due)."""
        number = self.query_one(OrdersTable).highlighted_number()
        if number is None:
            return
        context = self.context
        if context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return

        def read() -> None:
            from hubtui.services.order_reads import get_order

            try:
                detail = get_order(context, number)
            except Exception as error:  # e.g. the database is busy: say so; the list stays as it is
                from hubtui.services.faults import one_line

                self.app.call_from_thread(self.notify, one_line(error), title=f"Could not read {number}",
                                          severity="error")
                return
            self.app.call_from_thread(open_dialog, detail)

        def open_dialog(detail: OrderDetail) -> None:
            from hubtui.domain.payments import payment_refusal
            from hubtui.screens.payment_dialog import PaymentDialog, recorded_message

            refusal = payment_refusal(detail.number, detail.status, detail.balance_due, detail.currency)
            if refusal is not None:
                self.notify(refusal, title="No payment", severity="warning")
                return

            def saved(result: OrderDetail | None) -> None:
                # The list reads its page again when it is back on top (on_screen_resume), so the row
                # shows the new status without more work here.
                if result is not None:
                    self.notify(recorded_message(result), timeout=4)

            self.app.push_screen(PaymentDialog(context, detail), saved)

        worker = self.run_worker(read, thread=True, exclusive=True, group="order-for-payment")
        hold_keys_while(self, lambda: not worker.is_finished)  # keys typed now are for the dialog

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what the operator's role may not do."""
        if action in ("new_order", "pay", "advanced_search") and isinstance(self.focused, Input):
            return False  # these keys run first (priority): in the filter box they are letters to type
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        """Why the role may not do `action` (said when its greyed key is pressed)."""
        needs = {"new_order": Permission.create_order, "pay": Permission.record_payment}.get(action)
        return None if needs is None else why_not(self._operator[1], needs)
