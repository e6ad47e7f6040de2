"""One order in full: customer, addresses, lines, totals, payments, shipping, returns, history."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from hubtui.domain.orders import (
    OrderStatus,
    edit_refusal,
    allowed_targets,
    owed_to_customer,
)
from hubtui.domain.payments import payment_refusal
from hubtui.domain.permissions import Permission, status_moves, why_not
from hubtui.domain.tracking import tracking_refusal
from hubtui.screens.payment_status_dialog import correctable
from hubtui.screens.record_edits import RecordEdits
from hubtui.services.context import Context
from hubtui.services.views import OrderDetail
from hubtui.widgets import order_view as view
from hubtui.widgets.commands import APP_COMMANDS, ORDER_COMMANDS, bindings
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.safe_text import safe, shown
from hubtui.widgets.worker_errors import RETRY_HINT, ReportsWorkerErrors


class OrderDetailScreen(ReportsWorkerErrors, RecordEdits, Screen[None]):
    AUTO_FOCUS = "#detail-body"
    RETRY_KEY_HINT = RETRY_HINT
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
        flash.update(shown(self.flash or ""))
        if self.detail is not None:
            self._show(self.detail)
        else:
            self.load()

    @work(thread=True, exclusive=True, group="order-detail", exit_on_error=False, description="read the order")
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
        from hubtui.services.faults import one_line

        self.notify(one_line(message.error), title=f"Could not read {self.number}", severity="error")

    def _show(self, d: OrderDetail) -> None:
        self.detail = d
        self.query_one("#detail-loading").display = False
        self.title = f"{d.number} · {d.channel_label}"
        self.sub_title = f"{d.status} · payment {d.payment_status} · {safe(self.context.operator.user_name)} ({self.context.operator.role})"
        self.query_one("#summary", Static).update(view.summary(d))
        self.query_one("#customer", Static).update(view.customer(d))
        self.query_one("#shipping", Static).update(view.address("Ship to", d.shipping.lines()))
        self.query_one("#billing", Static).update(view.address("Bill to", d.billing.lines()))
        self.query_one("#lines", Static).update(view.lines(d))
        self.query_one("#totals", Static).update(view.totals(d))
        self.query_one("#payments", Static).update(view.payments(d))
        self.query_one("#tracking", Static).update(view.tracking(d))
        self.query_one("#returns", Static).update(view.returns(d))
        self.query_one("#activity", Static).update(view.activity(d))
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
        if action == "attachments":
            return why_not(role, Permission.add_note)
        if action == "edit_details":
            return why_not(role, Permission.edit_order) or edit_refusal(d.number, d.status,
                                                                         "addresses, phone and reference")
        if action in ("edit_lines", "discount"):
            return why_not(role, Permission.edit_order) or edit_refusal(d.number, d.status, "lines and discounts")
        if action == "tracking":
            return why_not(role, Permission.set_tracking) or tracking_refusal(d.number, d.status)
        if action == "release_hold":
            held_from = _held_from(d)
            if d.status != OrderStatus.OnHold.value or held_from is None:
                return f"{d.number} is {d.status}, not on hold: nothing to release."
            if held_from not in self._status_targets():
                return why_not(role, Permission.change_status) or f"{d.number} cannot go back to {held_from.value}."
            return None
        if action == "raise_return":
            from hubtui.domain.returns import RETURN_PIPELINE

            refusal = why_not(role, Permission.raise_return)
            if refusal:
                return refusal
            if d.status not in RETURN_PIPELINE:
                return f"{d.number} is {d.status}: it cannot be returned."
            if not any(line.dispatched_quantity for line in d.lines):
                return f"{d.number} is {d.status}: nothing has been dispatched to return yet."
            return None
        if action == "correct_payment":
            return why_not(role, Permission.record_payment) or (
                None if correctable(d.payments) else f"{d.number} has no payment whose status can be corrected.")
        return None

    def _status_targets(self) -> list[OrderStatus]:
        d = self.detail
        if d is None:
            return []
        return status_moves(self.context.operator.role, OrderStatus(d.status), _held_from(d))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    async def action_add_note(self) -> None:
        from hubtui.screens.dialogs import NoteDialog

        def save(text: str | None) -> None:
            if text:
                from hubtui.services.order_writes import add_note

                self._write(lambda: add_note(self.context, self.number, text), "Note added.",
                            again=lambda error, _fresh=None: self.app.push_screen(
                                NoteDialog(self.number, text=text, error=error), save))

        # Awaited, as every priority key's screen is: the keys typed behind `a` are for the dialog.
        await self.app.push_screen(NoteDialog(self.number), save)

    async def action_change_status(self) -> None:
        from hubtui.screens.dialogs import StatusDialog
        from hubtui.services.order_writes import change_status

        d = self.detail
        if d is None:
            return
        owed = owed_to_customer(OrderStatus.Cancelled, d.order_total, d.paid_total, d.refunded_total)
        targets = [t.value for t in self._status_targets()]
        await self._edit(
            lambda choice, error: StatusDialog(d.number, d.status, targets, again=choice, error=error,
                                               owed_if_cancelled=view.money(d, owed) if owed else None),
            lambda choice, version: change_status(self.context, self.number, choice.status, reason=choice.reason,
                                                  comment=choice.comment, expected_version=version),
            _moved_message,
        )

    async def action_pay(self) -> None:
        from hubtui.screens.payment_dialog import take_payment

        if self.detail is not None:
            # After someone else's change while the dialog was open, show theirs.
            opened = take_payment(self, self.context, self.detail, saved=lambda d: self.post_message(self.Loaded(d)),
                                  stale=self.load)
            if opened is not None:
                await opened

    async def action_attachments(self) -> None:
        from hubtui.screens.attachments_dialog import AttachmentsDialog

        def closed(attached: bool | None) -> None:
            if attached:
                self.load()  # the activity log names what was attached

        await self.app.push_screen(AttachmentsDialog(self.context, self.number), closed)

    async def action_edit_details(self) -> None:
        from hubtui.screens.address_dialog import AddressDialog
        from hubtui.services.order_writes import update_details

        d = self.detail
        if d is None:
            return
        await self._edit(
            lambda typed, error: AddressDialog(d.number, d.shipping, d.billing, d.customer_phone,
                                               d.customer_reference, typed=typed, error=error),
            lambda changes, version: update_details(self.context, self.number, changes, expected_version=version),
            f"{d.number}: saved.",
        )

    async def action_edit_lines(self) -> None:
        from hubtui.screens.order_lines import OrderLinesScreen

        d = self.detail
        if d is None:
            return

        def closed(saved: tuple[OrderDetail, bool] | None) -> None:
            if saved is None:
                return
            detail, pay = saved
            self._show(detail)
            self.notify(f"{detail.number}: lines saved. {detail.activity[0].summary.rsplit('; ', 1)[-1]}"
                        + ("" if pay or not detail.balance_due else " p takes the payment."), timeout=6)
            if pay:
                self.call_later(self.action_pay)

        # Awaited, as every priority key's screen is: the keys typed behind `l` are for the editor.
        await self.app.push_screen(OrderLinesScreen(self.context, d), closed)

    async def action_discount(self) -> None:
        from hubtui.screens.discount_dialog import DiscountChoice, DiscountDialog
        from hubtui.services import order_discounts as discounts

        d = self.detail
        if d is None:
            return

        def change(choice: DiscountChoice, version: int) -> OrderDetail:
            number, ctx = self.number, self.context
            if choice.remove_id is not None:
                return discounts.remove_discount(ctx, number, choice.remove_id, expected_version=version)
            entry = choice.entry
            assert entry is not None
            if entry.code:
                return discounts.apply_promotion(ctx, number, entry.code, expected_version=version)
            return discounts.add_discount(ctx, number, reason=choice.reason, amount=entry.amount, percent=entry.percent,
                                          written_in=entry.written_in, expected_version=version)

        await self._edit(
            lambda typed, error: DiscountDialog(self.detail or d, typed=typed, error=error), change,
            lambda detail: f"{detail.number}: {detail.activity[0].summary}",
        )

    async def action_tracking(self) -> None:
        from hubtui.domain.tracking import Tracking
        from hubtui.screens.tracking_dialog import TrackingDialog
        from hubtui.services.order_tracking import set_tracking

        d = self.detail
        if d is None:
            return
        stored = Tracking(d.tracking_carrier, d.tracking_number, d.tracking_link)
        await self._edit(
            lambda typed, error: TrackingDialog(d.number, typed or stored, error=error),
            lambda tracking, version: set_tracking(self.context, self.number, tracking, expected_version=version),
            lambda detail: f"{detail.number}: tracking {detail.tracking_number} saved.",
        )

    def action_release_hold(self) -> None:
        d = self.detail
        held_from = _held_from(d) if d is not None else None
        if d is None or held_from is None:
            return
        from hubtui.services.order_writes import change_status

        worker = self._write(
            lambda: change_status(self.context, self.number, held_from.value, comment="hold released",
                                  expected_version=d.version),
            f"{d.number} released: back to {held_from.value}.",
        )
        hold_keys(self, until=worker, writing=True)  # keys typed behind h are for the order as released

    def action_raise_return(self) -> None:
        self.app.raise_return(self.number)  # type: ignore[attr-defined]

    async def action_correct_payment(self) -> None:
        from hubtui.screens.payment_status_dialog import PaymentStatusDialog
        from hubtui.services.order_payments import correct_payment

        d = self.detail
        if d is None:
            return
        payments = correctable(d.payments)
        money = {p.id: view.money(d, p.amount) for p in payments}
        await self._edit(
            lambda choice, error: PaymentStatusDialog(d.number, payments, money, again=choice, error=error),
            lambda choice, version: correct_payment(self.context, self.number, choice.payment_id, choice.status,
                                                    comment=choice.comment, expected_version=version),
            lambda detail: f"Payment corrected: {detail.number} is {detail.status}, payment {detail.payment_status}.",
        )


def _moved_message(d: OrderDetail) -> str:
    message = f"{d.number} is now {d.status}."
    if d.owed_to_customer:
        message += f" {view.money(d, d.owed_to_customer)} is owed back to the customer."
    return message


_ORDER_ACTIONS = {"raise_return", "change_status", "pay", "add_note", "correct_payment", "release_hold", "tracking", "edit_details",
                  "attachments", "edit_lines", "discount"}


def _held_from(d: OrderDetail) -> OrderStatus | None:
    return OrderStatus(d.held_from_status) if d.held_from_status else None
