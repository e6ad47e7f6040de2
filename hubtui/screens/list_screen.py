"""A keyset-paged list any screen can be: a table of one page, a "/" text filter, a status
line saying where the page is, and the keys that page, refresh and open a row.

A list names its table class, and says how to read a page and count the rows of a query (in
a worker thread: they call services), what its status line adds (sort, period) and what
enter on a row does. The query is any frozen object with a `text` field and
`with_changes(**fields)`, as OrderQuery is. Subclasses add their own bars and keys.

Reads run in workers that never end the app: a failed read becomes one line on screen
(ReportsWorkerErrors) and the list stays as it was, `r` reads it again.
"""

from __future__ import annotations

import os
import time
from typing import Any, ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input
from textual.worker import Worker, get_current_worker

from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.keyset_pager import KeysetPager, PageLike, PageRequest
from hubtui.widgets.line_table import LineTable
from hubtui.widgets.safe_text import SafeInput
from hubtui.widgets.status_line import StatusLine
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.worker_errors import RETRY_HINT, ReportsWorkerErrors

T = TypeVar("T")
PAGE_SIZE = 50
TEXT_DEBOUNCE_SECONDS = 0.25


class KeysetListScreen(ReportsWorkerErrors, Screen[None], Generic[T]):
    TABLE: ClassVar[type[LineTable[Any]]]
    FILTER_PLACEHOLDER: ClassVar[str] = "part of a number, e-mail or name — enter to go to the list"
    ROWS_NAME: ClassVar[str] = "rows"  # "could not read the <rows>"
    RETRY_KEY_HINT = RETRY_HINT

    list_query: reactive[Any] = reactive(None, init=False)

    class PageLoaded(Message):
        def __init__(self, query: Any, request: PageRequest[Any], page: PageLike[Any, Any]) -> None:
            super().__init__()
            self.query = query
            self.request = request
            self.page = page

    class TotalCounted(Message):
        def __init__(self, query: Any, total: int) -> None:
            super().__init__()
            self.query = query
            self.total = total

    def __init__(self) -> None:
        super().__init__()
        self.pager: KeysetPager[T, Any] = KeysetPager()
        self.pages_painted = 0  # pages on screen so far: tests and bench/ wait on it
        self._text_timer: Timer | None = None

    # ------------------------------------------------------------------ what a list says

    def ready(self) -> bool:
        """Whether the list can read now (the orders list waits for its connection)."""
        return True

    def read_page(self, query: Any, request: PageRequest[Any], limit: int) -> PageLike[T, Any]:
        """One page for `request` (in a worker thread)."""
        raise NotImplementedError

    def count(self, query: Any) -> int:
        """The rows `query` lists (in a worker thread)."""
        raise NotImplementedError

    def status_words(self, query: Any) -> str:
        """What the status line says after the position (sort, period)."""
        return ""

    def empty_words(self, query: Any) -> str:
        return f"Nothing matches: {query}."

    def query_changed(self, query: Any) -> None:
        """A new query is about to be read: bars and titles follow it here."""

    def shown(self) -> None:
        """A page or a total has just been shown: titles follow it here."""

    def open_key(self, key: str) -> None:
        """Enter on the row keyed `key`."""

    # ------------------------------------------------------------------ layout

    def compose_bars(self) -> ComposeResult:
        """Widgets above the filter field (a quick-filter bar)."""
        return iter(())

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_bars()
        yield SafeInput(placeholder=self.FILTER_PLACEHOLDER, id="filter-text")
        yield self.TABLE(id="list-table")
        yield StatusLine(id="list-status")
        yield HubFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-text", Input).display = False

    @property
    def table(self) -> LineTable[T]:
        return self.query_one("#list-table", LineTable)

    @property
    def page(self) -> PageLike[T, Any] | None:
        return self.pager.page

    @property
    def total(self) -> int | None:
        return self.pager.total

    # ------------------------------------------------------------------ loading

    def watch_list_query(self, query: Any) -> None:
        self.pager.restart()
        self.query_changed(query)
        if not self.ready():
            return
        self.request_page(PageRequest())
        self.count_total(query)

    def request_page(self, request: PageRequest[Any]) -> None:
        if not self.ready():
            return
        status = self.query_one(StatusLine)
        status.busy = True
        worker = self.load_page(self.list_query, request)
        if not isinstance(self.focused, Input):
            # "5 j j p": the j's and the p are for the page the 5 asks for, not the one on screen.
            # Not while typing a filter: each letter would wait for the answer to the last.
            hold_keys(self, until=worker)

    @work(thread=True, exclusive=True, group="list-page", exit_on_error=False, description="read the page")
    def load_page(self, query: Any, request: PageRequest[Any]) -> None:
        page = self.read_page(query, request, PAGE_SIZE)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(query, request, page))

    @work(thread=True, exclusive=True, group="list-count", exit_on_error=False, description="count the rows")
    def count_total(self, query: Any) -> None:
        total = self.count(query)
        if not get_current_worker().is_cancelled:
            self.post_message(self.TotalCounted(query, total))

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        self.query_one(StatusLine).busy = False  # the list stays as it was
        super().worker_failed(worker, error)

    def failure_title(self, worker: Worker[Any]) -> str:
        if worker.group in ("list-page", "list-count"):
            return f"Could not read the {self.ROWS_NAME}"
        return super().failure_title(worker)

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        if message.query != self.list_query:
            return  # an answer to a question nobody is asking any more
        self.query_one(StatusLine).busy = False
        request = message.request
        if not self.pager.arrived(request, message.page):
            return  # nothing further that way: stay on the page we have
        self.table.show_rows(message.page.rows, cursor_at_end=request.before is not None or request.from_end,
                             keep=request.keep)
        self.update_status()
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.pages_painted += 1
        report = os.environ.get("HUBTUI_FIRST_PAINT_REPORT")
        if self.pages_painted == 1 and report:  # bench/bench_tui.py times a real start this way
            with open(report, "w") as handle:
                handle.write(repr(time.time()))
            self.app.exit()

    @on(TotalCounted)
    def _total_counted(self, message: TotalCounted) -> None:
        if message.query != self.list_query:
            return
        self.pager.counted(message.total)
        self.update_status()

    def update_status(self) -> None:
        status = self.query_one("#list-status", StatusLine)
        if self.pager.page is None:
            status.update("")
        elif not self.pager.page.rows:
            status.update(self.empty_words(self.list_query))
        else:
            words = self.status_words(self.list_query)
            status.update(self.pager.position() + (f" · {words}" if words else ""))
        self.shown()

    # ------------------------------------------------------------------ paging

    @on(LineTable.EdgeReached)
    def _edge(self, message: LineTable.EdgeReached) -> None:
        if message.forward:
            self.action_next_page()
        else:
            self.action_previous_page()

    def action_next_page(self) -> None:
        if (request := self.pager.next()) is not None:
            self.request_page(request)

    def action_previous_page(self) -> None:
        if (request := self.pager.previous()) is not None:
            self.request_page(request)

    def action_first_page(self) -> None:
        self.request_page(PageRequest())

    def action_last_page(self) -> None:
        self.request_page(PageRequest(from_end=True))

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_refresh(self) -> None:
        """Read the page on screen and its total again; the cursor stays on its row."""
        self.request_page(self.pager.again(self.table.highlighted_key()))
        if self.ready():
            self.count_total(self.list_query)

    def on_screen_resume(self) -> None:
        # Back from a row or a dialog: what was done there shows in the list at once.
        if self.pager.page is not None:
            self.action_refresh()

    # ------------------------------------------------------------------ the "/" text

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
        if text != self.list_query.text:
            self.list_query = self.list_query.with_changes(text=text)

    @on(Input.Submitted, "#filter-text")
    def _text_submitted(self, event: Input.Submitted) -> None:
        if self._text_timer is not None:
            self._text_timer.stop()
        self._apply_text(event.value.strip() or None)
        self.table.focus()

    def close_filter(self) -> None:
        field = self.query_one("#filter-text", Input)
        field.value = ""
        field.display = False
        self.table.focus()

    # ------------------------------------------------------------------ rows

    @on(LineTable.Chosen)
    def _row_chosen(self, event: LineTable.Chosen) -> None:
        self.open_key(event.key)

    def action_open_row(self) -> None:
        key = self.table.highlighted_key()
        if key is not None:
            self.open_key(key)


__all__ = ["PAGE_SIZE", "KeysetListScreen"]
