"""Every text a service stores has one limit, from domain.limits, and the same refusal (SPEC 8a)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hubtui.domain.limits import LIMITS
from hubtui.services.customers import NewCustomer, create_customer
from hubtui.services.errors import InvalidInput
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_writes import OrderChanges, add_note, change_status, update_details
from hubtui.services.users import add_user
from hubtui.services.views import Address

from .support import Catalog, Sql, place

ADDRESS = Address("Ada Byron", "1 High St", "", "Leeds", "LS1 4AP", "GB")


def _customer(**changes: Any) -> NewCustomer:
    fields = {"first_name": "Ada", "last_name": "Byron", "email": "ada.limits@example.com", "phone": "07700 900123",
              "address": ADDRESS} | changes
    return NewCustomer(**fields)


# (field as the refusal names it, the limit's name, a write that stores `text` in it)
WRITES: list[tuple[str, str, Callable[[Any, Any, str], Any]]] = [
    ("note", "note", lambda ctx, order, text: add_note(ctx, order.number, text)),
    ("comment", "comment", lambda ctx, order, text: change_status(ctx, order.number, "Approved", comment=text)),
    ("reference", "reference", lambda ctx, order, text: record_payment(
        ctx, order.number, PaymentDraft("Cash", "Paid", reference=text))),
    ("comment", "comment", lambda ctx, order, text: record_payment(
        ctx, order.number, PaymentDraft("Cash", "Paid", comment=text))),
    ("customer_reference", "customer_reference", lambda ctx, order, text: update_details(
        ctx, order.number, OrderChanges(customer_reference=text), expected_version=order.version)),
    ("tags", "tags", lambda ctx, order, text: update_details(
        ctx, order.number, OrderChanges(tags=text), expected_version=order.version)),
    ("shipping_line1", "line1", lambda ctx, order, text: update_details(
        ctx, order.number, OrderChanges(shipping=ADDRESS.__class__(**{**ADDRESS.__dict__, "line1": text})),
        expected_version=order.version)),
    ("first_name", "first_name", lambda ctx, order, text: create_customer(ctx, _customer(first_name=text))),
    ("email", "email", lambda ctx, order, text: create_customer(ctx, _customer(email=text[:-12] + "@example.com"))),
    ("city", "city", lambda ctx, order, text: create_customer(
        ctx, _customer(address=ADDRESS.__class__(**{**ADDRESS.__dict__, "city": text})))),
    ("full_name", "full_name", lambda ctx, order, text: add_user(ctx.store, "admin", "limits", "agent", full_name=text)),
]


@pytest.mark.parametrize("field, limit_name, write", WRITES, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRITES)])
def test_one_character_too_many_is_refused_and_changes_nothing(
    field: str, limit_name: str, write, alice, catalog: Catalog, sql: Sql
) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        write(alice, order, "x" * (LIMITS[limit_name] + 1))
    assert refused.value.field == field
    assert f"at most {LIMITS[limit_name]:,} characters" in str(refused.value)
    assert sql.snapshot() == before


@pytest.mark.parametrize("field, limit_name, write", WRITES, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRITES)])
def test_exactly_the_limit_is_kept_whole(field: str, limit_name: str, write, alice, catalog: Catalog) -> None:
    order = place(alice, catalog)
    assert write(alice, order, "x" * LIMITS[limit_name]) is not None  # refused would raise
