"""`l` on an order: change its lines with the phone-order product picker, see the money move,
then save. Nothing is written before ctrl+s on the preview.

The picker is the wizard's (new_order_products.ProductsStep): a stock code or words of a name
then enter adds one, "3⏎" makes that three, `+`/`-` and `del` on a line (tab). A removed line
stays listed, greyed, until saved (`del` again puts it back). Under the lines, the money as the
services work it out: every discount again, the new total, the balance due or the credit owed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from hubtui.domain.order_draft import DEFAULT_CONFIRM_ABOVE, DraftLine, add_product, set_quantity
from hubtui.domain.order_edits import AddProduct, LineEdit, RemoveLine, SetQuantity
from hubtui.screens.lines_preview_dialog import LinesPreviewDialog, money_lines
from hubtui.screens.new_order_products import ProductsStep
from hubtui.services.context import Context
from hubtui.services.order_lines import LinesChange
from hubtui.services.views import OrderDetail, ProductChoice
from hubtui.widgets.commands import APP_COMMANDS, LINES_COMMANDS, bindings
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.safe_text import safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

EDITOR_HINT = "enter adds · 3 enter: three of it · tab: + − del on a line · ctrl+s preview"


class OrderLinesEditor(ProductsStep):
    """The order's lines under the product picker; the edits are worked out against them."""

    def __init__(self, context: Context, detail: OrderDetail, *, confirm_above: int, id: str) -> None:
        super().__init__(context, confirm_above=confirm_above, id=id)
        self.currency = detail.currency
        self.change: LinesChange | None = None  # the money, as last worked out
        self.problem: str | None = None  # why the last working-out was refused
        self.start_from(detail)

    def start_from(self, detail: OrderDetail) -> None:
        self.line_nos = tuple(l.line_no for l in detail.lines)
        self.originals = tuple(DraftLine(l.stock_code, l.product_name, l.unit_price, l.quantity) for l in detail.lines)
        self.lines = self.originals
        self.removed: set[int] = set()

    def reapply(self, fresh: OrderDetail) -> list[str]:
        """The same changes on the order as it now is; says which could not be made."""
        old_nos, old_originals, old_lines, old_removed = self.line_nos, self.originals, self.lines, self.removed
        self.start_from(fresh)
        lost = []
        for i, line_no in enumerate(old_nos):
            if i not in old_removed and old_lines[i].quantity == old_originals[i].quantity:
                continue
            if line_no not in self.line_nos:
                lost.append(f"line {line_no} ({old_lines[i].stock_code}) is no longer on the order")
                continue
            j = self.line_nos.index(line_no)
            if i in old_removed:
                self.removed.add(j)
            else:
                self.lines = set_quantity(self.lines, j, old_lines[i].quantity)
        for line in old_lines[len(old_nos):]:
            self.lines, _ = add_product(self.lines, line)
        self.redraw()  # the screen works the money out again itself, to show the new preview
        return lost

    def edits(self) -> list[LineEdit]:
        out: list[LineEdit] = []
        for i, line in enumerate(self.lines):
            if i >= len(self.originals):
                out.append(AddProduct(line.stock_code, line.quantity))
            elif i in self.removed:
                out.append(RemoveLine(self.line_nos[i]))
            elif line.quantity != self.originals[i].quantity:
                out.append(SetQuantity(self.line_nos[i], line.quantity))
        return out

    # ------------------------------------------------------------------ the picker's hooks

    def add_line(self, product: ProductChoice, quantity: int) -> int:
        changed = super().add_line(product, quantity)
        if changed in self.removed:  # picked again: back on, with what was just asked for
            self.removed.discard(changed)
            self.lines = set_quantity(self.lines, changed, quantity)
        return changed

    def _set_line_quantity(self, index: int, quantity: int) -> None:
        self.removed.discard(index)
        super()._set_line_quantity(index, quantity)

    def remove(self) -> None:
        row = self.table.cursor_row
        if not self.lines or row >= len(self.lines):
            return
        if row >= len(self.originals):
            super().remove()  # a line added in this edit simply goes
            return
        self.removed ^= {row}
        self._lines_changed()

    def change_quantity(self, delta: int) -> None:
        if self.table.cursor_row in self.removed:
            self.set_error("This line is taken off: del puts it back.")
            return
        super().change_quantity(delta)

    def line_style(self, index: int) -> str:
        if index in self.removed:
            return "dim strike"
        if index >= len(self.originals) or self.lines[index].quantity != self.originals[index].quantity:
            return "bold"
        return ""

    def line_label(self, index: int) -> str:
        return str(self.line_nos[index]) if index < len(self.line_nos) else "+"

    def quantity_label(self, index: int) -> str:
        now = self.lines[index].quantity
        if index in self.removed:
            return f"{now}→0"
        if index < len(self.originals) and now != self.originals[index].quantity:
            return f"{self.originals[index].quantity}→{now}"
        return str(now)

    def summary(self) -> Text:
        text = Text()
        if self.problem:
            text.append(safe(self.problem) + "\n", style="bold red")
        elif self.change is not None and self.edits():
            text.append_text(money_lines(self.change))
            text.append("\n")
        else:
            text.append("No change yet.\n", style="dim")
        text.append(EDITOR_HINT, style="dim")
        return text


class OrderLinesScreen(ReportsWorkerErrors, Screen[tuple[OrderDetail, bool] | None]):
    """Dismissed with (the order as saved, whether to take the balance due now), or None."""

    AUTO_FOCUS = "#product-search"
    BINDINGS = bindings(LINES_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + LINES_COMMANDS
    HELP_TITLE = "Order lines"

    class _Worked(Message):
        def __init__(self, change: LinesChange | None, error: Exception | None, *, to_save: bool) -> None:
            super().__init__()
            self.change, self.error, self.to_save = change, error, to_save

    class _Saved(Message):
        def __init__(self, detail: OrderDetail | None, error: Exception | None, pay: bool) -> None:
            super().__init__()
            self.detail, self.error, self.pay = detail, error, pay

    class _Reloaded(Message):
        def __init__(self, detail: OrderDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, context: Context, detail: OrderDetail) -> None:
        super().__init__()
        self.context = context
        self.detail = detail
        self.version = detail.version  # of the order the edits are made on
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield OrderLinesEditor(self.context, self.detail, id="products",
                               confirm_above=getattr(self.app, "quantity_confirm_above", DEFAULT_CONFIRM_ABOVE))
        yield HubFooter()

    def on_mount(self) -> None:
        d = self.detail
        self.title = f"{d.number} · lines"
        self.sub_title = f"{d.status} · {safe(self.context.operator.user_name)} ({self.context.operator.role})"

    @property
    def editor(self) -> OrderLinesEditor:
        return self.query_one(OrderLinesEditor)

    # ------------------------------------------------------------------ the money as lines change

    @on(ProductsStep.LinesChanged)
    def _lines_changed(self) -> None:
        edits = self.editor.edits()
        if edits:
            self.work_out(edits, to_save=False)
        else:
            self.editor.change, self.editor.problem = None, None
            self.editor.redraw()

    @work(thread=True, exclusive=True, group="lines-preview", exit_on_error=False, description="work out the money")
    def work_out(self, edits: list[LineEdit], *, to_save: bool) -> None:
        from hubtui.services.order_lines import preview_lines

        try:
            self.post_message(self._Worked(preview_lines(self.context, self.detail.number, edits), None,
                                           to_save=to_save))
        except Exception as error:  # said under the lines; nothing is written by a preview
            self.post_message(self._Worked(None, error, to_save=to_save))

    @on(_Worked)
    def _worked(self, message: _Worked) -> None:
        from hubtui.services.faults import one_line

        editor = self.editor
        editor.change = message.change
        editor.problem = one_line(message.error) if message.error is not None else None
        editor.redraw()
        if message.to_save and message.change is not None:
            self.app.push_screen(LinesPreviewDialog(message.change), self._answered)

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        editor = self.editor
        if self.saving or not editor.commit_editor():
            return
        edits = editor.edits()
        if not edits:
            editor.set_error("Nothing changed yet: add a product, change a quantity or remove a line.")
            return
        # The keys typed behind ctrl+s (a second ctrl+s) are for the preview it opens.
        hold_keys(self, until=self.work_out(edits, to_save=True))

    def _answered(self, choice: str | None) -> None:
        if choice in ("save", "pay"):
            self.saving = True
            hold_keys(self, until=self._save(self.editor.edits(), choice == "pay"), writing=True)
        elif choice == "reload":
            hold_keys(self, until=self._reload())

    @work(thread=True, group="order-writes", exit_on_error=False, description="save the lines")
    def _save(self, edits: list[LineEdit], pay: bool) -> None:
        from hubtui.services.order_lines import change_lines

        try:
            detail = change_lines(self.context, self.detail.number, edits, expected_version=self.version)
        except Exception as error:  # refused: nothing was written; the edits stay on screen
            self.post_message(self._Saved(None, error, pay))
            return
        self.post_message(self._Saved(detail, None, pay))

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        from hubtui.services.errors import ConflictError
        from hubtui.services.faults import one_line

        self.saving = False
        if message.detail is not None:
            self.dismiss((message.detail, message.pay))
            return
        error = message.error
        if isinstance(error, ConflictError) and self.editor.change is not None:
            said = (f"Not saved: {error.changed_by} changed {error.number} at {error.changed_at:%H:%M:%S} "
                    "after you opened it.")
            self.app.push_screen(LinesPreviewDialog(self.editor.change, conflict=said), self._answered)
            return
        self.editor.problem = one_line(error)
        self.editor.redraw()
        self.notify(one_line(error), title="Not saved", severity="error", timeout=8)

    @work(thread=True, exclusive=True, group="lines-reload", exit_on_error=False, description="read the order again")
    def _reload(self) -> None:
        from hubtui.services.order_reads import get_order

        self.post_message(self._Reloaded(get_order(self.context, self.detail.number)))

    @on(_Reloaded)
    def _reloaded(self, message: _Reloaded) -> None:
        self.detail = message.detail
        self.version = message.detail.version
        lost = self.editor.reapply(message.detail)
        if lost:
            self.editor.set_error("Reapplied on the order as it is now, except: " + "; ".join(lost) + ".")
        edits = self.editor.edits()
        if edits:
            hold_keys(self, until=self.work_out(edits, to_save=True))  # the new preview
        else:
            self.notify("The order already has your changes; nothing left to save.", timeout=6)

    # ------------------------------------------------------------------ keys on the lines

    def action_move(self, delta: int) -> None:
        self.editor.move(delta)

    def action_change_quantity(self, delta: int) -> None:
        self.editor.change_quantity(delta)

    def action_remove_line(self) -> None:
        self.editor.remove()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("change_quantity", "remove_line"):
            return isinstance(self.focused, DataTable)  # in the search box these keys type
        return True

    def action_leave(self) -> None:
        if self.editor.close_editor():
            return
        if not self.editor.edits():
            self.dismiss(None)
            return
        from hubtui.screens.dialogs import ConfirmDialog

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(f"Drop your changes to the lines of {self.detail.number}?"), answered)
