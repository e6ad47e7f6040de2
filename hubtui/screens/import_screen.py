"""`i` on the order list: import a CSV file or an xlsx workbook. The kind, the file's path (tab
completes it as a shell does), what to do with bad rows; enter shows a dry run (rows read,
orders to create and update, every rejected row with its column, value and reason); ctrl+s
imports with a progress bar (the share of the file read, checked and written, and the rows so
far) and says what it did. Nothing is written until ctrl+s, and then all of it or none."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ProgressBar, Static

from hubtui.services.context import Context
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.path_completion import complete_field
from hubtui.widgets.safe_text import SafeInput, safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

KINDS = ["orders", "items", "payments", "shopify", "channel-prices"]
POLICIES = ["all or nothing", "skip bad rows"]
PRODUCTS = ["report unknown", "create them"]
SHOWN_PROBLEMS = 200  # the rest are counted; --errors writes them all


class ImportScreen(ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "#import-path"
    BINDINGS = [
        Binding("escape", "back", "Back", id="import.back"),
        Binding("ctrl+s", "run_import", "Import", id="import.save"),
        Binding("tab", "complete", "Complete", show=False, id="import.complete"),
    ]
    HELP_TITLE = "Import"

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.previewed: tuple[str, str, str, str] | None = None  # what the preview on screen was for
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="import-body"):
            with Horizontal(classes="form-row"):
                yield Label("Kind      ", classes="form-caption")
                yield ChoiceRow(KINDS, "orders", id="import-kind", tight=True)
            with Horizontal(classes="form-row"):
                yield Label("File      ", classes="form-caption")
                # Not an EagerInput: tab completes the path here rather than moving on.
                yield SafeInput(placeholder="path of the CSV or xlsx file; tab completes it", max_length=1000,
                                compact=True, id="import-path")
            with Horizontal(classes="form-row"):
                yield Label("Bad rows  ", classes="form-caption")
                yield ChoiceRow(POLICIES, POLICIES[0], id="import-policy", tight=True)
            with Horizontal(classes="form-row"):
                yield Label("Products  ", classes="form-caption")
                yield ChoiceRow(PRODUCTS, PRODUCTS[0], id="import-products", tight=True)
            yield Static("", id="import-summary", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static("", id="import-problems", markup=False)
            yield Label("enter: dry run (writes nothing) · ctrl+s import · tab completes · esc back",
                        classes="dialog-hint")
        yield HubFooter()

    def on_mount(self) -> None:
        self.title = "Import"
        self.sub_title = f"{safe(self.context.operator.org_code)} · {safe(self.context.operator.user_name)}"
        self.query_one("#import-progress", ProgressBar).display = False

    def _choices(self) -> tuple[str, str, str, str]:
        return (self.query_one("#import-kind", ChoiceRow).value, self.query_one("#import-path", Input).value.strip(),
                self.query_one("#import-policy", ChoiceRow).value, self.query_one("#import-products", ChoiceRow).value)

    @on(ChoiceRow.Changed)
    @on(Input.Changed, "#import-path")
    def _changed(self) -> None:
        self.previewed = None  # a preview is for what it was made from

    # ------------------------------------------------------------------ keys

    def action_complete(self) -> None:
        field = self.query_one("#import-path", Input)
        if self.focused is not field:
            self.focus_next()
            return
        hint = complete_field(field)
        if hint is None:
            self.focus_next()
        elif hint:
            self._say(hint, "")

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    @on(Input.Submitted, "#import-path")
    def preview(self) -> None:
        if not self.busy and self._choices()[1]:
            self._run(*self._choices(), dry_run=True)

    def action_run_import(self) -> None:
        if self.busy:
            return
        choices = self._choices()
        if not choices[1]:
            self._say("Give the path of the file first.", "")
            return
        self._run(*choices, dry_run=False)

    # ------------------------------------------------------------------ the work

    def _run(self, kind: str, path: str, policy: str, products: str, *, dry_run: bool) -> None:
        self.busy = True
        self._say("Reading the file…" if dry_run else "Importing…", "")
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._work(kind, path, policy == POLICIES[1], products == PRODUCTS[1], dry_run)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False, description="import the file")
    def _work(self, kind: str, path: str, skip: bool, create_products: bool, dry_run: bool) -> None:
        from hubtui.services.faults import one_line

        verb = "checked" if dry_run else "imported"

        def progress(rows: int, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, f"{rows:,} rows {verb}…", done, total)

        try:
            if kind == "shopify":
                from hubtui.services.shopify_import import import_shopify

                report = import_shopify(self.context, path, create_products=create_products, dry_run=dry_run,
                                        skip_bad_rows=skip, progress=progress)
            else:
                from hubtui.services.imports import import_file

                report = import_file(self.context, kind, path, dry_run=dry_run, skip_bad_rows=skip,
                                     progress=progress)
        except Exception as error:  # a file that cannot be imported at all: one line, nothing written
            self.app.call_from_thread(self._done, one_line(error), "", None)
            return
        self.app.call_from_thread(self._done, *_words(report), report)

    def _progress(self, words: str, done: int, total: int) -> None:
        if self.busy:
            self.query_one("#import-summary", Static).update(words)
            # A workbook that does not say how many rows it has: a bar that only says work goes on.
            self.query_one("#import-progress", ProgressBar).update(total=total or None, progress=done)

    def _done(self, summary: str, problems: str, report) -> None:  # type: ignore[no-untyped-def]
        self.busy = False
        self.query_one("#import-progress", ProgressBar).display = False
        self._say(summary, problems)
        if report is not None and report.written:
            self.notify(summary, timeout=6)

    def _say(self, summary: str, problems: str) -> None:
        self.query_one("#import-summary", Static).update(summary)
        self.query_one("#import-problems", Static).update(problems)


def _words(report) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The summary line and the rejected rows, as the screen shows them."""
    if report.already:
        return report.already, ""
    verb = "would be" if report.dry_run else ("were" if report.written else "would have been")
    what, done = {"items": ("orders", "given their lines"), "payments": ("payments", "added"),
                  "channel-prices": ("channel prices", "recorded")}.get(report.kind, ("orders", "created"))
    summary = f"{report.file_name}: {report.rows:,} row(s) · {report.created:,} {what} {verb} {done}"
    if report.updated:
        summary += f" · {report.updated:,} {verb} updated"
    if report.unchanged:
        summary += f" · {report.unchanged:,} already as in the file"
    if report.problems:
        rows = len({p.row for p in report.problems})
        summary += f" · {len(report.problems):,} problem(s) in {rows:,} row(s)"
        if not report.written:
            summary += ": nothing was imported" if not report.dry_run else ": ctrl+s would import nothing"
    lines = [f"row {p.row}" + (f", {p.column}" if p.column else "") + (f" {p.value!r}" if p.value else "")
             + f": {p.reason}" for p in report.problems[:SHOWN_PROBLEMS]]
    if len(report.problems) > SHOWN_PROBLEMS:
        lines.append(f"… and {len(report.problems) - SHOWN_PROBLEMS:,} more (hubtui import … --errors FILE lists "
                     "them all)")
    return summary, "\n".join(safe(line) for line in lines)
