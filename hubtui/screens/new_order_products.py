"""Step 2 of a phone order: find products as the agent types; enter adds one and the next search starts.

A quantity is typed with the search ("3*dri-1000", "dri-1000 x3") or afterwards: a number alone
then enter ("3⏎") is the quantity of the line just added, `+`/`-` in the empty search box change
it, and on the lines (tab) enter opens a line's quantity. No quantity box opens by itself, so the
digits of the next stock code can never land in one (a stock code is never digits alone here);
a quantity far above the usual is asked about before it is taken.

The order details' lines editor (`l`) is this same picker over the order's lines (order_lines.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from hubtui.domain.money import format_money
from hubtui.domain.order_draft import (
    DEFAULT_CONFIRM_ABOVE,
    DraftLine,
    QuantityError,
    add_product,
    needs_confirmation,
    parse_quantity,
    remove_line,
    set_quantity,
    split_quantity,
    totals,
)
from hubtui.services.context import Context
from hubtui.services.views import ProductChoice
from hubtui.widgets.type_ahead import EagerInput, TypeAhead
from hubtui.widgets.safe_text import safe, shown
from hubtui.widgets.search_picker import SearchPicker
from hubtui.widgets.worker_errors import ReportsWorkerErrors

LINES_HINT = "enter adds · 3 enter: three of it · + − · tab: the lines · ctrl+s review"


def product_label(p: ProductChoice) -> Text:
    text = Text(safe(p.stock_code).ljust(13), style="bold")
    name = safe(p.name)
    name = name if len(name) <= 44 else name[:43] + "…"
    text.append(" " + name.ljust(44))
    text.append(format_money(p.price, p.currency, grouping=True).rjust(11))
    return text


class LinesTable(DataTable, TypeAhead):
    """The draft's lines; enter opens the quantity of the line under the cursor as the key arrives."""

    def __init__(self, *, on_enter: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_enter_now = on_enter


class QuantityInput(EagerInput):
    """A line's quantity. Anything but a digit ends it: the quantity is taken as if enter had been
    pressed and the key goes on to the search, so the start of the next stock code is never lost
    into the quantity ("3" then "BT-SAW-1001" is three, then a search, not 31001)."""

    async def _on_key_event(self, event: events.Key) -> None:
        character = event.character or ""
        if event.is_printable and not character.isdigit() and self.app.focused is self:
            self._entered()
        await super()._on_key_event(event)


class ProductsStep(ReportsWorkerErrors, SearchPicker):
    SEARCH_ID = "product-search"
    RESULTS_ID = "product-results"

    class LinesChanged(Message):
        """The draft's lines changed (the screen's step bar shows the running total)."""

    class _Found(Message):
        def __init__(self, text: str, found: tuple[ProductChoice, ...]) -> None:
            super().__init__()
            self.text = text
            self.found = found

    def __init__(self, context: Context, *, confirm_above: int = DEFAULT_CONFIRM_ABOVE, id: str | None = None) -> None:
        super().__init__(id=id)
        self.context = context
        self.confirm_above = confirm_above
        self.lines: tuple[DraftLine, ...] = ()
        self.currency = "GBP"
        self.editing: int | None = None  # the line whose quantity is being typed
        self.problem_line: int | None = None  # 0-based line the last refusal named
        self.asking = False  # a quantity above the usual is being confirmed

    def compose(self) -> ComposeResult:
        yield Label("Products: a stock code or words of the name; 3*code for three", classes="step-prompt")
        box = self.search_box("BT-DRI-1000 · bosch drill · 3*dri-1000")
        box.inline_keys = {**box.inline_keys, "plus": lambda: self._nudge_last(1), "minus": lambda: self._nudge_last(-1)}
        yield box
        yield Label("", id="product-error", classes="field-error", markup=False)
        yield self.results_list()
        yield LinesTable(id="draft-lines", cursor_type="row", zebra_stripes=False,
                         on_enter=lambda: self.edit_quantity(self.table.cursor_row) if self.lines else None)
        with Horizontal(id="quantity-editor"):
            yield Label("", id="quantity-caption", markup=False)
            yield QuantityInput("1", id="line-quantity", compact=True, restrict=r"[0-9]*", max_length=4,
                                on_enter=self._quantity_entered)
            yield Label("", id="quantity-error", classes="field-error", markup=False)
        yield Static("", id="running-total")

    def on_mount(self) -> None:
        table = self.query_one("#draft-lines", DataTable)
        for label, key, width in (("#", "no", 2), ("Stock code", "code", 13), ("Product", "name", 22), ("Qty", "qty", 5),
                                  ("Unit", "unit", 10), ("Total", "total", 11)):
            table.add_column(label, key=key, width=width)
        self.query_one("#quantity-editor").display = False
        self.redraw()

    @property
    def table(self) -> DataTable:
        return self.query_one("#draft-lines", DataTable)

    def set_error(self, message: str | None) -> None:
        self.query_one("#product-error", Label).update(safe(message or ""))  # it can repeat what was typed

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#product-search")
    def _typed(self, event: Input.Changed) -> None:
        self.search_changed()
        self.search(event.value)

    @work(thread=True, exclusive=True, group="wizard-products", exit_on_error=False,
          description="search the products")
    def search(self, text: str) -> None:
        from hubtui.services.catalogue import search_products

        try:
            found = search_products(self.context, split_quantity(text).term)
        except Exception as error:  # shown next to the search, the wizard stays usable
            from hubtui.services.faults import one_line

            self.app.call_from_thread(self.set_error, one_line(error, lead="Could not search: "))
            return
        self.post_message(self._Found(text, found))

    @on(_Found)
    def _found(self, message: _Found) -> None:
        if message.text != self.search_input.value:
            return  # the agent typed on: a newer search is coming
        term = split_quantity(message.text).term
        if message.found:
            self.currency = message.found[0].currency
            self.set_error(None)
        elif term:
            self.set_error(f"No product on sale matches “{term}”.")
        self.show_answer(message.text, message.found, [product_label(p) for p in message.found])

    # ------------------------------------------------------------------ picking

    def _enter_in_search(self, value: str) -> None:
        typed = value.strip()
        if typed.isdigit() and self.lines:
            self._quantity_of_current(typed)
            return
        super()._enter_in_search(value)

    def _quantity_of_current(self, typed: str) -> None:
        """"3⏎" after a product was added: three of the line under the cursor (the one just added)."""
        index = min(self.table.cursor_row, len(self.lines) - 1)
        self.search_input.value = ""
        try:
            quantity = parse_quantity(typed)
            set_quantity(self.lines, index, quantity)
        except QuantityError as error:
            self.set_error(f"Line {index + 1} ({self.lines[index].stock_code}): {error}")
            return
        self.set_error(None)
        if needs_confirmation(quantity, self.confirm_above) and quantity != self.lines[index].quantity:
            self.edit_quantity(index)  # a "no" leaves the agent in the quantity to correct it
            self.query_one("#line-quantity", Input).value = typed
            self._confirm_quantity(index, quantity)
            return
        self._set_line_quantity(index, quantity)

    def pick(self, index: int | None) -> None:
        typed = self.search_input.value
        if index is None or index >= len(self.found):
            self.set_error("Type a stock code or part of a name, then enter to add the product."
                           if not split_quantity(typed).term else "Nothing to add: no product matches.")
            return
        product = self.found[index]
        typed_quantity = split_quantity(typed).quantity
        quantity = 1 if typed_quantity is None else typed_quantity
        if needs_confirmation(quantity, self.confirm_above):
            self._confirm_then_add(product, quantity)
        else:
            self._add(product, quantity)

    def _confirm_then_add(self, product: ProductChoice, quantity: int) -> None:
        from hubtui.screens.dialogs import ConfirmDialog

        self.asking = True

        def answered(yes: bool | None) -> None:
            self.asking = False
            if yes:
                self._add(product, quantity)
            else:
                self.set_error(f"Not added. Change the quantity in “{self.search_input.value}” and press enter.")
                self.screen.set_focus(self.search_input)

        total = format_money(product.price * quantity, product.currency, grouping=True)
        self.app.push_screen(ConfirmDialog(
            f"Add {quantity:,} × {safe(product.stock_code)} ({total})? That is more than the usual {self.confirm_above:,}.",
        ), answered)

    def add_line(self, product: ProductChoice, quantity: int) -> int:
        """Put the product on the lines; the index of the line that changed."""
        self.lines, changed = add_product(self.lines, DraftLine(product.stock_code, product.name, product.price,
                                                                quantity))
        return changed

    def _add(self, product: ProductChoice, quantity: int) -> None:
        try:
            changed = self.add_line(product, quantity)
        except QuantityError as error:
            self.set_error(f"{product.stock_code}: {error}")
            return
        self.set_error(None)
        self._lines_changed()
        self.table.move_cursor(row=changed)
        # The next search starts at once: what is typed now is the next product, never this one's quantity.
        self.search_input.value = ""
        self.screen.set_focus(self.search_input)

    def _nudge_last(self, delta: int) -> bool:
        """+ / − in the empty search box: one more or fewer of the line just added (under the cursor)."""
        if self.search_input.value or not self.lines:
            return False  # text to type
        self.change_quantity(delta)
        return True

    # ------------------------------------------------------------------ quantities

    def edit_quantity(self, index: int) -> None:
        self.editing = index
        line = self.lines[index]
        self.query_one("#quantity-caption", Label).update(f"Quantity of {line.stock_code}: ")
        self.query_one("#quantity-error", Label).update("")
        editor = self.query_one("#line-quantity", Input)
        editor.value = str(line.quantity)
        self.query_one("#quantity-editor").display = True
        self.table.move_cursor(row=index)
        self.screen.set_focus(editor)

    def _quantity_entered(self, value: str) -> bool:
        """Take the quantity typed; False (and the reason beside it) when it cannot be taken."""
        if self.editing is None:
            return True
        try:
            quantity = parse_quantity(value)
            set_quantity(self.lines, self.editing, quantity)
        except QuantityError as error:
            self.query_one("#quantity-error", Label).update(f" {error}")
            return False
        index = self.editing
        if quantity != self.lines[index].quantity and needs_confirmation(quantity, self.confirm_above):
            self._confirm_quantity(index, quantity)
            return False
        self._set_line_quantity(index, quantity)
        return True

    def _confirm_quantity(self, index: int, quantity: int) -> None:
        from hubtui.screens.dialogs import ConfirmDialog

        line = self.lines[index]
        self.asking = True

        def answered(yes: bool | None) -> None:
            self.asking = False
            if yes and self.editing == index:
                self._set_line_quantity(index, quantity)
            elif self.editing == index:
                self.screen.set_focus(self.query_one("#line-quantity", Input))

        total = format_money(line.unit_price * quantity, self.currency, grouping=True)
        self.app.push_screen(ConfirmDialog(
            f"{quantity:,} × {safe(line.stock_code)} ({total})? That is more than the usual {self.confirm_above:,}.",
        ), answered)

    def _set_line_quantity(self, index: int, quantity: int) -> None:
        self.lines = set_quantity(self.lines, index, quantity)
        self.close_editor()
        self._lines_changed()

    def commit_editor(self) -> bool:
        """Before leaving the step: what the quantity box shows is what the order gets. False if it
        cannot be taken (the reason is beside it) or is being confirmed."""
        if self.asking:
            return False
        if self.editing is None:
            return True
        return self._quantity_entered(self.query_one("#line-quantity", Input).value)

    def close_editor(self) -> bool:
        """Leave the quantity as it was and go back to the search; True if an edit was open."""
        if self.editing is None:
            return False
        self.editing = None
        self.query_one("#quantity-editor").display = False
        self.screen.set_focus(self.search_input)
        return True

    def change_quantity(self, delta: int) -> None:
        row = self.table.cursor_row
        if not self.lines or row >= len(self.lines):
            return
        try:
            self.lines = set_quantity(self.lines, row, self.lines[row].quantity + delta)
        except QuantityError as error:
            self.set_error(f"Line {row + 1}: {error} (del removes the line)")
            return
        self.set_error(None)
        self._lines_changed()

    def remove(self) -> None:
        row = self.table.cursor_row
        if not self.lines or row >= len(self.lines):
            return
        self.lines = remove_line(self.lines, row)
        if self.problem_line is not None:
            self.problem_line = None if self.problem_line == row else self.problem_line - (self.problem_line > row)
        self.set_error(None)
        self._lines_changed()
        if not self.lines:
            self.search_input.focus()

    def show_problem(self, line_no: int, message: str) -> None:
        """A refusal from placing the order that names a line (e.g. a product no longer sold)."""
        self.problem_line = line_no - 1
        self.redraw()
        self.set_error(f"{message} Remove it (del) or change it.")
        if 0 <= self.problem_line < len(self.lines):
            self.table.move_cursor(row=self.problem_line)
            self.table.focus()

    def _lines_changed(self) -> None:
        self.redraw()
        self.post_message(self.LinesChanged())

    def redraw(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear()
        for i, line in enumerate(self.lines):
            flag = "bold red" if i == self.problem_line else self.line_style(i)
            table.add_row(
                Text(self.line_label(i), style=flag), shown(line.stock_code, flag), shown(line.name, flag),
                Text(self.quantity_label(i), justify="right", style=flag),
                Text(format_money(line.unit_price, self.currency, grouping=True), justify="right", style=flag),
                Text(format_money(line.total, self.currency, grouping=True), justify="right", style=flag),
            )
        if self.lines:
            table.move_cursor(row=min(cursor, len(self.lines) - 1))
        self.query_one("#running-total", Static).update(self.summary())

    def line_style(self, index: int) -> str:
        return ""

    def line_label(self, index: int) -> str:
        return str(index + 1)

    def quantity_label(self, index: int) -> str:
        return str(self.lines[index].quantity)

    def summary(self) -> Text:
        """What shows under the lines: the running total and the keys."""
        t = totals(self.lines)
        summary = Text()
        if self.lines:
            summary.append(f"{t.lines} line{'s' if t.lines != 1 else ''} · {t.items} item{'s' if t.items != 1 else ''} · ")
            summary.append(f"lines total {format_money(t.lines_total, self.currency, grouping=True)}", style="bold")
            summary.append(f"\n{LINES_HINT}", style="dim")
        else:
            summary.append("No lines yet: pick a product with enter.", style="dim")
        return summary
