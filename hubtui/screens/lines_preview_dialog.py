"""What a change of lines does before it is written: each changed line before → after, the
discounts worked out again, the new total, and the balance due or the credit owed.

ctrl+s saves, `p` saves and goes straight to taking the balance due, esc goes back to the
lines. After another operator's change it says who and when and offers `r`: reload the order
and reapply the changes to it, showing the new preview (ctrl+s is refused until then).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hubtui.domain.money import format_money
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.order_lines import LinesChange
from hubtui.widgets.safe_text import safe, shown


def money_lines(change: LinesChange) -> Text:
    """The money the change leads to, in two lines."""
    p, currency = change.preview, change.currency

    def money(minor: int) -> str:
        return format_money(minor, currency, grouping=True)

    text = Text()
    text.append(f"Total {money(p.before.total)} → ")
    text.append(money(p.after.total), style="bold")
    if p.after.discount or p.before.discount:
        text.append(f"  (discount −{money(p.before.discount)} → −{money(p.after.discount)})")
    text.append("\n")
    if p.after.balance_due:
        text.append(f"{money(p.after.balance_due)} to pay", style="bold yellow")
        text.append(f" (paid {money(p.before.total - p.before.balance_due + p.before.credit_owed)})")
    elif p.after.credit_owed:
        text.append(f"{money(p.after.credit_owed)} owed back to the customer", style="bold yellow")
        text.append(" (a credit on the order, refunded later)")
    else:
        text.append("Nothing more to pay, nothing owed back.")
    return text


def preview_text(change: LinesChange) -> Text:
    p, currency = change.preview, change.currency

    def money(minor: int) -> str:
        return format_money(minor, currency, grouping=True)

    text = Text()
    for line in p.lines:
        if not line.changed:
            continue
        was = "new" if line.is_new else str(line.was_quantity)
        now = "removed" if line.quantity == 0 else str(line.quantity)
        text.append(f"{line.line_no:>2} ")
        text.append_text(shown(line.stock_code[:14].ljust(14), "bold"))
        text.append(f" {was:>4} → {now:<7} {money(line.was_value):>10} → "
                    f"{money(line.value if line.quantity else 0):>10}\n")
    for r in p.discounts:
        label = safe(r.discount.label)[:24]
        if r.dropped:
            text.append(f"   {label}: dropped, {safe(r.dropped)}\n", style="yellow")
        elif r.amount != r.discount.amount:
            text.append(f"   {label}: −{money(r.discount.amount)} → −{money(r.amount)}\n")
    if p.shares and any(p.shares):
        shares = " · ".join(f"{line.line_no}: −{money(share)}" for line, share in zip(p.kept, p.shares) if share)
        text.append(f"   discount by line {shares}\n", style="dim")
    text.append_text(money_lines(change))
    return text


class LinesPreviewDialog(ModalScreen[str | None]):
    """Returns "save", "pay" (save, then take the balance due), "reload" (after a conflict) or None."""

    AUTO_FOCUS = "#preview-body"
    BINDINGS = CANCEL_BINDINGS + [
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
        Binding("p", "pay", "Save and pay", id="lines.save_and_pay"),
        Binding("r", "reload", "Reload and reapply", id="lines.reload"),
    ]

    def __init__(self, change: LinesChange, *, conflict: str = "") -> None:
        super().__init__()
        self.change = change
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lines-preview"):
            yield Label(f"Save these changes to {safe(self.change.number)}?", classes="dialog-title", markup=False)
            if self.conflict:
                yield Label(self.conflict, classes="field-error", id="preview-conflict", markup=False)
            with VerticalScroll(id="preview-body"):
                yield Static(preview_text(self.change), id="preview-text")
            yield Label(self._hint(), classes="dialog-hint", markup=False)

    def _hint(self) -> str:
        if self.conflict:
            return "r reload the order and reapply your changes · esc back to the lines"
        pay = " · p save and take the payment" if self.change.preview.after.balance_due else ""
        return f"ctrl+s save{pay} · esc back to the lines"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        """Why a greyed key does nothing here (said when it is pressed)."""
        if action == "reload" and not self.conflict:
            return "Nothing to reload: no one else has changed the order."
        if action in ("save", "pay") and self.conflict:
            return "Someone else changed the order: r reloads it and reapplies your changes first."
        if action == "pay" and not self.change.preview.after.balance_due:
            return "Nothing to pay after this change."
        return None

    def action_save(self) -> None:
        self.dismiss("save")

    def action_pay(self) -> None:
        self.dismiss("pay")

    def action_reload(self) -> None:
        self.dismiss("reload")

    def action_cancel(self) -> None:
        self.dismiss(None)
