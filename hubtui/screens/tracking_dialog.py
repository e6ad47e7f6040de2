"""`t` on an order: its carrier, tracking number and link; ctrl+s saves. Each field's problem
is shown under it before anything is sent (hubtui.domain.tracking), and the service checks
them again with the order's status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from hubtui.domain.limits import LIMITS
from hubtui.domain.tracking import Tracking, tracking_problems
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.widgets.form_field import FormField
from hubtui.widgets.safe_text import safe

FIELDS = (("tracking_carrier", "Carrier", "e.g. DPD, Royal Mail"), ("tracking_number", "Tracking no.", "required"),
          ("tracking_link", "Link", "https://…"))


class TrackingDialog(ModalScreen[Tracking | None]):
    AUTO_FOCUS = "#tracking_number"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, number: str, tracking: Tracking, *, error: str = "") -> None:
        """`tracking`: what is stored, or what was typed when a save failed (`error` says why)."""
        super().__init__()
        self.number = number
        self.tracking = tracking
        self.error = error

    def compose(self) -> ComposeResult:
        values = {"tracking_carrier": self.tracking.carrier, "tracking_number": self.tracking.number,
                  "tracking_link": self.tracking.link}
        with Vertical(classes="dialog", id="tracking-dialog"):
            yield Label(f"Tracking of {self.number}", classes="dialog-title")
            for name, caption, placeholder in FIELDS:
                yield FormField(caption, values[name], input_id=name, placeholder=placeholder,
                                max_length=LIMITS[name], id=f"field-{name}")
            yield Label(safe(self.error), id="tracking-error", classes="dialog-error", markup=False)
            yield Label("enter next field · ctrl+s save · esc cancel", classes="dialog-hint")

    def _typed(self) -> Tracking:
        value = {name: self.query_one(f"#field-{name}", FormField).value for name, _, _ in FIELDS}
        return Tracking(value["tracking_carrier"], value["tracking_number"], value["tracking_link"])

    def action_save(self) -> None:
        typed = self._typed()
        problems = tracking_problems(typed)
        for name, _, _ in FIELDS:
            self.query_one(f"#field-{name}", FormField).set_error(problems.get(name))
        if problems:
            first = next(name for name, _, _ in FIELDS if name in problems)
            self.set_focus(self.query_one(f"#{first}"))
            return
        self.dismiss(typed.stripped())

    def action_cancel(self) -> None:
        self.dismiss(None)
