"""The hostile-text corpus through every service that stores text (SPEC 8a, issue 9).

Each text is stored exactly as given (or as the service documents it: names, e-mails, notes and
comments trimmed, an e-mail lower-cased, a customer's post code and country upper-cased), or
refused with InvalidInput naming the field; never a crash. Longer than the field's limit
(domain.limits.LIMITS) is refused with the limit's message; exactly the limit is stored whole.
What was stored is read back with plain SQL (never through hubtui) and through the service.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest

from hubtui.domain.limits import LIMITS
from hubtui.domain.order_query import OrderQuery
from hubtui.services.catalogue import search_customers
from hubtui.services.context import Context, open_context
from hubtui.services.customers import NewCustomer, create_customer
from hubtui.services.errors import InvalidInput
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_reads import get_order, list_orders
from hubtui.services.order_writes import NewLine, NewOrder, OrderChanges, add_note, change_status, place_order, \
    update_details
from hubtui.services.users import add_user, list_users
from hubtui.services.views import Address, OrderDetail
from hubtui.store.engine import Store
from tests.hostile_corpus import BY_NAME, CORPUS, LONG, REFUSED, Hostile, at_limit

from .support import Catalog, Sql, fixed_clock

ADDRESS = Address("Ada Byron", "1 High St", "", "Leeds", "LS1 4AP", "GB")
_serial = itertools.count(1)


@dataclass
class Env:
    """A writable copy of the demo database for this module; every test adds its own rows."""

    store: Store
    sql: Sql
    catalog: Catalog

    def ctx(self) -> Context:
        """alice, an agent of BTOOLS, at the demo's clock."""
        if self._ctx is None:
            self._ctx = open_context(self.store, "alice", None, clock=fixed_clock, tz=timezone.utc)
        return self._ctx

    def unique(self) -> int:
        return next(_serial)

    prepared: Any = None  # what a write works on (an order), made before the snapshot
    _ctx: Context | None = None

    def order(self) -> OrderDetail:
        code = self.catalog.products[0][0]
        return place_order(self.ctx(), NewOrder(customer_id=self.catalog.customers[0], lines=(NewLine(code, 1),)))

    def state(self) -> dict[str, Any]:
        """What a refused write must leave as it was."""
        return {table: self.sql.scalar(f"SELECT COUNT(*) FROM {table}")
                for table in ("customers", "orders", "payments", "activity", "users")} | {
            "versions": self.sql.scalar("SELECT SUM(version) FROM orders")}


@pytest.fixture(scope="module")
def env(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    path = tmp_path_factory.mktemp("hostile") / "demo.db"
    shutil.copyfile(demo_template, path)
    store = Store(f"sqlite:///{path}")
    sql = Sql(path)
    yield Env(store, sql, Catalog.of(sql, "BTOOLS"))
    store.dispose()


# ------------------------------------------------------------------ the writes

def _customer(env: Env, **changes: Any) -> NewCustomer:
    address = changes.pop("address", {})
    fields = {"first_name": "Ada", "last_name": "Byron", "email": f"hostile.{env.unique()}@example.com",
              "phone": "07700 900123", "address": Address(**{**ADDRESS.__dict__, **address})} | changes
    return NewCustomer(**fields)


def _customer_column(column: str) -> Callable[[Env, str], str]:
    """Add a customer with `text` in the field the column holds; read the column back."""

    def write(env: Env, text: str) -> str:
        if column in ("line1", "line2", "city", "postcode", "country"):
            draft = _customer(env, address={column: text})
        else:
            draft = _customer(env, **{column: text})
        added = create_customer(env.ctx(), draft)
        return env.sql.scalar(f"SELECT {column} FROM customers WHERE id = ?", (added.id,))

    return write


def _placed(column: str, **draft: Any) -> Callable[[Env, str], str]:
    """Place an order with `text` in a field of the draft (address parts: `prefix.part`); read the column."""

    def write(env: Env, text: str) -> str:
        values: dict[str, Any] = {}
        for name, value in draft.items():
            if "." in name:
                prefix, part = name.split(".")
                values[prefix] = Address(**{**ADDRESS.__dict__, part: text})
            else:
                values[name] = text
        code = env.catalog.products[0][0]
        detail = place_order(env.ctx(), NewOrder(customer_id=env.catalog.customers[0], lines=(NewLine(code, 1),),
                                                 **values))
        stored = env.sql.scalar(f"SELECT {column} FROM orders WHERE number = ?", (detail.number,))
        assert _order_field(get_order(env.ctx(), detail.number), column) == stored, "the service reads it back"
        return stored

    return write


def _order_field(detail: OrderDetail, column: str) -> str:
    if column.startswith(("shipping_", "billing_")):
        prefix, part = column.split("_", 1)
        return getattr(getattr(detail, prefix), part)
    return getattr(detail, column)


def _edited(column: str, change: Callable[[str], OrderChanges]) -> Callable[[Env, str], str]:
    def write(env: Env, text: str) -> str:
        order = env.prepared
        detail = update_details(env.ctx(), order.number, change(text), expected_version=order.version)
        stored = env.sql.scalar(f"SELECT {column} FROM orders WHERE number = ?", (order.number,))
        assert _order_field(detail, column) == stored, "the service reads it back"
        return stored

    return write


def _latest_activity(env: Env, number: str, action: str) -> tuple[str, dict[str, Any]]:
    row = env.sql.one("SELECT a.summary, a.after FROM activity a JOIN orders o ON o.id = a.order_id "
                      "WHERE o.number = ? AND a.action = ? ORDER BY a.id DESC LIMIT 1", (number, action))
    return row["summary"], json.loads(row["after"])


def _note(env: Env, text: str) -> str:
    order = env.prepared
    detail = add_note(env.ctx(), order.number, text)
    summary, after = _latest_activity(env, order.number, "note")
    assert after["note"] == summary, "the note is logged once, as given"
    assert detail.activity[0].summary == summary, "the service reads it back"
    return summary


def _status_comment(env: Env, text: str) -> str:
    order = env.prepared
    detail = change_status(env.ctx(), order.number, "Approved", comment=text)
    summary, after = _latest_activity(env, order.number, "status")
    logged = f"Status Incomplete → Approved: {after['comment']}"
    # The summary column holds 400 characters: a longer one is cut with a mark, `after` holds it whole.
    assert summary == (logged if len(logged) <= 400 else logged[:399] + "…")
    assert detail.activity[0].summary == summary, "the service reads it back"
    return after["comment"]


def _payment(column: str) -> Callable[[Env, str], str]:
    def write(env: Env, text: str) -> str:
        order = env.prepared
        detail = record_payment(env.ctx(), order.number, PaymentDraft("Cash", "Paid", amount=1, **{column: text}),
                                expected_version=order.version)
        stored = env.sql.scalar(f"SELECT p.{column} FROM payments p JOIN orders o ON o.id = p.order_id "
                                "WHERE o.number = ? ORDER BY p.id DESC LIMIT 1", (order.number,))
        assert getattr(detail.payments[-1], column) == stored, "the service reads it back"
        return stored

    return write


def _paid_on_placing(env: Env, text: str) -> str:
    code = env.catalog.products[0][0]
    detail = place_order(env.ctx(), NewOrder(customer_id=env.catalog.customers[0], lines=(NewLine(code, 1),)),
                         PaymentDraft("CardOverPhone", "Paid", reference=text))
    stored = env.sql.scalar("SELECT p.reference FROM payments p JOIN orders o ON o.id = p.order_id "
                            "WHERE o.number = ?", (detail.number,))
    assert detail.payments[0].reference == stored
    return stored


def _full_name(env: Env, text: str) -> str:
    name = f"hostile{env.unique()}"
    add_user(env.store, "admin", name, "agent", full_name=text)
    stored = env.sql.scalar("SELECT full_name FROM users WHERE name = ?", (name,))
    assert next(u.full_name for u in list_users(env.store) if u.name == name) == stored
    return stored


def _user_name(env: Env, text: str) -> str:
    add_user(env.store, "admin", text, "agent")
    return env.sql.scalar("SELECT name FROM users WHERE name = ?", (text,))


def _company(env: Env, text: str) -> str:
    added = create_customer(env.ctx(), _customer(env, company_account=text))
    return env.sql.scalar("SELECT c.account_number FROM customers u JOIN companies c ON c.id = u.company_id "
                          "WHERE u.id = ?", (added.id,))


# ------------------------------------------------------------------ what each field accepts

def _trimmed(text: str) -> str:
    return text.strip()


def _as_typed(text: str) -> str:
    return text


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # written out again: the oracle does not import the rule


def _email_ok(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text.strip()))


def _phone_ok(text: str) -> bool:
    digits = text.translate(str.maketrans("", "", " -().")).lstrip("+")
    return digits.isdigit() and len(digits) >= 7


def _country_ok(text: str) -> bool:
    code = text.strip()
    return len(code) == 2 and code.isascii() and code.isalpha()


# A GB post code (the corpus's addresses are in GB), written out again: the oracle does not import the rule.
_UK_POSTCODE = re.compile(r"GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")


def _postcode_ok(text: str) -> bool:
    return bool(_UK_POSTCODE.fullmatch(" ".join(text.split()).upper()))


def _never(text: str) -> bool:
    return False


@dataclass(frozen=True)
class Field:
    """A text a service stores: where it goes, how it is refused, how it is kept."""

    id: str
    field: str  # InvalidInput.field of a refusal
    limit: str  # its key in LIMITS
    write: Callable[[Env, str], str]  # store `text`, return it as read back
    kept: Callable[[str], str] = _as_typed  # what is stored for what was given
    accepts: Callable[[str], bool] = lambda text: True  # rules other than the length
    shape: Callable[[str], str] = lambda text: text  # the corpus text made into this field's text
    needs_order: bool = False  # writes to an order placed beforehand (env.prepared)


def _upper(text: str) -> str:
    return text.strip().upper()


FIELDS: tuple[Field, ...] = (
    # customers (create_customer): names and the address trimmed, the e-mail lower-cased
    Field("customer.first_name", "first_name", "first_name", _customer_column("first_name"), _trimmed),
    Field("customer.last_name", "last_name", "last_name", _customer_column("last_name"), _trimmed),
    Field("customer.email", "email", "email", _customer_column("email"), lambda t: t.strip().lower(), _email_ok,
          shape=lambda text: f"{text}@example.com"),
    Field("customer.phone", "phone", "phone", _customer_column("phone"), _trimmed, _phone_ok),
    Field("customer.line1", "line1", "line1", _customer_column("line1"), _trimmed),
    Field("customer.line2", "line2", "line2", _customer_column("line2"), _trimmed),
    Field("customer.city", "city", "city", _customer_column("city"), _trimmed),
    Field("customer.postcode", "postcode", "postcode", _customer_column("postcode"), _upper, _postcode_ok),
    Field("customer.country", "country", "country", _customer_column("country"), _upper, _country_ok),
    # the account number is looked up, never stored: an unknown one is refused by name
    Field("customer.company", "company", "company", _company, _upper, _never),
    # placing an order: reference, tags and addresses exactly as given
    Field("order.customer_reference", "customer_reference", "customer_reference",
          _placed("customer_reference", customer_reference=1)),
    Field("order.tags", "tags", "tags", _placed("tags", tags=1)),
    Field("order.shipping_name", "shipping_name", "name", _placed("shipping_name", **{"shipping.name": 1})),
    Field("order.shipping_line1", "shipping_line1", "line1", _placed("shipping_line1", **{"shipping.line1": 1})),
    Field("order.shipping_line2", "shipping_line2", "line2", _placed("shipping_line2", **{"shipping.line2": 1})),
    Field("order.shipping_city", "shipping_city", "city", _placed("shipping_city", **{"shipping.city": 1})),
    Field("order.shipping_postcode", "shipping_postcode", "postcode",
          _placed("shipping_postcode", **{"shipping.postcode": 1})),  # placed from what is stored: as given
    Field("order.shipping_country", "shipping_country", "country",
          _placed("shipping_country", **{"shipping.country": 1}), accepts=_country_ok),
    Field("order.billing_line1", "billing_line1", "line1", _placed("billing_line1", **{"billing.line1": 1})),
    Field("order.payment_reference", "reference", "reference", _paid_on_placing),
    # changing an order
    Field("note", "note", "note", _note, _trimmed, needs_order=True),
    Field("status.comment", "comment", "comment", _status_comment, _trimmed, needs_order=True),
    Field("payment.reference", "reference", "reference", _payment("reference"), needs_order=True),
    Field("payment.comment", "comment", "comment", _payment("comment"), needs_order=True),
    Field("edit.customer_reference", "customer_reference", "customer_reference",
          _edited("customer_reference", lambda t: OrderChanges(customer_reference=t)), needs_order=True),
    Field("edit.tags", "tags", "tags", _edited("tags", lambda t: OrderChanges(tags=t)), needs_order=True),
    Field("edit.customer_phone", "customer_phone", "customer_phone",
          _edited("customer_phone", lambda t: OrderChanges(customer_phone=t)), needs_order=True),
    Field("edit.shipping_city", "shipping_city", "city",
          _edited("shipping_city", lambda t: OrderChanges(shipping=Address(**{**ADDRESS.__dict__, "city": t}))), needs_order=True),
    # operators
    Field("user.full_name", "full_name", "full_name", _full_name),
    Field("user.name", "name", "user_name", _user_name, accepts=lambda t: bool(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", t))),
)

CASES = [pytest.param(f, h.value, id=f"{f.id}-{h.name}") for f in FIELDS for h in CORPUS]


def assert_stored_or_refused(env: Env, spec: Field, text: str) -> None:
    limit = LIMITS[spec.limit]
    env.prepared = env.order() if spec.needs_order else None
    too_long = len(spec.kept(text)) > limit or len(text) > limit
    if too_long or "\x00" in text or not spec.accepts(text):
        before = env.state()
        with pytest.raises(InvalidInput) as refused:
            spec.write(env, text)
        assert refused.value.field == spec.field, str(refused.value)
        message = str(refused.value)
        if spec.limit == "country" and "two-letter code" in message:
            pass  # a country code's form says its length: "The country is a two-letter code such as GB or IE."
        elif too_long:
            assert f"is at most {limit:,} characters ({len(text):,} given)." in message
        elif "\x00" in text:
            assert "cannot hold a NUL character" in message
        assert env.state() == before, "a refused write changed something"
    else:
        assert spec.write(env, text) == spec.kept(text)


@pytest.mark.parametrize("spec, value", CASES)
def test_hostile_text_is_stored_as_given_or_refused_by_field(env: Env, spec: Field, value: str) -> None:
    assert_stored_or_refused(env, spec, spec.shape(value))


@pytest.mark.parametrize("spec", FIELDS, ids=[f.id for f in FIELDS])
def test_ten_thousand_characters_are_refused_with_the_limit(env: Env, spec: Field) -> None:
    text = spec.shape(LONG)
    assert len(text) > LIMITS[spec.limit]
    assert_stored_or_refused(env, spec, text)


STORED = [f for f in FIELDS if f.accepts is not _never]


@pytest.mark.parametrize("spec", STORED, ids=[f.id for f in STORED])
def test_hostile_text_exactly_at_the_limit_is_kept_whole(env: Env, spec: Field) -> None:
    limit = LIMITS[spec.limit]
    overhead = len(spec.shape(""))
    if spec.limit == "country":
        text = "GB"  # the only text two characters long a country code takes (the address is in GB)
    elif spec.limit == "postcode":
        text = "LS1" + " " * (limit - 6) + "4AP"  # no post code is 16 long: one spaced out to the limit
    elif spec.limit == "user_name":
        text = "h" * limit
    elif spec.field == "phone":
        text = "0" * limit
    else:
        text = spec.shape(at_limit(limit - overhead, BY_NAME["osc-title"]))
    assert len(text) == limit
    assert spec.accepts(text)
    env.prepared = env.order() if spec.needs_order else None
    assert spec.write(env, text) == spec.kept(text)


# ------------------------------------------------------------------ searching with hostile text


@pytest.mark.parametrize("hostile", CORPUS, ids=str)
def test_searches_take_hostile_text_and_find_what_holds_it(env: Env, hostile: Hostile) -> None:
    """The "/" filter and the wizard's customer search take any text; a customer named with it is found."""
    ctx = env.ctx()
    # Nothing to find yet: a plain answer, never an error from the SQL or the trigram index.
    list_orders(ctx, OrderQuery(text=hostile.value), limit=5)
    search_customers(ctx, hostile.value)
    if hostile.name in REFUSED:
        return  # no customer can be named with it
    last = f"Zq{env.unique()}x"
    customer = create_customer(ctx, _customer(env, first_name=hostile.value, last_name=last))
    code = env.catalog.products[0][0]
    order = place_order(ctx, NewOrder(customer_id=customer.id, lines=(NewLine(code, 1),)))
    found = list_orders(ctx, OrderQuery(text=last.lower()), limit=5)
    assert [r.number for r in found.rows] == [order.number]
    assert found.rows[0].customer_name == f"{hostile.value} {last}"
    assert customer.id in [c.id for c in search_customers(ctx, last)]
    # The hostile text itself finds the order when it is a word of the name.
    if hostile.value.split() == [hostile.value] and len(hostile.value) >= 3:
        by_text = list_orders(ctx, OrderQuery(text=hostile.value), limit=50)
        assert order.number in [r.number for r in by_text.rows], hostile.name
