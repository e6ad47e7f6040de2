"""Adding a customer: complete and checked, so every order placed for them can be delivered."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import select

from hubtui.domain.limits import text_problem
from hubtui.domain.order_draft import typed_address_problems
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.refusals import refusals_recorded
from hubtui.services.catalogue import get_customer, phone_key
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.views import Address, CustomerChoice
from hubtui.store.tables import Company, Customer

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class NewCustomer:
    first_name: str
    last_name: str
    email: str
    phone: str
    address: Address
    company_account: str | None = None  # a company's account number: the customer orders for it


def customer_problems(draft: NewCustomer) -> dict[str, str]:
    """Everything wrong with a new customer, by field, in the order of the form."""
    problems: dict[str, str] = {}
    for name, what in (("first_name", "a first name"), ("last_name", "a last name"), ("email", "an e-mail address"),
                       ("phone", "a phone number")):
        value = getattr(draft, name).strip()
        if not value:
            problems[name] = f"Give {what}."
        elif text_problem(name, value):
            problems[name] = text_problem(name, value)  # type: ignore[assignment]
    email = draft.email.strip()
    if "email" not in problems and not _EMAIL.fullmatch(email):
        problems["email"] = f"'{email}' is not an e-mail address."
    digits = phone_key(draft.phone)
    if "phone" not in problems and (not digits.isdigit() or len(digits) < 7):
        problems["phone"] = f"'{draft.phone.strip()}' is not a phone number (at least 7 digits)."
    for part, message in typed_address_problems(asdict(draft.address)).items():
        if part == "postcode" and not message.startswith("Give"):
            problems[part] = message
        elif part != "name":  # the name is the customer's own, checked above
            problems[part] = f"The address is incomplete: {message}"
    for part in ("line1", "line2", "city", "postcode", "country"):
        problem = text_problem(part, getattr(draft.address, part))
        if problem and part not in problems:
            problems[part] = problem
    if draft.company_account and text_problem("company", draft.company_account):
        problems["company"] = text_problem("company", draft.company_account)  # type: ignore[assignment]
    return problems


def _check(draft: NewCustomer) -> None:
    problems = customer_problems(draft)
    if problems:
        raise InvalidInput.of(problems)


@refusals_recorded("add customer")
def create_customer(ctx: Context, draft: NewCustomer) -> CustomerChoice:
    """A new customer of the operator's organisation; an e-mail already on file is refused."""
    ctx.require(Permission.create_order)
    _check(draft)
    email = draft.email.strip().lower()
    first, last = draft.first_name.strip(), draft.last_name.strip()
    a = draft.address
    with ctx.store.write() as session:
        taken = session.scalars(
            select(Customer.id).where(Customer.org_id == ctx.operator.org_id, Customer.email == email)
        ).first()
        if taken is not None:
            raise InvalidInput(f"{email} is already a customer of {ctx.operator.org_code}; find them by that e-mail.",
                               "email")
        company_id = None
        if draft.company_account:
            company_id = session.scalars(
                select(Company.id).where(Company.org_id == ctx.operator.org_id,
                                         Company.account_number == draft.company_account.strip().upper())
            ).first()
            if company_id is None:
                raise InvalidInput(f"No company with account number {draft.company_account} in "
                                   f"{ctx.operator.org_code}.", "company")
        customer = Customer(
            org_id=ctx.operator.org_id, company_id=company_id, email=email, first_name=first, last_name=last,
            first_name_key=first.lower(), last_name_key=last.lower(), phone=draft.phone.strip(),
            phone_key=phone_key(draft.phone), line1=a.line1.strip(), line2=a.line2.strip(), city=a.city.strip(),
            postcode=a.postcode.strip().upper(), country=a.country.strip().upper(), created_at=ctx.now(),
        )
        session.add(customer)
        session.flush()
        audit.record(session, ctx, action="customer", summary=f"Customer added: {first} {last} <{email}>",
                     after={"customer_id": customer.id, "email": email, "company_id": company_id})
        customer_id = customer.id
    found = get_customer(ctx, customer_id)  # type: ignore[arg-type]
    assert found is not None
    return found


__all__ = ["NewCustomer", "create_customer"]
