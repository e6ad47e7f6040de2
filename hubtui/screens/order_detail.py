"""One order in full: customer, addresses, lines, totals, payments, shipping, returns, history."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from hubtui.commands import APP_COMMANDS, ORDER_COMMANDS, bindings
from hubtui.domain.money import format_money
from hubtui.domain.orders import (
    OrderStatus,
    allowed_targets,
    owed_to_customer,
)
from hubtui.domain.payments import payment_refusal
from hubtui.domain.permissions import Permission, can, status_permission, why_not
from hubtui.services.context import Context
from hubtui.services.views import OrderDetail
from hubtui.widgets.hub_footer import HubFooter


class OrderDetailScreen(Screen[None]):
    AUTO_FOCUS = "#detail-body"
    BINDINGS = bindings(ORDER_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + ORDER_COMMANDS
    HELP_TITLE = "Order details"

    class Loaded(Message):
        def __init__(self, detail: OrderDetail) -> None:
            super().__init__()
            self.detail = detail

    class Failed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, context: Context, number: str, detail: OrderDetail | None = None, *,
                 flash: str | None = None) -> None:
        super().__init__()
        self.context = context
        self.number = number
        self.detail = detail
        self.flash = flash  # what was just done to the order (placed and paid): its first line, not a notice

    def compose(self) -> ComposeResult:
        yield Header()
        # Money first: an agent on a call is asked "has it been paid?" before anything else, so the
        # money line and the payments show without scrolling, even at 80x24.
        with VerticalScroll(id="detail-body"):
            yield Static(id="flash")
            yield Static(id="summary")
            yield Static(id="payments", classes="box")
            yield Static(id="lines", classes="box")
            with Horizontal(id="money"):
                yield Static(id="totals", classes="box")
                yield Static(id="tracking", classes="box")
            with Horizontal(id="parties"):
                yield Static(id="customer", classes="box")
                yield Static(id="shipping", classes="box")
                yield Static(id="billing", classes="box")
            yield Static(id="returns", classes="box")
            yield Static(id="activity", classes="box")
        yield LoadingIndicator(id="detail-loading")
        yield HubFooter()

    def on_mount(self) -> None:
        self.title = self.number
        flash = self.query_one("#flash", Static)
        flash.display = self.flash is not None
        flash.update(Text(self.flash or ""))
        if self.detail is not None:
            self._show(self.detail)
        else:
            self.load()

    @work(thread=True, exclusive=True, group="order-detail")
    def load(self) -> None:
        from hubtui.services.order_reads import get_order

        try:
            self.post_message(self.Loaded(get_order(self.context, self.number)))
        except Exception as error:
            self.post_message(self.Failed(error))

    def on_order_detail_screen_loaded(self, message: Loaded) -> None:
        self._show(message.detail)

    def on_order_detail_screen_failed(self, message: Failed) -> None:
        self.query_one("#detail-loading").display = False
        self.notify(str(message.error), title=f"Could not read {self.number}", severity="error")

    def _show(self, d: OrderDetail) -> None:
        self.detail = d
        self.query_one("#detail-loading").display = False
        self.title = f"{d.number} · {d.channel_label}"
        self.sub_title = f"{d.status} · payment {d.payment_status} · {self.context.operator.user_name} ({self.context.operator.role})"
        self.query_one("#summary", Static).update(_summary(d))
        self.query_one("#customer", Static).update(_customer(d))
        self.query_one("#shipping", Static).update(_address("Ship to", d.shipping.lines()))
        self.query_one("#billing", Static).update(_address("Bill to", d.billing.lines()))
        self.query_one("#lines", Static).update(_lines(d))
        self.query_one("#totals", Static).update(_totals(d))
        self.query_one("#payments", Static).update(_payments(d))
        self.query_one("#tracking", Static).update(_tracking(d))
        self.query_one("#returns", Static).update(_returns(d))
        self.query_one("#activity", Static).update(_activity(d))
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what this order's status or the operator's role does not allow."""
        if action not in _ORDER_ACTIONS:
            return True
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        """Why `action` cannot be done on this order now (said when its greyed key is pressed)."""
        d = self.detail
        if d is None:
            return f"{self.number} is still being read."
        role = self.context.operator.role
        if action == "change_status":
            if self._status_targets():
                return None
            if not allowed_targets(OrderStatus(d.status), _held_from(d)):
                return f"{d.number} is {d.status}: its status cannot change any more."
            return why_not(role, Permission.change_status) or f"{d.number} is {d.status}: nothing you may move it to."
        if action == "pay":
            return why_not(role, Permission.record_payment) or payment_refusal(d.number, d.status, d.balance_due,
                                                                                d.currency)
        if action == "add_note":
            return why_not(role, Permission.add_note)
        return None

    def _status_targets(self) -> list[OrderStatus]:
        d = self.detail
        if d is None:
            return []
        current = OrderStatus(d.status)
        held_from = _held_from(d)
        role = self.context.operator.role
        targets = []
        for target in sorted(allowed_targets(current, held_from), key=list(OrderStatus).index):
            releasing = current == OrderStatus.OnHold and target == held_from
            if can(role, Permission.change_status if releasing else status_permission(target)):
                targets.append(target)
        return targets

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_add_note(self) -> None:
        from hubtui.screens.dialogs import NoteDialog

        def save(text: str | None) -> None:
            if text:
                from hubtui.services.order_writes import add_note

                self._write(lambda: add_note(self.context, self.number, text), "Note added.")

        self.app.push_screen(NoteDialog(self.number), save)

    def action_change_status(self) -> None:
        from hubtui.screens.dialogs import StatusChoice, StatusDialog

        d = self.detail
        if d is None:
            return

        def save(choice: StatusChoice | None) -> None:
            if choice is None:
                return
            from hubtui.services.order_writes import change_status

            self._write(
                lambda: change_status(self.context, self.number, choice.status, reason=choice.reason,
                                      comment=choice.comment, expected_version=d.version),
                lambda detail: _moved_message(detail),
            )

        owed = owed_to_customer(OrderStatus.Cancelled, d.order_total, d.paid_total, d.refunded_total)
        self.app.push_screen(StatusDialog(d.number, d.status, [t.value for t in self._status_targets()],
                                          owed_if_cancelled=_money(d, owed) if owed else None), save)

    def action_pay(self) -> None:
        from hubtui.screens.payment_dialog import PaymentDialog, recorded_message

        d = self.detail
        if d is None:
            return
        dialog = PaymentDialog(self.context, d)

        def saved(result: OrderDetail | None) -> None:
            if result is not None:
                self.post_message(self.Loaded(result))
                self.notify(recorded_message(result), timeout=4)
            elif dialog.stale:
                self.load()  # someone else changed the order while the dialog was open: show their change

        self.app.push_screen(dialog, saved)

    @work(thread=True, group="order-writes")
    def _write(self, change, done) -> None:  # type: ignore[no-untyped-def]
        """Run `change` (a service call); `done` is the notice, or makes it from the order as stored."""
        try:
            detail = change()
        except Exception as error:  # refused changes are explained, never half-written
            self.app.call_from_thread(self.notify, str(error), title="Not saved", severity="error", timeout=8)
            self.app.call_from_thread(self.load)  # show what is stored now, e.g. after a conflict
            return
        self.post_message(self.Loaded(detail))
        self.app.call_from_thread(self.notify, done if isinstance(done, str) else done(detail), timeout=4)


def _moved_message(d: OrderDetail) -> str:
    message = f"{d.number} is now {d.status}."
    if d.owed_to_customer:
        message += f" {_money(d, d.owed_to_customer)} is owed back to the customer."
    return message


_ORDER_ACTIONS = {"change_status", "pay", "add_note"}


def _held_from(d: OrderDetail) -> OrderStatus | None:
    return OrderStatus(d.held_from_status) if d.held_from_status else None


def _money(d: OrderDetail, minor: int) -> str:
    return format_money(minor, d.currency, grouping=True)


def _summary(d: OrderDetail) -> RenderableType:
    text = Text()
    text.append(f"{d.number}", style="bold")
    text.append(f"  {d.channel_label}", style="bold cyan" if d.channel == "telephone" else "cyan")
    text.append(f"  {d.order_type}  ")
    text.append(d.status, style="bold reverse")
    text.append(f"  payment {d.payment_status}")
    if d.fraud_score >= 70:
        text.append(f"  fraud score {d.fraud_score}", style="bold red")
    text.append("\n")
    text.append_text(money_line(d))
    text.append(f"\nplaced {d.placed_at:%d %b %Y %H:%M} UTC on {d.org_code}/{d.microsite}")
    if d.external_ref:
        text.append(f" · ref {d.external_ref}")
    if d.customer_reference:
        text.append(f" · customer reference {d.customer_reference}")
    if d.tags:
        text.append(f" · tags {d.tags}")
    if d.cancel_reason:
        text.append(f" · cancelled: {d.cancel_reason}", style="dim")
    if d.held_from_status:
        text.append(f" · held from {d.held_from_status}", style="yellow")
    text.append(f"\nversion {d.version}, last changed {d.updated_at:%d %b %H:%M} by {d.updated_by}", style="dim")
    return text


def money_line(d: OrderDetail) -> Text:
    """Total, paid, what is still due and what is owed back, on one line."""
    text = Text()
    text.append(f"total {_money(d, d.order_total)}", style="bold")
    text.append(f" · paid {_money(d, d.paid_total)}")
    if d.refunded_total:
        text.append(f" · refunded {_money(d, d.refunded_total)}")
    text.append(" · balance due ")
    text.append(_money(d, d.balance_due), style="bold yellow" if d.balance_due else "bold")
    if d.owed_to_customer:
        text.append(" · owed back to the customer ")
        text.append(_money(d, d.owed_to_customer), style="bold red")
    return text


def _customer(d: OrderDetail) -> RenderableType:
    text = Text("Customer\n", style="bold")
    text.append(f"{d.customer_name}\n{d.customer_email}\n{d.customer_phone}")
    if d.company_name:
        text.append(f"\n{d.company_name}", style="italic")
    return text


def _address(title: str, lines: list[str]) -> RenderableType:
    return Text(f"{title}\n", style="bold") + Text("\n".join(lines) or "—")


def _lines(d: OrderDetail) -> RenderableType:
    table = Table(title="Lines", title_justify="left", expand=True, box=None, padding=(0, 1))
    for name, justify in (("#", "right"), ("Stock code", "left"), ("Product", "left"), ("Qty", "right"),
                          ("Unit", "right"), ("Discount", "right"), ("Line total", "right"), ("Sent", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "Product")  # type: ignore[arg-type]
    for line in d.lines:
        table.add_row(str(line.line_no), line.stock_code, line.product_name, str(line.quantity),
                      _money(d, line.unit_price), _money(d, line.discount) if line.discount else "",
                      _money(d, line.line_total), str(line.dispatched_quantity))
    return table


def _totals(d: OrderDetail) -> RenderableType:
    table = Table(title="Totals", title_justify="left", box=None, show_header=False, expand=True)
    table.add_column()
    table.add_column(justify="right")
    for label, value in (("Lines", d.lines_total), ("Discount", -d.discount_total), ("Shipping", d.shipping_total),
                         ("Order total", d.order_total), ("Paid", d.paid_total), ("Refunded", d.refunded_total),
                         ("Balance due", d.balance_due), ("Owed back", d.owed_to_customer)):
        if label == "Owed back" and not value:
            continue
        style = "bold" if label in ("Order total", "Balance due") else ""
        table.add_row(Text(label, style=style), Text(_money(d, value), style=style))
    return table


def _payments(d: OrderDetail) -> RenderableType:
    if not d.payments:
        return Text("Payments ", style="bold") + Text("none yet", style="dim")
    # Columns as wide as their longest value, so rows of separate grids line up; each comment gets
    # a whole line under its payment instead of a narrow wrapped cell, so this fits 80 columns.
    rows = [(f"{p.recorded_at:%d %b %H:%M}", p.recorded_by, p.method, p.status, _money(d, p.amount), p.reference)
            for p in d.payments]
    header = ("When", "By", "Method", "Status", "Amount", "Reference")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(5)]
    widths[1] = min(widths[1], 12)

    def grid(cells: tuple[str, ...], style: str = "") -> Table:
        table = Table.grid(expand=True, padding=(0, 1, 0, 0))
        for i, width in enumerate(widths):
            table.add_column(width=width, justify="right" if i == 4 else "left", no_wrap=True, overflow="ellipsis")
        table.add_column(ratio=1, overflow="fold")
        table.add_row(*cells, style=style)
        return table

    parts: list[RenderableType] = [Text("Payments", style="bold"), grid(header, style="bold")]
    for payment, row in zip(d.payments, rows):
        parts.append(grid(row))
        if payment.comment:
            parts.append(Text(f"  {payment.comment}", style="italic dim"))
    return Group(*parts)


def _tracking(d: OrderDetail) -> RenderableType:
    text = Text("Shipping and tracking\n", style="bold")
    text.append(f"Shipping charge {_money(d, d.shipping_total)}\n")
    if d.tracking_number:
        text.append(f"{d.tracking_carrier} {d.tracking_number}\n{d.tracking_link}")
    else:
        text.append("no tracking yet", style="dim")
    return text


def _returns(d: OrderDetail) -> RenderableType:
    text = Text("Returns\n", style="bold")
    if not d.returns:
        return text + Text("none", style="dim")
    for r in d.returns:
        text.append(f"{r.number} {r.status} · {r.action} · {r.reason} · via {r.raised_from}\n")
    return text


def _activity(d: OrderDetail) -> RenderableType:
    table = Table(title="Activity (newest first)", title_justify="left", box=None, expand=True, padding=(0, 1))
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    for a in d.activity:
        table.add_row(f"{a.at:%d %b %Y %H:%M}", a.user_name, a.summary)
    return Group(table) if d.activity else Text("no activity", style="dim")
