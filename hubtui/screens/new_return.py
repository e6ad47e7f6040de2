"""A new return (RMA) on one order: its lines with what each may still return and how many to
take back, the reason, the action, where it was raised, a comment; ctrl+s creates it and opens it.

Under the lines, what the chosen units cost (the refund cap) against what is still refundable on
the order, worked out by the services as the quantities change.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from hubtui.domain.limits import NOTE_LIMIT
from hubtui.domain.money import format_money
from hubtui.domain.returns import RaisedFrom, ReturnAction, ReturnReason
from hubtui.services.context import Context
from hubtui.services.return_quotes import ReturnStart
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.commands import APP_COMMANDS, NEW_RETURN_COMMANDS, bindings
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.quantity_rows import QuantityRow, QuantityRows
from hubtui.widgets.safe_text import safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

HEADINGS = ("#", "Stock code", "Product", "Sent", "Can return")


class NewReturnScreen(ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "#return-lines"
    BINDINGS = bindings(NEW_RETURN_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + NEW_RETURN_COMMANDS
    HELP_TITLE = "New return"

    def __init__(self, context: Context, start: ReturnStart) -> None:
        super().__init__()
        self.context = context
        self.start = start
        self.saving = False

    def compose(self) -> ComposeResult:
        s = self.start
        yield Header()
        with VerticalScroll(id="new-return-body"):
            yield Static(f"Return from {s.order_number} · {safe(s.customer_name)} <{safe(s.customer_email)}> · "
                         f"{s.order_status}", id="new-return-head", markup=False)
            yield QuantityRows(HEADINGS, [
                QuantityRow((str(l.line_no), l.stock_code, l.product_name, str(l.dispatched), str(l.returnable)),
                            l.returnable) for l in s.lines], id="return-lines")
            with Horizontal(classes="form-row"):
                yield Label("Reason  ", classes="form-caption")
                yield ChoiceRow([r.value for r in ReturnReason], "", id="return-reason", tight=True)
            with Horizontal(classes="form-row"):
                yield Label("Action  ", classes="form-caption")
                yield ChoiceRow([a.value for a in ReturnAction], ReturnAction.Refund.value, id="return-action",
                                tight=True)
            with Horizontal(classes="form-row"):
                yield Label("Via     ", classes="form-caption")
                yield ChoiceRow([v.value for v in RaisedFrom], RaisedFrom.CustomerSupport.value, id="return-via",
                                tight=True)
            with Horizontal(classes="form-row"):
                yield Label("Comment ", classes="form-caption")
                yield EagerInput(placeholder="optional: what the customer said", max_length=NOTE_LIMIT, compact=True,
                                 id="return-comment", on_enter=lambda _text: self.action_save())
            yield Static("Choose the units to take back: digits on a line, a for all.", id="return-money")
            yield Label("", id="return-error", classes="dialog-error", markup=False)
            yield Label("digits: quantity · a: all · a letter: the reason · tab: next field", classes="dialog-hint")
        yield HubFooter()

    def on_mount(self) -> None:
        self.title = f"New return · {self.start.order_number}"
        self.sub_title = f"{safe(self.context.operator.user_name)} ({self.context.operator.role})"

    # ------------------------------------------------------------------ what is chosen

    def quantities(self) -> dict[int, int]:
        rows = self.query_one("#return-lines", QuantityRows)
        return {line.line_no: q for line, q in zip(self.start.lines, rows.quantities) if q}

    def changed(self) -> bool:
        return bool(self.quantities()) or bool(self.query_one("#return-reason", ChoiceRow).value) or bool(
            self.query_one("#return-comment", Input).value.strip())

    @on(QuantityRows.Changed)
    def _quantities_changed(self) -> None:
        self.query_one("#return-error", Label).update("")
        self.quote()

    @on(QuantityRows.Refused)
    def _refused(self, message: QuantityRows.Refused) -> None:
        self.query_one("#return-error", Label).update(message.why)

    @work(thread=True, exclusive=True, group="return-quote", exit_on_error=False, description="work out the refund")
    def quote(self) -> None:
        from hubtui.services.return_quotes import quote_refund

        quantities = self.quantities()
        if not quantities:
            self.app.call_from_thread(self._show_money, "Nothing chosen yet: digits on a line, a for all.")
            return
        quote = quote_refund(self.context, self.start.order_number, quantities)
        money = lambda minor: format_money(minor, self.start.currency, grouping=True)  # noqa: E731
        units = sum(quantities.values())
        self.app.call_from_thread(
            self._show_money, f"{units} unit(s) · they cost {money(quote.paid_for_units)} · "
                              f"{money(quote.still_refundable)} still refundable on the order · refund up to "
                              f"{money(quote.cap)}")

    def _show_money(self, words: str) -> None:
        self.query_one("#return-money", Static).update(words)

    # ------------------------------------------------------------------ keys

    def on_key(self, event: events.Key) -> None:
        """On the lines, a letter picks the reason (f: Faulty): one key where tab, letter takes two.
        Typed ahead, a letter may come before the lines have the focus: it means the same then."""
        on_the_lines = self.focused is None or isinstance(self.focused, QuantityRows)
        if on_the_lines and (event.character or "").isalpha() and event.character != "a":
            self.query_one("#return-reason", ChoiceRow).on_key(event)

    def action_all_lines(self) -> None:
        self.query_one("#return-lines", QuantityRows).toggle_all()

    def action_save(self) -> None:
        if self.saving:
            return
        reason = self.query_one("#return-reason", ChoiceRow).value
        error = self.query_one("#return-error", Label)
        if not self.quantities():
            error.update("Choose at least one unit to return: digits on a line, or a for all.")
            self.query_one("#return-lines").focus()
            return
        if not reason:
            error.update("Choose a reason: its first letter on the Reason row (d, f, w, n, l, o).")
            self.query_one("#return-reason").focus()
            return
        self.saving = True
        worker = self._create(self.quantities(), reason, self.query_one("#return-action", ChoiceRow).value,
                              self.query_one("#return-via", ChoiceRow).value,
                              self.query_one("#return-comment", Input).value)
        hold_keys(self, until=worker, writing=True)  # keys typed behind ctrl+s are for the return's screen

    @work(thread=True, exclusive=True, group="return-create", exit_on_error=False, description="create the return")
    def _create(self, quantities: dict[int, int], reason: str, action: str, via: str, comment: str) -> None:
        from hubtui.services.faults import one_line
        from hubtui.services.returns import create_return

        try:
            detail = create_return(self.context, self.start.order_number, quantities, action=action, reason=reason,
                                   raised_from=via, comment=comment)
        except Exception as error:  # refused: said here, what was typed stays
            self.app.call_from_thread(self._failed, one_line(error))
            return
        self.app.call_from_thread(self._created, detail)

    def _failed(self, message: str) -> None:
        self.saving = False
        self.query_one("#return-error", Label).update(message)
        self.notify(message, title="Not created", severity="error", timeout=8)

    async def _created(self, detail) -> None:  # type: ignore[no-untyped-def]
        from hubtui.screens.return_detail import ReturnDetailScreen

        self.notify(f"{detail.number} raised: {sum(l.quantity for l in detail.lines)} unit(s), {detail.status}.",
                    timeout=5)
        await self.app.switch_screen(ReturnDetailScreen(self.context, detail))

    def action_leave(self) -> None:
        from hubtui.screens.dialogs import ConfirmDialog

        if not self.changed():
            self.app.pop_screen()
            return
        self.app.push_screen(ConfirmDialog("Leave without raising the return? What you chose is dropped."),
                             lambda yes: self.app.pop_screen() if yes else None)
