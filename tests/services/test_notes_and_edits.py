"""add_note and update_details, with optimistic concurrency."""

from __future__ import annotations

import re

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.order_query import OrderQuery
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_reads import get_order, list_orders
from hubtui.services.order_writes import OrderChanges, add_note, change_status, update_details
from hubtui.services.views import Address

from .support import Catalog, Sql, place


def test_note_is_logged_without_a_new_version(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    wendy = context_for("wendy")  # everyone may add notes
    detail = add_note(wendy, order.number, "  Customer will collect on Friday.  ")
    assert detail.version == order.version == 1
    assert detail.updated_by == "alice"
    entry = detail.activity[0]
    assert (entry.action, entry.user_name, entry.summary) == ("note", "wendy", "Customer will collect on Friday.")
    assert entry.after == {"note": "Customer will collect on Friday."}
    row = sql.order(order.number)
    assert (row["version"], row["updated_by"]) == (1, "alice")
    stored = sql.activity(order.number)[-1]
    assert (stored["action"], stored["user_name"], stored["summary"]) == (
        "note", "wendy", "Customer will collect on Friday.",
    )
    # A note never makes someone else's edit stale.
    edited = update_details(alice, order.number, OrderChanges(tags="after-note"), expected_version=1)
    assert edited.version == 2


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 401], ids=["empty", "spaces", "whitespace", "401-long"])
def test_empty_or_long_notes_are_refused(text: str, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        add_note(alice, order.number, text)
    assert refused.value.field == "note"
    assert sql.snapshot() == before


def test_a_note_of_400_characters_is_kept_whole(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    text = "ü" * 399 + "'"
    detail = add_note(alice, order.number, text)
    assert detail.activity[0].summary == text
    assert sql.activity(order.number)[-1]["summary"] == text


def test_notes_on_final_orders_are_allowed(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(alice, order.number, "Cancelled", reason="Other")
    detail = add_note(alice, order.number, "Refund sent by cheque.")
    assert detail.activity[0].action == "note"
    assert sql.order(order.number)["version"] == 2


def test_update_details_changes_fields_and_logs_before_after(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog, tags="old")
    address = Address("Zoë O'Brien", "5 Mill Road", "Flat 2", "Leeds", "ls1 4ap", "GB")
    detail = update_details(
        alice, order.number,
        OrderChanges(customer_reference="PO-77", tags="old,new", customer_phone="+44 113 000", shipping=address),
        expected_version=1,
    )
    assert (detail.customer_reference, detail.tags, detail.customer_phone, detail.shipping) == (
        "PO-77", "old,new", "+44 113 000", address,
    )
    assert detail.version == 2
    entry = detail.activity[0]
    assert (entry.action, entry.user_name) == ("edit", "alice")
    assert entry.before["tags"] == "old" and entry.after["tags"] == "old,new"
    assert entry.before["customer_reference"] == "" and entry.after["customer_reference"] == "PO-77"
    assert entry.after["shipping"] == address.lines()
    row = sql.order(order.number)
    assert (row["tags"], row["customer_reference"], row["shipping_name"], row["shipping_postcode"]) == (
        "old,new", "PO-77", "Zoë O'Brien", "ls1 4ap",
    )
    assert row["shipping_postcode_key"] == "LS14AP"
    assert row["version"] == 2
    # The new post code is searchable straight away.
    found = list_orders(alice, OrderQuery(postcode="LS1 4a", name=order.customer_name), limit=500)
    assert order.number in [r.number for r in found.rows]


def test_an_edit_that_changes_nothing_is_not_a_new_version(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog, tags="same")
    detail = update_details(alice, order.number, OrderChanges(tags="same", shipping=order.shipping), expected_version=1)
    assert detail.version == 1
    assert [a.action for a in detail.activity] == ["placed"]
    assert sql.order(order.number)["version"] == 1


def test_stale_edit_names_who_changed_the_order(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    pete = context_for("pete")
    seen_by_alice = get_order(alice, order.number)
    update_details(pete, order.number, OrderChanges(tags="pete-was-here"), expected_version=seen_by_alice.version)
    before = sql.snapshot()

    with pytest.raises(ConflictError) as conflict:
        update_details(alice, order.number, OrderChanges(tags="alice-too"), expected_version=seen_by_alice.version)

    assert conflict.value.changed_by == "pete"
    assert "pete" in str(conflict.value)
    assert order.number in str(conflict.value)
    assert conflict.value.current_version == 2
    assert sql.snapshot() == before
    assert sql.order(order.number)["tags"] == "pete-was-here"
    # Reloading and trying again works.
    fresh = get_order(alice, order.number)
    again = update_details(alice, order.number, OrderChanges(tags="pete-was-here,alice-too"), expected_version=fresh.version)
    assert again.version == 3
    assert sql.order(order.number)["tags"] == "pete-was-here,alice-too"


def test_a_stale_edit_after_a_status_change_is_refused(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(context_for("sam"), order.number, "Pending")
    with pytest.raises(ConflictError) as conflict:
        update_details(alice, order.number, OrderChanges(tags="x"), expected_version=1)
    assert conflict.value.changed_by == "sam"
    assert sql.order(order.number)["tags"] == ""


def test_not_editable_from_sent_to_warehouse_until_returned(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    wendy = context_for("wendy")
    order = place(alice, catalog)
    change_status(alice, order.number, "Approved")
    sent = change_status(alice, order.number, "SentToWarehouse")
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        update_details(alice, order.number, OrderChanges(tags="late"), expected_version=sent.version)
    assert refused.value.field == "status"
    assert sql.snapshot() == before

    accepted = change_status(wendy, order.number, "AcceptedInWarehouse")
    with pytest.raises(InvalidInput):
        update_details(alice, order.number, OrderChanges(tags="late"), expected_version=accepted.version)

    returned = change_status(wendy, order.number, "ReturnedByWarehouse")
    edited = update_details(alice, order.number, OrderChanges(tags="fixed"), expected_version=returned.version)
    assert edited.tags == "fixed"
    assert sql.order(order.number)["tags"] == "fixed"


def test_agent_edits_but_warehouse_does_not(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        update_details(context_for("wendy"), order.number, OrderChanges(tags="w"), expected_version=1)
    assert sql.snapshot() == before


@pytest.mark.parametrize(("address", "field"), [
    (Address("Zed", "", "", "Leeds", "LS1 4AP", "GB"), "shipping_line1"),
    (Address("Zed", "1 High St", "", "Leeds", "", "GB"), "shipping_postcode"),
    (Address("Zed", "1 High St", "", "Leeds", "LS1 4AP", "G1"), "shipping_country"),
])
def test_an_address_is_checked_whole_as_the_new_customer_form_checks_it(address, field, alice, catalog: Catalog,
                                                                         sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        update_details(alice, order.number, OrderChanges(shipping=address), expected_version=order.version)
    assert refused.value.field == field
    assert sql.snapshot() == before


@pytest.mark.parametrize(("postcode", "country", "says"), [
    ("LS1", "GB", "'LS1' is not a UK post code (like LS1 4AP)."),
    ("D02", "IE", "'D02' is not an Eircode (like D02 X285)."),
    ("<b>", "FR", "'<b>' is not a post code: letters, digits, spaces and hyphens, 2 to 10 of them."),
])
def test_an_address_typed_on_an_order_has_a_post_code_of_its_country(postcode, country, says, alice,
                                                                     catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    address = Address("Ada Byron", "1 High St", "", "Leeds", postcode, country)
    with pytest.raises(InvalidInput, match=re.escape(f"The shipping address is wrong: {says}")) as refused:
        update_details(alice, order.number, OrderChanges(shipping=address), expected_version=None)
    assert refused.value.field == "shipping_postcode"
    assert sql.snapshot() == before
    fixed = update_details(alice, order.number, OrderChanges(shipping=Address("Ada Byron", "1 High St", "", "Dublin",
                                                                              "d02x285", "IE")),
                           expected_version=None)
    assert fixed.shipping.postcode.upper().replace(" ", "") == "D02X285"
