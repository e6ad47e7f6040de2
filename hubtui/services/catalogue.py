"""Finding customers, companies and products as an agent types (the new-order wizard).

Every search is a prefix or a short scan bounded by a limit, scoped to the operator's
organisation, and reads through an index where the table can grow large (customers: the
prefix indexes first, then the trigram index of store/customer_search.py for what the
details merely contain).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from hubtui.services.context import Context
from hubtui.services.views import Address, CompanyChoice, CustomerChoice, ProductChoice
from hubtui.store import customer_search
from hubtui.store.list_statements import prefix_end
from hubtui.store.org_tables import Microsite
from hubtui.store.tables import Company, Customer, Product

DEFAULT_LIMIT = 20
# Customers merely containing the text are read newest first, at most this many, and the
# page shows the first of them by name: "mith" is in 18,000 of 200,000 customers, and
# sorting them all costs 35-50 ms a keystroke where this costs about 3 ms in all. A text
# matching more than this is narrowed by typing on, as in the order list.
SUBSTRING_CANDIDATES = 200
_PHONE_PUNCTUATION = str.maketrans("", "", " -().")


def phone_key(text: str) -> str:
    """A phone number as stored for search: digits only, a +44 country code written as 0."""
    digits = text.translate(_PHONE_PUNCTUATION)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits.lstrip("+")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _looks_like_phone(text: str) -> bool:
    key = text.translate(_PHONE_PUNCTUATION).lstrip("+")
    return len(key) >= 2 and key.isdigit()


def _starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """A range the column's index answers (LIKE 'x%' does not use it on SQLite)."""
    end = prefix_end(prefix)
    return column >= prefix if end is None else and_(column >= prefix, column < end)


def _customer_filter(text: str) -> ColumnElement[bool]:
    if "@" in text:
        return _starts_with(Customer.email, text.lower())
    if _looks_like_phone(text):
        return _starts_with(Customer.phone_key, phone_key(text))
    words = text.lower().split()
    if len(words) == 1:
        (word,) = words
        return or_(_starts_with(Customer.last_name_key, word), _starts_with(Customer.first_name_key, word),
                   _starts_with(Customer.email, word))
    first, last = words[0], " ".join(words[1:])
    return or_(
        and_(_starts_with(Customer.first_name_key, first), _starts_with(Customer.last_name_key, last)),
        and_(_starts_with(Customer.last_name_key, first), _starts_with(Customer.first_name_key, " ".join(words[1:]))),
    )


def _choices(session: Session, customers: list[Customer]) -> tuple[CustomerChoice, ...]:
    company_ids = {c.company_id for c in customers if c.company_id}
    names = {row.id: row.name for row in session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids)))} if company_ids else {}
    return tuple(
        CustomerChoice(
            id=c.id, name=f"{c.first_name} {c.last_name}".strip(), email=c.email, phone=c.phone,  # type: ignore[arg-type]
            company_id=c.company_id, company_name=names.get(c.company_id, ""),
            address=Address(f"{c.first_name} {c.last_name}".strip(), c.line1, c.line2, c.city, c.postcode, c.country),
        )
        for c in customers
    )


def _needle_groups(text: str) -> list[tuple[str, ...]]:
    """What a customer must contain for `text`: every group, each by any of its spellings.

    A phone number is its digits as phone_key stores them ("0044 7700 900123", "900 123"),
    or, typed as one word, also the text itself (digits inside an e-mail). Otherwise each
    word counts on its own, so "smith acme" finds Jo Smith of Acme Tools.
    """
    if _looks_like_phone(text):
        as_typed = () if any(ch.isspace() for ch in text) else (text.lower(),)
        return [tuple(dict.fromkeys((phone_key(text),) + as_typed))]
    return [(word,) for word in dict.fromkeys(text.lower().split())]


def search_customers(ctx: Context, text: str, limit: int = DEFAULT_LIMIT) -> tuple[CustomerChoice, ...]:
    """Customers whose e-mail, phone or name starts with what was typed ("amelia ev" finds
    Amelia Evans), by name; after them, to `limit` in all, those whose e-mail, phone digits,
    name or company name contain it ("williams32", the last digits of a phone).

    Containing needs words of three characters or more (a trigram index cannot answer
    shorter ones): "ev" alone stays a prefix search, "amelia ev" checks "ev" on the
    customers holding "amelia".
    """
    text = text.strip()
    if not text:
        return ()
    org_id = ctx.operator.org_id
    with ctx.store.read() as session:
        customers = list(session.scalars(
            select(Customer)
            .where(Customer.org_id == org_id, _customer_filter(text))
            .order_by(Customer.last_name_key, Customer.first_name_key, Customer.id)
            .limit(limit)
        ))
        if len(customers) < limit:
            ids = customer_search.containing(
                session, org_id, _needle_groups(text), exclude=[c.id for c in customers],  # type: ignore[misc]
                cap=SUBSTRING_CANDIDATES, limit=limit - len(customers),
            )
            if ids:
                found = session.scalars(select(Customer).where(Customer.id.in_(ids)))  # type: ignore[union-attr]
                by_id = {c.id: c for c in found}
                customers += [by_id[i] for i in ids]
        return _choices(session, customers)


def get_customer(ctx: Context, customer_id: int) -> CustomerChoice | None:
    with ctx.store.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None or customer.org_id != ctx.operator.org_id:
            return None
        return _choices(session, [customer])[0]


def search_companies(ctx: Context, text: str, limit: int = DEFAULT_LIMIT) -> tuple[CompanyChoice, ...]:
    """Companies whose name holds what was typed, or whose account number starts with it."""
    text = text.strip()
    if not text:
        return ()
    escaped = _escape_like(text.lower())
    contacts = (
        select(func.count(Customer.id)).where(Customer.company_id == Company.id).correlate(Company).scalar_subquery()
    )
    with ctx.store.read() as session:
        rows = session.execute(
            select(Company, contacts)
            .where(
                Company.org_id == ctx.operator.org_id,
                or_(Company.name_key.like(f"%{escaped}%", escape="\\"), _starts_with(Company.account_number, text.upper())),
            )
            .order_by(Company.name_key, Company.id)
            .limit(limit)
        )
        return tuple(
            CompanyChoice(id=c.id, name=c.name, account_number=c.account_number, phone=c.phone, contacts=int(n))  # type: ignore[arg-type]
            for c, n in rows
        )


def company_contacts(ctx: Context, company_id: int, limit: int = 200) -> tuple[CustomerChoice, ...]:
    """The customers who order for a company (B2B contacts)."""
    with ctx.store.read() as session:
        customers = list(session.scalars(
            select(Customer)
            .where(Customer.org_id == ctx.operator.org_id, Customer.company_id == company_id)
            .order_by(Customer.last_name_key, Customer.first_name_key, Customer.id)
            .limit(limit)
        ))
        return _choices(session, customers)


def _org_currency(session: Session, ctx: Context) -> str:
    currency = session.scalars(
        select(Microsite.currency).where(Microsite.org_id == ctx.operator.org_id)
        .order_by(Microsite.is_default.desc(), Microsite.id).limit(1)
    ).first()
    return currency or "GBP"


def search_products(ctx: Context, text: str, limit: int = DEFAULT_LIMIT) -> tuple[ProductChoice, ...]:
    """Products on sale whose stock code starts with what was typed; failing that, those whose
    name or code holds every typed word ("bosch drill" finds "Bosch Cordless Drill A100").

    The word search reads every product of the organisation, so it runs only when no stock
    code starts with the text: an agent reading a code off a catalogue never pays for it."""
    text = text.strip()
    if not text:
        return ()
    words = text.lower().split()
    patterns = ["%" + _escape_like(w) + "%" for w in words]
    by_name = and_(*(or_(Product.name_key.like(p, escape="\\"), func.lower(Product.stock_code).like(p, escape="\\"))
                     for p in patterns))
    on_sale = and_(Product.org_id == ctx.operator.org_id, Product.active)
    with ctx.store.read() as session:
        currency = _org_currency(session, ctx)
        by_code = list(session.scalars(
            select(Product).where(on_sale, _starts_with(Product.stock_code, text.upper()))
            .order_by(Product.stock_code).limit(limit)
        ))
        found = by_code or list(session.scalars(
            select(Product).where(on_sale, by_name).order_by(Product.name_key, Product.id).limit(limit)
        ))
        return tuple(ProductChoice(p.id, p.stock_code, p.name, p.price, currency) for p in found)  # type: ignore[arg-type]


__all__ = [
    "company_contacts",
    "get_customer",
    "phone_key",
    "search_companies",
    "search_customers",
    "search_products",
]
