"""ctrl+n in the wizard's customer step: add a caller who is not on file yet.

Complete or not at all: name, e-mail, phone and a deliverable address are checked by the
service, and each refusal is shown under its field with nothing written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label

from hubtui.domain.limits import LIMITS
from hubtui.services.views import Address, CustomerChoice
from hubtui.widgets.form_field import FormField
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.safe_text import safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from hubtui.services.context import Context

FIELDS = tuple((name, caption, LIMITS[name]) for name, caption in (  # (the service's name, caption, longest)
    ("first_name", "First name"), ("last_name", "Last name"), ("email", "E-mail"), ("phone", "Phone"),
    ("line1", "Address"), ("line2", ""), ("city", "Town or city"), ("postcode", "Post code"), ("country", "Country"),
    ("company", "Company acct."),
))


def prefill(typed: str) -> dict[str, str]:
    """What the agent already typed into the search, put where it belongs."""
    from hubtui.services.catalogue import phone_key

    text = typed.strip()
    if not text:
        return {}
    if "@" in text:
        return {"email": text}
    if phone_key(text).isdigit():
        return {"phone": text}
    first, _, last = text.partition(" ")
    return {"first_name": first.title(), "last_name": last.strip().title()}


class NewCustomerDialog(ReportsWorkerErrors, ModalScreen[CustomerChoice | None]):
    AUTO_FOCUS = "#customer_first_name"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
    ]

    class _Saved(Message):
        def __init__(self, customer: CustomerChoice) -> None:
            super().__init__()
            self.customer = customer

    class _Refused(Message):
        def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
            super().__init__()
            self.message = message
            self.problems = problems or {}  # field -> what is wrong with it: every one is marked

    def __init__(self, context: Context, typed: str = "") -> None:
        super().__init__()
        self.context = context
        self.initial = {"country": "GB"} | prefill(typed)
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="new-customer"):
            yield Label(f"New customer of {self.context.operator.org_code}", classes="dialog-title")
            with VerticalScroll(id="new-customer-fields"):
                for name, caption, limit in FIELDS:
                    placeholder = "optional: the account number of their company" if name == "company" else (
                        "optional" if name == "line2" else "")
                    yield FormField(caption, self.initial.get(name, ""), input_id=f"customer_{name}",
                                    placeholder=placeholder, max_length=limit, id=f"field-{name}")
            yield Label("", id="new-customer-error", classes="dialog-error", markup=False)
            yield Label("ctrl+s save · esc cancel · tab or enter next field", classes="dialog-hint")

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def action_save(self) -> None:
        from hubtui.services.customers import NewCustomer

        if self.saving:
            return
        for field in self.query(FormField):
            field.set_error(None)
        self.query_one("#new-customer-error", Label).update("")
        value = {name: self.field(name).value.strip() for name, _c, _l in FIELDS}
        draft = NewCustomer(
            first_name=value["first_name"], last_name=value["last_name"], email=value["email"], phone=value["phone"],
            address=Address(f"{value['first_name']} {value['last_name']}".strip(), value["line1"], value["line2"],
                            value["city"], value["postcode"], value["country"]),
            company_account=value["company"] or None,
        )
        self.saving = True
        # Keys typed from now on are for the wizard: held until the answer has been handled
        # (the dialog closed, or the refusals shown under their fields).
        hold_keys(self, until=self._create(draft), writing=True)

    @work(thread=True, group="customer-writes", exit_on_error=False, description="add the customer")
    def _create(self, draft) -> None:  # type: ignore[no-untyped-def]
        from hubtui.domain.errors import DomainError
        from hubtui.services.customers import create_customer
        from hubtui.services.errors import InvalidInput

        try:
            self.post_message(self._Saved(create_customer(self.context, draft)))
        except InvalidInput as error:
            self.post_message(self._Refused(str(error), error.problems))
        except DomainError as error:
            self.post_message(self._Refused(str(error)))
        except Exception as error:  # e.g. the database busy for too long: say so, keep what was typed
            from hubtui.services.faults import one_line

            self.post_message(self._Refused(one_line(error, lead="Not saved: ")))

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        self.dismiss(message.customer)

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        self.saving = False
        names = [name for name, _c, _l in FIELDS]
        marked = [name for name in names if name in message.problems]
        for name in marked:
            self.field(name).set_error(message.problems[name])
        if marked:
            self.set_focus(self.field(marked[0]).input)  # the first wrong field, in the order of the form
            if len(marked) > 1:
                self.query_one("#new-customer-error", Label).update(f"{len(marked)} fields need attention.")
        else:
            self.query_one("#new-customer-error", Label).update(safe(message.message))  # e.g. the account typed

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
