"""`hubtui customers add`: a complete, checked customer, or one line saying what is wrong and nothing written."""

from __future__ import annotations

import pytest

from .helpers import assert_handled_error, db_url, query, scalar

GOOD = {"--first-name": "Zed", "--last-name": "Quirke", "--email": "Zed.Quirke@Example.com", "--phone": "07700 900111",
        "--line1": "1 High Street", "--city": "Leeds", "--postcode": "ls1 4ap"}


def _args(db, **changes: str) -> list[str]:
    values = {**GOOD, **{f"--{k.replace('_', '-')}": v for k, v in changes.items()}}
    return ["customers", "add", *[x for pair in values.items() for x in pair], "--db", db_url(db), "--user", "alice"]


def test_adds_a_findable_customer(demo_db, hubtui) -> None:
    ran = hubtui(*_args(demo_db, company="BT10003"))
    assert ran.code == 0, ran.explain()
    (row,) = query(demo_db, "SELECT * FROM customers WHERE email = 'zed.quirke@example.com'")
    assert ran.out_lines == [f"Added customer Zed Quirke <zed.quirke@example.com> (id {row['id']})."]
    assert (row["first_name_key"], row["last_name_key"], row["phone_key"], row["postcode"], row["country"]) == (
        "zed", "quirke", "07700900111", "LS1 4AP", "GB")
    company = scalar(demo_db, "SELECT id FROM companies WHERE account_number = 'BT10003'")
    assert row["company_id"] == company
    (entry,) = query(demo_db, "SELECT * FROM activity WHERE action = 'customer'")
    assert entry["user_name"] == "alice" and "Zed Quirke" in entry["summary"]

    from hubtui.services.catalogue import search_customers
    from hubtui.services.context import open_context
    from hubtui.store.engine import Store

    store = Store(db_url(demo_db))
    try:
        found = search_customers(open_context(store, "alice", "BTOOLS"), "zed q")
    finally:
        store.dispose()
    assert [c.id for c in found] == [row["id"]]


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"email": "zed.example.com"}, "is not an e-mail address"),
    ({"email": "ALICE-TAKEN"}, "is already a customer"),
    ({"phone": "0770"}, "is not a phone number"),
    ({"postcode": " "}, "Give a post code"),
    ({"first_name": ""}, "Give a first name"),
    ({"country": "GBR"}, "two-letter code"),
    ({"company": "NOPE1"}, "No company with account number NOPE1"),
])
def test_incomplete_or_wrong_input_is_refused(changes, fragment, demo_db, hubtui) -> None:
    if changes.get("email") == "ALICE-TAKEN":
        changes = {"email": query(demo_db, "SELECT email FROM customers ORDER BY id LIMIT 1")[0]["email"].upper()}
    before = scalar(demo_db, "SELECT COUNT(*) FROM customers"), scalar(demo_db, "SELECT COUNT(*) FROM activity")
    assert_handled_error(hubtui(*_args(demo_db, **changes)), fragment)
    assert (scalar(demo_db, "SELECT COUNT(*) FROM customers"), scalar(demo_db, "SELECT COUNT(*) FROM activity")) == before


def test_the_warehouse_cannot_add_customers(demo_db, hubtui) -> None:
    args = _args(demo_db)
    args[args.index("alice")] = "wendy"
    assert_handled_error(hubtui(*args), "warehouse user may not")
    assert not query(demo_db, "SELECT id FROM customers WHERE email = 'zed.quirke@example.com'")
