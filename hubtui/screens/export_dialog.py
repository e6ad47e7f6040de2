"""`x` on the order list: export orders, their lines or their payments to an xlsx file.

What (orders, items, payments), which days (a predefined period or custom from/to), whether
the list's own filter narrows it (its quick filter, search fields and "/" text; the range here
replaces the list's period), where the file goes (tab completes the path as a shell does), and
optionally an address to e-mail it to ("me": the operator's own, from config.toml [smtp]).
ctrl+s starts it in a worker with a progress bar; the dialog then says which file it wrote
(and where it was e-mailed), or why not. esc closes it, stopping an export under way (nothing
is left behind).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, ProgressBar
from textual.worker import Worker, get_current_worker

from hubtui.domain.errors import DomainError
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.periods import Period, parse_date
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.path_completion import complete_field
from hubtui.widgets.safe_text import SafeInput, safe, shown
from hubtui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.services.export import ExportResult

KINDS = ("orders", "items", "payments")
# What the range row offers, in the order ←/→ go through them; None: all time.
RANGES: tuple[tuple[str, Period | None], ...] = (
    ("today", Period.TODAY), ("yesterday", Period.YESTERDAY), ("last 7 days", Period.LAST_7_DAYS),
    ("last 30 days", Period.LAST_30_DAYS), ("this month", Period.THIS_MONTH), ("last month", Period.LAST_MONTH),
    ("this year", Period.THIS_YEAR), ("all time", None), ("custom", Period.CUSTOM),
)
RANGE_OF = dict(RANGES)
LABEL_OF = {period: label for label, period in RANGES}
HINT = "ctrl+s export · ←→/letter: choose · tab completes the file · esc close"
PATH_LIMIT = 4096


class RangeRow(ChoiceRow):
    """The range, one choice in view: ←/→ go through them, a letter goes to the next that starts
    with it (t: today, this month, this year). Nine periods do not fit one line at 80 columns."""

    def render(self) -> Text:
        chosen = self.get_component_rich_style("choice-row--chosen")
        index = self.choices.index(self.value) if self.value in self.choices else 0
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("◂ ", style="dim")
        text.append(f" {self.value} ", style=chosen)
        text.append(" ▸", style="dim")
        text.append(f"  {index + 1} of {len(self.choices)}", style="dim")
        return text


class ExportStopped(Exception):
    """The dialog closed while its export ran: stop, leave nothing behind."""


class ExportDialog(ReportsWorkerErrors, ModalScreen[None]):
    AUTO_FOCUS = "#export-kind"
    BINDINGS = CANCEL_BINDINGS + [
        Binding("ctrl+s", "export", "Export", id="export.run"),
        # Not a priority binding: the path field must be there when the key is looked at.
        Binding("tab", "complete", "Complete", show=False, id="export.complete"),
    ]

    def __init__(self, context: Context, list_query: OrderQuery | None = None) -> None:
        super().__init__()
        self.context = context
        self.list_query = list_query
        self.today: date = context.today()
        self.running = False
        self.result: ExportResult | None = None
        self._default_path = self._file_name("orders")

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        from hubtui.services.export import filter_words

        narrowed = filter_words(self.list_query)
        query = self.list_query
        period = query.period if query is not None else None
        start = LABEL_OF[period] if period is not None and period in LABEL_OF else "this month"  # the list's period
        custom = query is not None and period is Period.CUSTOM
        first = query.date_from if custom and query.date_from else self.today.replace(day=1)
        last = query.date_to if custom and query.date_to else self.today
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("Export to a spreadsheet (xlsx)", classes="dialog-title")
            with Horizontal(classes="export-row"):
                yield Label("What", classes="export-caption")
                yield ChoiceRow(KINDS, "orders", id="export-kind")
            with Horizontal(classes="export-row"):
                yield Label("Placed", classes="export-caption")
                yield RangeRow([label for label, _ in RANGES], start, id="export-range")
            with Horizontal(classes="export-row", id="export-days"):
                yield Label("From", classes="export-caption")
                yield EagerInput(first.isoformat(), placeholder="2026-11-01", max_length=10, compact=True,
                                 id="export-from")
                yield Label(" to ", classes="export-between")
                yield EagerInput(last.isoformat(), placeholder="2026-11-30", max_length=10, compact=True,
                                 id="export-to")
            with Horizontal(classes="export-row"):
                yield Label("Filter", classes="export-caption")
                label = f"the list's: {narrowed}" if narrowed else "the list shows every order"
                yield Checkbox(shown(label), value=bool(narrowed), disabled=not narrowed, compact=True,
                               id="export-filter")
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-caption")
                yield SafeInput(self._default_path, placeholder="e.g. ~/exports/orders.xlsx", max_length=PATH_LIMIT,
                                compact=True, id="export-path")
            with Horizontal(classes="export-row"):
                yield Label("E-mail to", classes="export-caption")
                yield EagerInput("", placeholder="optional: an address, or me", max_length=254, compact=True,
                                 id="export-email", on_enter=lambda _text: self.action_export())
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Label("", id="export-said", markup=False)
            yield Label(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self._show_days()
        self.query_one("#export-progress", ProgressBar).display = False

    def _file_name(self, kind: str) -> str:
        from hubtui.services.export import default_file_name

        return default_file_name(kind, self.today)  # in the folder hubtui was started in

    def _show_days(self) -> None:
        self.query_one("#export-days").display = self.query_one("#export-range", RangeRow).value == "custom"

    @on(ChoiceRow.Changed, "#export-range")
    def _range_changed(self) -> None:
        self._show_days()

    @on(ChoiceRow.Changed, "#export-kind")
    def _kind_changed(self, event: ChoiceRow.Changed) -> None:
        """The file's default name follows the kind, unless a name of one's own was typed."""
        field = self.query_one("#export-path", Input)
        new = self._file_name(event.value)
        if field.value == self._default_path:
            field.value = new
            field.cursor_position = len(new)
        self._default_path = new

    @on(Input.Submitted, "#export-path")
    def _path_entered(self) -> None:
        self.focus_next()

    # ------------------------------------------------------------------ keys

    def action_complete(self) -> None:
        """tab: in the file field, like a shell: the longest part every match shares; several
        matches are listed. Nothing to complete, or another field: on to the next field."""
        field = self.query_one("#export-path", Input)
        if self.focused is not field:
            self.focus_next()
            return
        hint = complete_field(field)
        if hint is None:
            self.focus_next()
        elif hint:
            self._say(hint)

    def _say(self, text: str, *, error: bool = False) -> None:
        said = self.query_one("#export-said", Label)
        said.update(safe(text))
        said.set_class(error, "-error")

    def _asked(self) -> tuple[str, Any, OrderQuery | None, str, str] | None:
        """(kind, range, query, path, e-mail) as the form says, or None after saying what is wrong."""
        from hubtui.services.export import ExportRange

        kind = self.query_one("#export-kind", ChoiceRow).value
        label = self.query_one("#export-range", RangeRow).value
        period = RANGE_OF.get(label)
        try:
            if period is Period.CUSTOM:
                first = self.query_one("#export-from", Input).value.strip()
                last = self.query_one("#export-to", Input).value.strip()
                if not (first or last):
                    raise DomainError("A custom range needs a from date, a to date or both.")
                chosen = ExportRange(None, parse_date(first) if first else None, parse_date(last) if last else None)
            else:
                chosen = ExportRange(period)
        except DomainError as error:
            self._say(str(error), error=True)
            self.set_focus(self.query_one("#export-from", Input))
            return None
        query = self.list_query if self.query_one("#export-filter", Checkbox).value else None
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self._say("Type where the file goes, e.g. orders.xlsx.", error=True)
            self.set_focus(self.query_one("#export-path", Input))
            return None
        return kind, chosen, query, path, self.query_one("#export-email", Input).value.strip()

    def action_export(self) -> None:
        if self.running:
            self._say("An export is running; esc stops it.")
            return
        asked = self._asked()
        if asked is None:
            return
        self.running = True
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._say(f"Exporting {asked[0]}…")
        self.run_export(*asked)

    def action_cancel(self) -> None:
        if self.running:
            # The export sees it at its next batch and leaves nothing behind; it says so itself
            # (or, when it had already finished, what it wrote).
            self.workers.cancel_group(self, "export")
        self.dismiss(None)

    # ------------------------------------------------------------------ the export, off the event loop

    @work(thread=True, exclusive=True, group="export", exit_on_error=False, description="export")
    def run_export(self, kind: str, chosen: Any, query: OrderQuery | None, path: str, email: str) -> None:
        from hubtui.config import config_path
        from hubtui.services import mail
        from hubtui.services.export import export_sheet, mail_export

        worker = get_current_worker()
        app = self.app  # the dialog may have closed by the time there is something to say

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise ExportStopped
            app.call_from_thread(self._progress, done, total)

        try:
            settings = None
            if email:  # the settings and the address are checked before anything is written
                settings = mail.read_mail_settings(config_path())
                mail.recipient(settings, email, self.context.operator.user_name)
                mail.password(settings)
            result = export_sheet(self.context, kind, path, span=chosen, query=query, progress=progress)
        except ExportStopped:
            app.call_from_thread(app.notify, "Export stopped; no file was written.", timeout=4)
            return
        except DomainError as refused:
            app.call_from_thread(self._finished, str(refused), True)
            return
        said = f"Wrote {result.summary()} to {result.path}."
        if settings is not None:
            try:
                address = mail_export(self.context, result, email, settings)
            except DomainError as error:
                app.call_from_thread(self._finished, str(error), True)
                return
            said = f"Wrote {result.summary()} to {result.path} and e-mailed it to {address}."
        self.result = result
        if worker.is_cancelled:  # closed while the file was being saved: it is there all the same
            app.call_from_thread(app.notify, said, title="Export", timeout=8)
        app.call_from_thread(self._finished, said, False)

    def _progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#export-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self, said: str, error: bool) -> None:
        self.running = False
        if not self.is_attached:  # closed meanwhile: a failure is still told
            if error:
                self.app.notify(said, title="Export", severity="error", timeout=10)
            return
        if error:
            self.query_one("#export-progress", ProgressBar).display = False
        self._say(said, error=error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        self._finished("", False)
        super().worker_failed(worker, error)

    def failure_title(self, worker: Worker[Any]) -> str:
        return "Could not export"


__all__ = ["ExportDialog", "RangeRow"]
