"""The warehouse's receive prompt: scan or type an RMA or order number and enter; the lines
expected show with what came back (all of them unless changed: digits on a line); enter receives
it and the prompt is ready for the next parcel. A scanner's "RMA0000123⏎⏎" receives one parcel.

Opened on one return (from its details) it starts at the lines and closes once received.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from hubtui.services.context import Context
from hubtui.services.return_views import ReturnDetail
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.quantity_rows import QuantityRow, QuantityRows
from hubtui.widgets.safe_text import safe

HEADINGS = ("#", "Stock code", "Product", "Expected")
SCAN_HINT = "scan or type an RMA or order number, enter · esc close"
LINES_HINT = "enter receive · digits what came back on a line · 0 on every line: not received · esc back"


class ReceiveDialog(ModalScreen["ReturnDetail | bool"]):
    AUTO_FOCUS = "#receive-number"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, context: Context, detail: ReturnDetail | None = None) -> None:
        super().__init__()
        self.context = context
        self.fixed = detail  # opened on this return: no prompt
        if detail is not None:
            # Focus goes straight to the lines: through the (hidden) number field first, an enter
            # typed ahead could land there while the focus moved on (a burst under load lost it).
            self.AUTO_FOCUS = "#receive-lines"
        self.current: ReturnDetail | None = None
        self.received_any = False
        self.log_lines: list[str] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="receive-dialog"):
            yield Label("Receive returns", classes="dialog-title")
            yield EagerInput(placeholder="RMA0000123 or BT0001234", max_length=32, id="receive-number",
                             on_enter=self._look_up)
            yield Static(self._expected(self.fixed) if self.fixed else "", id="receive-expected", markup=False)
            with Vertical(id="receive-lines-box"):
                if self.fixed is not None:
                    yield self._rows(self.fixed)
            yield Label("", id="receive-error", classes="dialog-error", markup=False)
            yield Static("", id="receive-log", markup=False)
            yield Label(SCAN_HINT, id="receive-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        if self.fixed is not None:
            self.current = self.fixed
            self.query_one("#receive-number").display = False
            self.query_one("#receive-hint", Label).update(LINES_HINT)
            self.query_one("#receive-lines").focus()

    @staticmethod
    def _expected(detail: ReturnDetail) -> str:
        units = sum(line.quantity for line in detail.lines)
        return (f"{detail.number} for {detail.order_number} · {safe(detail.customer_name)} · {detail.status} · "
                f"{units} unit(s) expected")

    def _rows(self, detail: ReturnDetail) -> QuantityRows:
        rows = QuantityRows(HEADINGS, [QuantityRow((str(l.line_no), l.stock_code, l.product_name, str(l.quantity)),
                                                   l.quantity) for l in detail.lines],
                            [l.quantity for l in detail.lines], quantity_heading="Received", id="receive-lines")
        rows.on_enter_now = self._confirm
        return rows

    # ------------------------------------------------------------------ the number

    def _look_up(self, typed: str) -> None:
        if not typed.strip() or self.busy:
            return
        self.busy = True
        self.query_one("#receive-error", Label).update("")
        hold_keys(self, until=self._read(typed.strip()))  # the scanner's second enter is for the lines

    @work(thread=True, exclusive=True, group="receive-read", exit_on_error=False, description="find the return")
    def _read(self, typed: str) -> None:
        from hubtui.services.faults import one_line
        from hubtui.services.return_reads import return_to_receive

        try:
            detail = return_to_receive(self.context, typed)
        except Exception as error:
            self.app.call_from_thread(self._refused, one_line(error))
            return
        self.app.call_from_thread(self._show_lines, detail)

    def _refused(self, message: str) -> None:
        self.busy = False
        self.query_one("#receive-error", Label).update(message)
        self.app.bell()
        field = self.query_one("#receive-number", Input)
        field.value = ""
        field.focus()

    async def _show_lines(self, detail: ReturnDetail) -> None:
        self.busy = False
        self.current = detail
        box = self.query_one("#receive-lines-box", Vertical)
        await box.remove_children()
        self.query_one("#receive-expected", Static).update(self._expected(detail))
        rows = self._rows(detail)
        await box.mount(rows)
        rows.focus()
        self.query_one("#receive-hint", Label).update(LINES_HINT)

    @on(QuantityRows.Refused)
    def _too_many(self, message: QuantityRows.Refused) -> None:
        self.query_one("#receive-error", Label).update(message.why)

    # ------------------------------------------------------------------ receiving

    def _confirm(self) -> None:
        if self.current is None or self.busy:
            return
        self.busy = True
        rows = self.query_one("#receive-lines", QuantityRows)
        received = {line.line_no: q for line, q in zip(self.current.lines, rows.quantities)}
        hold_keys(self, until=self._receive(self.current.number, self.current.version, received), writing=True)

    @work(thread=True, exclusive=True, group="receive-write", exit_on_error=False, description="receive the return")
    def _receive(self, number: str, version: int, received: dict[int, int]) -> None:
        from hubtui.services.faults import one_line
        from hubtui.services.returns import receive_return

        try:
            detail = receive_return(self.context, number, received, expected_version=version)
        except Exception as error:
            self.app.call_from_thread(self._not_received, one_line(error))
            return
        self.app.call_from_thread(self._received, detail)

    def _not_received(self, message: str) -> None:
        self.busy = False
        self.query_one("#receive-error", Label).update(message)
        self.notify(message, title="Not received", severity="error", timeout=6)

    async def _received(self, detail: ReturnDetail) -> None:
        self.busy = False
        self.received_any = True
        came = sum(line.received or 0 for line in detail.lines)
        line = f"{detail.number} {detail.status}: {came} of {sum(l.quantity for l in detail.lines)} unit(s)"
        self.notify(line, timeout=4)
        if self.fixed is not None:
            self.dismiss(detail)  # the return as received: its screen shows it without reading it again
            return
        self.log_lines = [f"✓ {line}", *self.log_lines][:5]
        self.query_one("#receive-log", Static).update("\n".join(self.log_lines))
        await self._back_to_prompt()

    def action_cancel(self) -> None:
        if self.current is not None and self.fixed is None:  # back to the prompt, this parcel not received
            self.current = None
            self.call_later(self._back_to_prompt)
            return
        self.dismiss(self.received_any)

    async def _back_to_prompt(self) -> None:
        self.current = None
        await self.query_one("#receive-lines-box", Vertical).remove_children()
        self.query_one("#receive-expected", Static).update("")
        self.query_one("#receive-hint", Label).update(SCAN_HINT)
        field = self.query_one("#receive-number", Input)
        field.value = ""
        field.focus()
