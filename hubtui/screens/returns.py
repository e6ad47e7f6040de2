"""The returns list: RMAs newest first, quick filters with live counts, a text filter, keyset
pages (the order list's table and paging, KeysetListScreen), and the warehouse's receive prompt."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input
from textual.worker import get_current_worker

from hubtui.domain.permissions import Permission, why_not
from hubtui.domain.returns import ReturnAction, ReturnsFilter
from hubtui.domain.returns_query import ReturnsQuery
from hubtui.screens.list_screen import KeysetListScreen
from hubtui.services.return_views import ReturnRow
from hubtui.widgets.commands import (
    APP_COMMANDS,
    RETURNS_COMMANDS,
    RETURNS_FILTER_KEYS,
    RETURNS_FILTER_LABELS,
    bindings,
)
from hubtui.widgets.quick_filter_bar import QuickFilterBar
from hubtui.widgets.returns_table import ReturnsTable
from hubtui.widgets.safe_text import safe
from hubtui.widgets.status_line import counted

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.widgets.keyset_pager import PageRequest

ACTION_CYCLE: tuple[str | None, ...] = (None, *(a.value for a in ReturnAction))
ANY_STATUS = "any status"
PERIOD_DAYS: tuple[int | None, ...] = (None, 0, 7, 30)  # any time, today, last 7 days, last 30 days


class ReturnsScreen(KeysetListScreen[ReturnRow]):
    AUTO_FOCUS = "#list-table"
    BINDINGS = bindings(RETURNS_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + RETURNS_COMMANDS
    HELP_TITLE = "Returns"
    TABLE = ReturnsTable
    FILTER_PLACEHOLDER = "an RMA or order number, or part of an e-mail or name — enter to go to the list"
    ROWS_NAME = "returns"

    list_query: reactive[ReturnsQuery] = reactive(ReturnsQuery, init=False)

    class CountsLoaded(Message):
        def __init__(self, key: ReturnsQuery, counts: dict[ReturnsFilter, int]) -> None:
            super().__init__()
            self.key = key
            self.counts = counts

    def __init__(self, context: Context, query: ReturnsQuery | None = None) -> None:
        super().__init__()
        self.context = context
        self.start_query = query or ReturnsQuery()
        self.period_days: int | None = None

    def compose_bars(self) -> ComposeResult:
        yield QuickFilterBar(id="quick-filters", filters=tuple(ReturnsFilter), keys=RETURNS_FILTER_KEYS,
                             names=RETURNS_FILTER_LABELS)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ReturnsTable).now = self.context.now()  # ages by the session's clock
        self.set_reactive(ReturnsScreen.list_query, self.start_query)
        self.query_one(QuickFilterBar).active = self.start_query.quick_filter
        self._update_title()
        self.watch_list_query(self.list_query)

    def _update_title(self) -> None:
        query = self.list_query
        operator = self.context.operator
        self.title = f"{operator.org_code} returns"
        total = "…" if self.total is None else counted(self.total, "return")
        parts = [RETURNS_FILTER_LABELS[query.quick_filter], total]
        if query.status:
            parts.append(f"status {query.status}")
        if query.action:
            parts.append(f"action {query.action}")
        if self.period_days is not None:
            parts.append("today" if self.period_days == 0 else f"last {self.period_days} days")
        parts.append(f"{safe(operator.user_name)} ({operator.role})")
        self.sub_title = " · ".join(parts)

    # ------------------------------------------------------------------ reads

    def read_page(self, query: ReturnsQuery, request: PageRequest, limit: int):  # type: ignore[no-untyped-def]
        from hubtui.services.return_reads import list_returns

        return list_returns(self.context, query, after=request.after, before=request.before,
                            from_end=request.from_end, limit=limit)

    def count(self, query: ReturnsQuery) -> int:
        from hubtui.services.return_reads import count_returns

        return count_returns(self.context, query)

    def query_changed(self, query: ReturnsQuery) -> None:
        self.query_one(QuickFilterBar).active = query.quick_filter
        self._update_title()
        self.count_filters(query.with_changes(quick_filter=ReturnsFilter.ALL))

    def empty_words(self, query: ReturnsQuery) -> str:
        return f"No returns match: {query.describe()}."

    def shown(self) -> None:
        self._update_title()

    @work(thread=True, exclusive=True, group="returns-counts", exit_on_error=False, description="count the returns")
    def count_filters(self, key: ReturnsQuery) -> None:
        from hubtui.services.return_reads import returns_filter_counts

        counts = returns_filter_counts(self.context, key)
        if not get_current_worker().is_cancelled:
            self.post_message(self.CountsLoaded(key, counts))

    def on_returns_screen_counts_loaded(self, message: CountsLoaded) -> None:
        if message.key == self.list_query.with_changes(quick_filter=ReturnsFilter.ALL):
            self.query_one(QuickFilterBar).counts = message.counts

    def action_refresh(self) -> None:
        super().action_refresh()
        self.count_filters(self.list_query.with_changes(quick_filter=ReturnsFilter.ALL))

    # ------------------------------------------------------------------ filters

    def action_quick_filter(self, value: str) -> None:
        self.list_query = self.list_query.with_changes(quick_filter=ReturnsFilter(value))

    def action_cycle_action(self) -> None:
        current = self.list_query.action if self.list_query.action in ACTION_CYCLE else None
        following = ACTION_CYCLE[(ACTION_CYCLE.index(current) + 1) % len(ACTION_CYCLE)]
        self.list_query = self.list_query.with_changes(action=following)
        self.notify(f"Action: {following or 'any'}", timeout=2)

    async def action_pick_status(self) -> None:
        from hubtui.domain.returns import RmaStatus
        from hubtui.screens.dialogs import PickDialog

        def chosen(status: str | None) -> None:
            if status is not None:
                self.list_query = self.list_query.with_changes(status=None if status == ANY_STATUS else status,
                                                               quick_filter=ReturnsFilter.ALL)

        await self.app.push_screen(PickDialog("Returns in status", [ANY_STATUS, *(s.value for s in RmaStatus)]),
                                   chosen)

    def action_cycle_period(self) -> None:
        following = PERIOD_DAYS[(PERIOD_DAYS.index(self.period_days) + 1) % len(PERIOD_DAYS)]
        self.period_days = following
        start = None if following is None else self.context.today() - timedelta(days=max(0, following - 1))
        self.list_query = self.list_query.with_changes(date_from=start)

    def action_back(self) -> None:
        if self.query_one("#filter-text", Input).display or self.list_query.text:
            self.close_filter()
            if self.list_query.text:
                self.list_query = self.list_query.with_changes(text=None)
            return
        self.app.pop_screen()

    # ------------------------------------------------------------------ rows

    def open_key(self, key: str) -> None:
        self.app.open_return(key)  # type: ignore[attr-defined]

    async def action_receive(self) -> None:
        from hubtui.screens.receive_dialog import ReceiveDialog

        # Awaited: the scanner's characters typed behind `:` are for the prompt.
        await self.app.push_screen(ReceiveDialog(self.context))

    async def action_new_return(self) -> None:
        from hubtui.screens.dialogs import JumpDialog

        def chosen(text: str | None) -> None:
            if text:
                self.app.raise_return(text)  # type: ignore[attr-defined]

        await self.app.push_screen(JumpDialog("New return for order", "BT0001234, 1234 or the customer's e-mail"),
                                   chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_return", "receive", "cycle_action", "pick_status") and isinstance(self.focused, Input):
            return False
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        needs = {"new_return": Permission.raise_return, "receive": Permission.receive_return}.get(action)
        return None if needs is None else why_not(self.context.operator.role, needs)
