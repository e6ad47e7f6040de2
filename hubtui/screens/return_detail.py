"""One return in full: its order, lines, money, outcome and history, and the keys that move it on
(status, receive, QC, refund, replacement, credit note), each greyed with the reason when the
return's status or the operator's role does not allow it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from hubtui.domain.permissions import Permission, can, why_not
from hubtui.domain.returns import OUTCOME_READY, QC_STATUSES, RECEIVABLE_STATUSES, RMA_MOVE_PERMISSIONS, RmaStatus
from hubtui.screens.record_edits import RecordEdits
from hubtui.services.context import Context
from hubtui.services.return_views import ReturnDetail
from hubtui.widgets import return_view as view
from hubtui.widgets.commands import APP_COMMANDS, RETURN_COMMANDS, bindings
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.safe_text import safe
from hubtui.widgets.worker_errors import RETRY_HINT, ReportsWorkerErrors

_GUARDED = {"change_status", "receive", "qc", "refund", "replace", "credit"}


class ReturnDetailScreen(ReportsWorkerErrors, RecordEdits, Screen[None]):
    AUTO_FOCUS = "#return-body"
    RETRY_KEY_HINT = RETRY_HINT
    BINDINGS = bindings(RETURN_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + RETURN_COMMANDS
    HELP_TITLE = "Return details"

    class Loaded(Message):
        def __init__(self, detail: ReturnDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, context: Context, detail: ReturnDetail) -> None:
        super().__init__()
        self.context = context
        self.detail = detail
        self.number = detail.number

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="return-body"):
            yield Static(id="return-summary")
            yield Static(id="return-lines", classes="box")
            yield Static(id="return-outcome", classes="box")
            yield Static(id="return-history", classes="box")
        yield HubFooter()

    def on_mount(self) -> None:
        self._show(self.detail)

    @work(thread=True, exclusive=True, group="return-detail", exit_on_error=False, description="read the return")
    def load(self) -> None:
        from hubtui.services.return_reads import get_return

        self.post_message(self.Loaded(get_return(self.context, self.number)))

    def on_return_detail_screen_loaded(self, message: Loaded) -> None:
        self._show(message.detail)

    def _show(self, d: ReturnDetail) -> None:
        self.detail = d
        self.title = f"{d.number} · {d.order_number}"
        operator = self.context.operator
        self.sub_title = f"{d.status} · {d.action} · {safe(operator.user_name)} ({operator.role})"
        self.query_one("#return-summary", Static).update(view.summary(d))
        self.query_one("#return-lines", Static).update(view.lines(d))
        self.query_one("#return-outcome", Static).update(view.outcome(d))
        self.query_one("#return-history", Static).update(view.history(d))
        self.refresh_bindings()

    # ------------------------------------------------------------------ what may be done now

    def _moves(self) -> list[str]:
        role = self.context.operator.role
        return [m for m in self.detail.moves if can(role, RMA_MOVE_PERMISSIONS[RmaStatus(m)])]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in _GUARDED:
            return True
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        d, role = self.detail, self.context.operator.role
        closed = f"{d.number} is closed as {d.status}." + (
            " A new request is needed: u on the order raises one." if d.status in ("RejectRequest", "ExchangeDenied")
            else "")
        if action == "change_status":
            if d.final:
                return closed
            if not self._moves():
                needs = {RMA_MOVE_PERMISSIONS[RmaStatus(m)] for m in d.moves}
                return next((why_not(role, p) for p in needs if why_not(role, p)), None) or (
                    f"{d.number} is {d.status}: it moves on by receiving, QC or its outcome.")
            return None
        if d.final:
            return closed
        if action == "receive":
            return why_not(role, Permission.receive_return) or (
                None if d.status in RECEIVABLE_STATUSES else f"{d.number} is {d.status}: nothing is waiting to be received.")
        if action == "qc":
            return why_not(role, Permission.qc_return) or (
                None if d.status in QC_STATUSES else f"{d.number} is {d.status}: QC follows receiving the goods.")
        ready = d.status in OUTCOME_READY
        if action == "refund":
            if not (can(role, Permission.refund) or can(role, Permission.small_refund)):
                return why_not(role, Permission.refund)
            return None if ready or d.status == RmaStatus.RefundPaymentProblems else (
                f"{d.number} is {d.status}: a refund comes after QC.")
        if action == "credit":
            if not (can(role, Permission.refund) or can(role, Permission.small_refund)):
                return why_not(role, Permission.refund)
            return None if ready else f"{d.number} is {d.status}: a credit note comes after QC."
        if action == "replace":
            return why_not(role, Permission.create_order) or why_not(role, Permission.raise_return) or (
                None if ready else f"{d.number} is {d.status}: a replacement comes after QC.")
        return None

    # ------------------------------------------------------------------ keys

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_open_order(self) -> None:
        self.app.open_order(self.detail.order_number)  # type: ignore[attr-defined]

    async def action_change_status(self) -> None:
        from hubtui.screens.dialogs import StatusDialog
        from hubtui.services.returns import move_return

        d = self.detail
        moves = self._moves()
        await self._edit(
            lambda choice, error: StatusDialog(d.number, d.status, moves, again=choice, error=error),
            lambda choice, version: move_return(self.context, self.number, choice.status, comment=choice.comment,
                                                expected_version=version),
            lambda detail: f"{detail.number} is now {detail.status}.",
        )

    async def action_receive(self) -> None:
        from hubtui.screens.receive_dialog import ReceiveDialog

        def closed(received: ReturnDetail | bool | None) -> None:
            if isinstance(received, ReturnDetail):
                self._show(received)

        await self.app.push_screen(ReceiveDialog(self.context, self.detail), closed)

    async def action_qc(self) -> None:
        from hubtui.screens.return_dialogs import QcDialog
        from hubtui.services.returns import pass_qc

        d = self.detail
        await self._edit(
            lambda choice, error: QcDialog(d, again=choice, error=error),
            lambda choice, version: pass_qc(self.context, self.number, note=choice.note, passed=choice.passed,
                                            expected_version=version),
            lambda detail: f"{detail.number} is now {detail.status}.",
        )

    async def action_refund(self) -> None:
        from hubtui.screens.return_dialogs import RefundDialog
        from hubtui.services.return_outcomes import refund_return

        d = self.detail
        await self._edit(
            lambda choice, error: RefundDialog(d, again=choice, error=error),
            lambda choice, version: refund_return(self.context, self.number, amount=choice.amount,
                                                  method=choice.method, reference=choice.reference,
                                                  failed=choice.failed, expected_version=version),
            lambda detail: (f"{detail.number}: refund recorded, {view.money(detail, detail.refunded)} back to the "
                            "customer." if detail.status == RmaStatus.RefundProcessed else
                            f"{detail.number}: the refund failed; f tries again."),
        )

    async def action_credit(self) -> None:
        from hubtui.screens.return_dialogs import CreditDialog
        from hubtui.services.return_outcomes import credit_return

        d = self.detail
        await self._edit(
            lambda choice, error: CreditDialog(d, again=choice, error=error),
            lambda choice, version: credit_return(self.context, self.number, choice.number, amount=choice.amount,
                                                  expected_version=version),
            lambda detail: f"{detail.number}: credit note {detail.credit_note_number} recorded.",
        )

    async def action_replace(self) -> None:
        from hubtui.screens.dialogs import ConfirmDialog
        from hubtui.screens.return_dialogs import ExchangeDialog
        from hubtui.services.return_outcomes import replace_return

        d = self.detail
        done = lambda detail: (f"{detail.number}: replacement order {detail.replacement_order_number} created "  # noqa: E731
                               "(Approved).")
        if d.action == "Exchange":  # other products may go out instead
            await self._edit(
                lambda choice, error: ExchangeDialog(d, again=choice, error=error),
                lambda choice, version: replace_return(self.context, self.number, products=choice.products or None,
                                                       expected_version=version),
                done,
            )
            return
        units = sum(line.coming_back for line in d.lines)
        await self._edit(
            lambda _choice, error: ConfirmDialog(
                (f"{error} " if error else "") + f"Create a replacement order for {units} unit(s) at no charge "
                f"for {d.order_number}'s customer?"),
            lambda yes, version: replace_return(self.context, self.number, expected_version=version) if yes else None,
            done,
        )
