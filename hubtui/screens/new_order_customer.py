"""Step 1 of a phone order: find the caller among the organisation's customers.

People are found by e-mail, phone or name as the agent types; ctrl+t switches to companies
(B2B), where enter lists the company's contacts to pick from.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Label, Static

from hubtui.services.context import Context
from hubtui.services.views import CompanyChoice, CustomerChoice
from hubtui.widgets.safe_text import safe
from hubtui.widgets.search_picker import SearchPicker
from hubtui.widgets.worker_errors import ReportsWorkerErrors

PEOPLE_PROMPT = "Customer: type an e-mail, phone number or name"
COMPANY_PROMPT = "Company: type part of its name or its account number"
PEOPLE_PLACEHOLDER = "amelia.e… · 07700 900123 · Amelia Ev…"
COMPANY_PLACEHOLDER = "Acme… · BT10011"
NOT_FOUND_HINT = (
    "No {what} matches “{text}”. Check the spelling, or try the e-mail address or phone number"
    "{company}. A caller not on file yet: ctrl+n adds them (name, e-mail, phone and address)."
)


def _cell(text: str, width: int) -> str:
    text = safe(text)
    return (text[: width - 1] + "…" if len(text) > width else text).ljust(width)


def customer_label(c: CustomerChoice) -> Text:
    text = Text(_cell(c.name, 20), style="bold")
    text.append(" " + _cell(c.email, 30))
    text.append(" " + _cell(c.phone, 13))
    text.append(" " + safe(c.address.postcode), style="dim")
    if c.company_name:
        text.append(f" · {safe(c.company_name)}", style="italic")
    return text


def company_label(c: CompanyChoice) -> Text:
    text = Text(_cell(c.name, 32), style="bold")
    text.append(f" {_cell(c.account_number, 9)} {_cell(c.phone, 14)} ")
    text.append(f"{c.contacts} contact{'s' if c.contacts != 1 else ''}", style="dim")
    return text


class CustomerStep(ReportsWorkerErrors, SearchPicker):
    SEARCH_ID = "customer-search"
    RESULTS_ID = "customer-results"

    class _Found(Message):
        def __init__(self, text: str, companies: bool, found: tuple[CustomerChoice, ...] | tuple[CompanyChoice, ...]) -> None:
            super().__init__()
            self.text = text
            self.companies = companies
            self.found = found

    class _ContactsFound(Message):
        def __init__(self, company: CompanyChoice, contacts: tuple[CustomerChoice, ...]) -> None:
            super().__init__()
            self.company = company
            self.contacts = contacts

    def __init__(self, context: Context, on_pick: Callable[[CustomerChoice], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.context = context
        self.on_pick = on_pick  # called at once, so keys typed ahead land in the next step
        self.companies = False  # searching companies instead of people
        self.company: CompanyChoice | None = None  # whose contacts are listed
        self.came_back_from: int | None = None  # the company whose contacts esc just left

    def compose(self) -> ComposeResult:
        yield Label(PEOPLE_PROMPT, id="customer-mode", classes="step-prompt", markup=False)
        yield self.search_box(PEOPLE_PLACEHOLDER)
        yield Label("", id="customer-error", classes="field-error", markup=False)
        yield self.results_list()
        yield Static("", id="customer-hint", classes="step-hint", markup=False)

    def set_error(self, message: str | None) -> None:
        self.query_one("#customer-error", Label).update(safe(message or ""))

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#customer-search")
    def _typed(self, event: Input.Changed) -> None:
        self.set_error(None)
        self.company = None
        self.search_changed()
        self.search(event.value, self.companies)

    @work(thread=True, exclusive=True, group="wizard-customers", exit_on_error=False,
          description="search the customers")
    def search(self, text: str, companies: bool) -> None:
        from hubtui.services.catalogue import search_companies, search_customers

        try:
            found = (search_companies if companies else search_customers)(self.context, text)
        except Exception as error:  # a failed look-up is shown, the wizard stays usable
            from hubtui.services.faults import one_line

            self.app.call_from_thread(self.set_error, one_line(error, lead="Could not search: "))
            return
        self.post_message(self._Found(text, companies, found))

    @on(_Found)
    def _found(self, message: _Found) -> None:
        if message.text != self.search_input.value or message.companies != self.companies or self.company:
            return  # the agent typed on: a newer search is coming
        label = company_label if message.companies else customer_label
        ids = [choice.id for choice in message.found]
        # esc from a company's contacts: that company stays highlighted
        highlight = ids.index(self.came_back_from) if self.came_back_from in ids else 0
        self.came_back_from = None
        text = message.text.strip()
        hint = ""
        if text and not message.found:
            hint = NOT_FOUND_HINT.format(
                what="company" if message.companies else "customer", text=text,
                company="" if message.companies else ", or press ctrl+t to search companies",
            )
        elif message.found:
            hint = "enter picks " + ("the company, then its contact" if message.companies else "the customer")
            hint += " · ↑↓ choose · ctrl+t " + ("people" if message.companies else "companies")
            hint += " · ctrl+n new customer"
        self.query_one("#customer-hint", Static).update(safe(hint))  # it repeats what was typed
        self.show_answer(message.text, message.found, [label(c) for c in message.found], highlight)  # type: ignore[arg-type]

    def toggle_companies(self) -> None:
        self.companies = not self.companies
        self.company = None
        self.query_one("#customer-mode", Label).update(COMPANY_PROMPT if self.companies else PEOPLE_PROMPT)
        self.search_input.placeholder = COMPANY_PLACEHOLDER if self.companies else PEOPLE_PLACEHOLDER
        self.results.clear_options()
        self.found = ()
        self.screen.set_focus(self.search_input)
        self.search(self.search_input.value, self.companies)

    # ------------------------------------------------------------------ picking

    def answer_pending(self) -> bool:
        return self.company is None  # a company's contacts are not a search: enter picks from them at once

    def pick(self, index: int | None) -> None:
        if index is None or index >= len(self.found):
            if self.search_input.value.strip():
                self.set_error("Nothing to pick: no match for what is typed.")
            else:
                self.set_error("Type an e-mail, phone number or name to find the customer.")
            return
        choice = self.found[index]
        if isinstance(choice, CompanyChoice):
            self.load_contacts(choice)
        else:
            self.on_pick(choice)

    @work(thread=True, exclusive=True, group="wizard-customers", exit_on_error=False,
          description="read the contacts")
    def load_contacts(self, company: CompanyChoice) -> None:
        from hubtui.services.catalogue import company_contacts

        self.post_message(self._ContactsFound(company, company_contacts(self.context, company.id)))

    @on(_ContactsFound)
    def _contacts(self, message: _ContactsFound) -> None:
        self.company = message.company
        self.show_answer(self.search_input.value, message.contacts, [customer_label(c) for c in message.contacts])
        self.query_one("#customer-mode", Label).update(f"Contacts of {safe(message.company.name)} — esc back to companies")
        hint = ("enter picks the highlighted contact · esc back to companies" if message.contacts
                else f"{safe(message.company.name)} has no contacts yet. esc back to companies.")
        self.query_one("#customer-hint", Static).update(hint)
        self.screen.set_focus(self.results)

    def back(self) -> bool:
        """esc while a company's contacts are listed goes back to the companies; True if it did."""
        if self.company is None:
            return False
        self.came_back_from = self.company.id
        self.company = None
        self.query_one("#customer-mode", Label).update(COMPANY_PROMPT)
        self.screen.set_focus(self.search_input)
        self.search(self.search_input.value, True)
        return True
