"""Changing orders from the command line, and refusing bad changes without touching the store.

Orders are chosen by reading the demo database (2,000 orders at a fixed clock), and what
each command did is checked in the database afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    assert_handled_error,
    assert_usage_error,
    db_url,
    invoke,
    order_row,
    pick_order,
    query,
    snapshot,
)

INCOMPLETE_LOW_RISK = "status = 'Incomplete' AND fraud_score < 70 AND order_total > 0 AND payment_status = 'Pending'"
INCOMPLETE_HIGH_RISK = "status = 'Incomplete' AND fraud_score >= 70 AND order_total > 0 AND payment_status = 'Pending'"


def _money(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _new_activity(path: Path, order_id: int, after_id: int) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in query(path, "SELECT * FROM activity WHERE order_id = ? AND id > ? ORDER BY id", (order_id, after_id))
    ]


def _max_activity_id(path: Path) -> int:
    return query(path, "SELECT COALESCE(MAX(id), 0) FROM activity")[0][0]


# --------------------------------------------------------------------------- changes that work


@pytest.mark.parametrize(
    "where, expected_status",
    [(INCOMPLETE_LOW_RISK, "Approved"), (INCOMPLETE_HIGH_RISK, "AwaitingApproval")],
    ids=["fraud-below-70", "fraud-70-or-more"],
)
def test_paying_an_incomplete_order_moves_it_on(where, expected_status, demo_db, hubtui):
    order = pick_order(demo_db, where)
    number = order["number"]
    before = snapshot(demo_db, number)
    last_activity = _max_activity_id(demo_db)

    ran = hubtui("orders", "pay", number, "--method", "CardOverPhone", "--status", "Paid", "--reference", "AUTH-77",
                 "--db", db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    assert ran.err == ""
    symbol = {"GBP": "£", "EUR": "€"}[order["currency"]]
    assert ran.out_lines == [f"{number}: payment recorded; payment Paid, status {expected_status}, due {symbol}0.00."]

    after = order_row(demo_db, number)
    assert after is not None
    assert after["status"] == expected_status
    assert after["payment_status"] == "Paid"
    assert after["payment_method"] == "CardOverPhone"
    assert after["paid_total"] == order["order_total"]
    assert after["version"] == order["version"] + 1
    assert after["updated_by"] == "alice"
    payments = query(demo_db, "SELECT * FROM payments WHERE order_id = ? ORDER BY id", (order["id"],))
    newest = payments[-1]
    assert (newest["method"], newest["status"], newest["amount"], newest["reference"], newest["recorded_by"]) == (
        "CardOverPhone", "Paid", order["order_total"], "AUTH-77", "alice",
    )
    state = snapshot(demo_db)
    assert state["payments.count"] == before["payments.count"] + 1
    assert state["orders.count"] == before["orders.count"]
    logged = _new_activity(demo_db, order["id"], last_activity)
    assert [(a["action"], a["user_name"]) for a in logged] == [("payment", "alice"), ("status", "alice")]
    assert logged[1]["summary"].startswith(f"Status Incomplete → {expected_status} (payment Paid")
    assert "CardOverPhone" in logged[0]["summary"] and "AUTH-77" in logged[0]["summary"]


def test_a_part_payment_with_an_amount_leaves_a_balance(demo_db, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK + " AND order_total > 1000")
    number = order["number"]
    ran = invoke(["orders", "pay", number, "--method", "Bacs", "--status", "Paid", "--amount", "10.00", "--json",
                  "--db", db_url(demo_db), "--user", "pete"], env)
    detail = ran.json()
    assert detail["number"] == number
    assert detail["paid_total"] == 1000
    assert detail["balance_due"] == order["order_total"] - 1000
    after = order_row(demo_db, number)
    assert after is not None
    assert after["paid_total"] == 1000
    assert after["payment_status"] == "Pending"  # SPEC 3: a part payment is not Paid
    amounts = [p["amount"] for p in query(demo_db, "SELECT amount FROM payments WHERE order_id = ?", (order["id"],))]
    assert amounts == [1000]


def test_moving_an_incomplete_order_to_approved(demo_db, hubtui):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    number = order["number"]
    last_activity = _max_activity_id(demo_db)
    ran = hubtui("orders", "status", number, "Approved", "--db", db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == [f"{number} is now Approved."]
    after = order_row(demo_db, number)
    assert after is not None
    assert (after["status"], after["version"], after["updated_by"]) == ("Approved", order["version"] + 1, "alice")
    logged = _new_activity(demo_db, order["id"], last_activity)
    assert [(a["action"], a["user_name"]) for a in logged] == [("status", "alice")]
    assert "Incomplete" in logged[0]["summary"] and "Approved" in logged[0]["summary"]


def test_cancelling_with_a_reason(demo_db, hubtui):
    order = pick_order(demo_db, "status = 'Approved'")
    number = order["number"]
    last_activity = _max_activity_id(demo_db)
    ran = hubtui("orders", "status", number, "Cancelled", "--reason", "CustomerRequest", "--json",
                 "--db", db_url(demo_db), "--user", "alice")
    detail = ran.json()
    assert (detail["number"], detail["status"], detail["cancel_reason"]) == (number, "Cancelled", "CustomerRequest")
    after = order_row(demo_db, number)
    assert after is not None
    assert (after["status"], after["cancel_reason"], after["version"]) == (
        "Cancelled", "CustomerRequest", order["version"] + 1,
    )
    logged = _new_activity(demo_db, order["id"], last_activity)
    assert [(a["action"], a["user_name"]) for a in logged] == [("status", "alice")]
    assert "CustomerRequest" in logged[0]["summary"]


def test_warehouse_dispatches_a_ready_order(demo_db, env):
    order = pick_order(demo_db, "status = 'ReadyToDispatch'")
    ran = invoke(["orders", "status", order["number"], "Dispatched", "--db", db_url(demo_db), "--user", "wendy"], env)
    assert ran.code == 0, ran.explain()
    after = order_row(demo_db, order["number"])
    assert after is not None and after["status"] == "Dispatched" and after["updated_by"] == "wendy"


def test_adding_a_note(demo_db, hubtui):
    order = pick_order(demo_db, "status = 'Delivered'")
    number = order["number"]
    before = snapshot(demo_db, number)
    last_activity = _max_activity_id(demo_db)
    text = "Customer rang: leave it with the neighbour at no. 12 — thanks!"
    ran = hubtui("orders", "note", number, text, "--db", db_url(demo_db), "--user", "wendy")
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == [f"{number}: note added."]
    logged = _new_activity(demo_db, order["id"], last_activity)
    assert [(a["action"], a["user_name"], a["summary"]) for a in logged] == [("note", "wendy", text)]
    # A note is history, not an edit: the order itself is as it was.
    assert snapshot(demo_db, number)["order"] == before["order"]


def test_expected_version_refuses_a_stale_change(demo_db, hubtui, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    number = order["number"]
    # pete moves the order on while alice still looks at the version she read.
    moved = invoke(["orders", "status", number, "Pending", "--expected-version", str(order["version"]),
                    "--db", db_url(demo_db), "--user", "pete"], env)
    assert moved.code == 0, moved.explain()
    before = snapshot(demo_db, number)
    stale = hubtui("orders", "status", number, "Cancelled", "--reason", "Duplicate",
                   "--expected-version", str(order["version"]), "--db", db_url(demo_db), "--user", "alice")
    assert_handled_error(stale, number, "pete")
    assert snapshot(demo_db, number) == before
    assert before["order"]["status"] == "Pending"


# --------------------------------------------------------------------------- refused, store unchanged


@dataclass(frozen=True)
class Refusal:
    where: str  # which order to use
    args: Callable[[dict[str, Any]], list[str]]  # the command, given that order's row
    fragments: tuple[str, ...]  # what the one-line message must say
    code: int = 1
    org: str = "BTOOLS"  # whose order it is (alice works in BTOOLS)


REFUSALS = {
    "unknown status": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "status", o["number"], "Shipped", "--user", "alice"],
        ("STATUS", "Shipped"), code=2,
    ),
    "illegal transition Delivered -> Approved": Refusal(
        "status = 'Delivered'", lambda o: ["orders", "status", o["number"], "Approved", "--user", "sam"],
        ("Delivered", "Approved"),
    ),
    "cancel without a reason": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "status", o["number"], "Cancelled", "--user", "alice"],
        ("reason", "CustomerRequest"),
    ),
    "unknown order number": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "status", "BT9999999", "Approved", "--user", "alice"],
        ("BT9999999",),
    ),
    "amount with three decimals": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--amount", "12.345",
                   "--user", "alice"],
        ("--amount", "12.345"),
    ),
    "amount not a number": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--amount", "abc",
                   "--user", "alice"],
        ("--amount", "abc"),
    ),
    "amount above the balance": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid",
                   "--amount", _money(o["order_total"] + 1), "--user", "alice"],
        ("balance due",),
    ),
    "unknown user": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--user", "nobody"],
        ("nobody",),
    ),
    "warehouse may not record payments": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--user", "wendy"],
        ("may not", "payments"),
    ),
    "agent may not dispatch": Refusal(
        "status = 'ReadyToDispatch'", lambda o: ["orders", "status", o["number"], "Dispatched", "--user", "alice"],
        ("may not",),
    ),
    "missing --status is bad usage": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--user", "alice"],
        ("--status",), code=2,
    ),
}

# The same promise, checked in-process: cheaper, so it covers the less common cases.
MORE_REFUSALS = {
    "cancel with an unknown reason": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "status", o["number"], "Cancelled", "--reason", "Bored", "--user", "alice"],
        ("--reason", "Bored"), code=2,
    ),
    "imported-only payment method": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "PayPal", "--status", "Paid", "--user", "alice"],
        ("PayPal",),
    ),
    "unknown payment method": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Barter", "--status", "Paid", "--user", "alice"],
        ("--method", "Barter"), code=2,
    ),
    "refund is not an operator payment status": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Refunded", "--user", "alice"],
        ("Refunded",),
    ),
    "negative amount": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--amount=-5.00",
                   "--user", "alice"],
        ("-5.00",),
    ),
    "payment on a cancelled order": Refusal(
        "status = 'Cancelled' AND payment_status = 'Pending'",
        lambda o: ["orders", "pay", o["number"], "--method", "Cash", "--status", "Paid", "--user", "sam"],
        ("cancelled",),
    ),
    "warehouse may not approve": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "status", o["number"], "Approved", "--user", "wendy"],
        ("may not",),
    ),
    "already in that status": Refusal(
        "status = 'Approved'", lambda o: ["orders", "status", o["number"], "Approved", "--user", "alice"],
        ("already",),
    ),
    "release a hold to somewhere else": Refusal(
        "status = 'OnHold' AND held_from_status = 'Pending'",
        lambda o: ["orders", "status", o["number"], "Approved", "--user", "sam"],
        ("Pending",),
    ),
    "empty note": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "note", o["number"], "   ", "--user", "alice"], ("empty",),
    ),
    "note too long": Refusal(
        INCOMPLETE_LOW_RISK, lambda o: ["orders", "note", o["number"], "x" * 401, "--user", "alice"], ("400",),
    ),
    "unknown organisation": Refusal(
        INCOMPLETE_LOW_RISK,
        lambda o: ["orders", "status", o["number"], "Approved", "--org", "NOPE", "--user", "alice"],
        ("NOPE",),
    ),
    "order of another organisation": Refusal(
        "status = 'Incomplete'", lambda o: ["orders", "status", o["number"], "Pending", "--user", "alice"],
        ("BTOOLS",), org="BFIX",
    ),
}


def _assert_refused_and_unchanged(refusal: Refusal, demo_db: Path, run: Callable[[list[str]], Any]) -> None:
    order = pick_order(demo_db, refusal.where, org=refusal.org)
    before = snapshot(demo_db, order["number"])
    ran = run([*refusal.args(order), "--db", db_url(demo_db)])
    if refusal.code == 2:
        assert_usage_error(ran, *refusal.fragments)
    else:
        assert_handled_error(ran, *refusal.fragments)
        assert ran.out == ""
    assert snapshot(demo_db, order["number"]) == before


@pytest.mark.parametrize("name", REFUSALS, ids=list(REFUSALS))
def test_refused_in_a_child_process_and_the_store_is_unchanged(name, demo_db, hubtui):
    _assert_refused_and_unchanged(REFUSALS[name], demo_db, lambda args: hubtui(*args))


@pytest.mark.parametrize("name", MORE_REFUSALS, ids=list(MORE_REFUSALS))
def test_refused_and_the_store_is_unchanged(name, demo_db, env):
    _assert_refused_and_unchanged(MORE_REFUSALS[name], demo_db, lambda args: invoke(args, env))


def test_a_status_change_keeps_its_comment(demo_db, hubtui):
    order = pick_order(demo_db, "status = 'Approved'")
    last_activity = _max_activity_id(demo_db)
    hubtui("orders", "status", order["number"], "OnHold", "--comment", "waiting for stock",
           "--db", db_url(demo_db), "--user", "alice")
    logged = _new_activity(demo_db, order["id"], last_activity)
    assert [(a["action"], a["summary"]) for a in logged] == [
        ("status", "Status Approved → OnHold: waiting for stock")]


@pytest.mark.parametrize("amount", ["$5.00", "€5.00", "0", "0.00"])
def test_a_foreign_symbol_or_a_zero_amount_is_refused(amount, demo_db, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK + " AND currency = 'GBP'")
    before = snapshot(demo_db)
    ran = invoke(["orders", "pay", order["number"], "--method", "Cash", "--status", "Paid", "--amount", amount,
                  "--db", db_url(demo_db), "--user", "alice"], env)
    assert_handled_error(ran, "currency" if amount[0] in "$€" else "FOC is the only payment of nothing")
    assert snapshot(demo_db) == before


# --------------------------------------------------------------------------- correcting a payment


def test_a_declined_payment_corrected_to_paid_approves_the_order(demo_db, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    number, db = order["number"], ["--db", db_url(demo_db), "--user", "alice"]
    declined = invoke(["orders", "pay", number, "--method", "MOTO", "--status", "declined", "--json", *db], env).json()
    (payment,) = [p for p in declined["payments"] if p["status"] == "Declined"]

    ran = invoke(["orders", "payment", number, str(payment["id"]), "--status", "PAID", "--comment", "cleared after all",
                  *db], env)

    assert ran.code == 0 and ran.err == "", ran.explain()
    symbol = {"GBP": "£", "EUR": "€"}[order["currency"]]
    assert ran.out_lines == [f"{number}: payment {payment['id']} is now Paid; payment Paid, status Approved, "
                             f"due {symbol}0.00."]
    after = order_row(demo_db, number)
    assert after is not None
    assert (after["status"], after["payment_status"], after["paid_total"]) == ("Approved", "Paid", order["order_total"])
    assert query(demo_db, "SELECT status FROM payments WHERE id = ?", (payment["id"],))[0][0] == "Paid"
    (entry,) = [a for a in _new_activity(demo_db, order["id"], 0) if a["summary"].startswith("Payment corrected")]
    assert entry["summary"].endswith("Declined → Paid: cleared after all") and entry["user_name"] == "alice"


@pytest.mark.parametrize(("args", "code", "says"), [
    (["--status", "Bounced"], 2, "--status"),
    (["--status", "Refunded"], 1, "comes only from a refund"),
])
def test_a_payment_correction_that_is_not_one_is_refused(args, code, says, demo_db, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    db = ["--db", db_url(demo_db), "--user", "alice"]
    paid = invoke(["orders", "pay", order["number"], "--method", "Cash", "--status", "Pending", "--json", *db], env)
    payment_id = str(paid.json()["payments"][0]["id"])
    before = snapshot(demo_db, order["number"])
    for who in (payment_id, "999999999"):
        ran = invoke(["orders", "payment", order["number"], who, *args, *db], env)
        if code == 2:
            assert_usage_error(ran, says)
        else:
            assert_handled_error(ran, says if who == payment_id else f"has no payment {who}")
    assert snapshot(demo_db, order["number"]) == before


# --------------------------------------------------------------------------- tracking


def test_tracking_is_set_by_the_warehouse_and_shown(demo_db, env):
    order = pick_order(demo_db, "status = 'ReadyToDispatch'")
    number, db = order["number"], ["--db", db_url(demo_db), "--user", "wendy"]
    link = "https://track.example.com/p/TRK77?" + "q" * 900
    ran = invoke(["orders", "tracking", number, "--number", "TRK77", "--carrier", "DPD", "--link", link, *db], env)
    assert ran.code == 0 and ran.err == "", ran.explain()
    assert ran.out_lines == [f"{number}: tracking DPD TRK77."]
    after = order_row(demo_db, number)
    assert after is not None
    assert (after["tracking_number"], after["tracking_carrier"], after["tracking_link"], after["updated_by"]) == (
        "TRK77", "DPD", link, "wendy")
    shown = invoke(["orders", "show", number, *db], env)
    assert any(line.startswith("tracking: DPD TRK77 https://track.example.com/") for line in shown.out_lines), shown.out


@pytest.mark.parametrize(("where", "args", "says"), [
    ("status = 'Approved'", ["--number", "TRK1"], "tracking is set from ReadyToDispatch on"),
    ("status = 'ReadyToDispatch'", ["--number", "TRK1", "--link", "javascript:alert(1)"], "http:// or https://"),
    ("status = 'ReadyToDispatch'", ["--number", "TRK1", "--link", "https://x.com/" + "y" * 1990], "2,000"),
    ("status = 'ReadyToDispatch'", ["--number", " "], "A tracking number is needed"),
])
def test_tracking_that_cannot_be_set_is_one_line_and_nothing_changes(where, args, says, demo_db, env):
    order = pick_order(demo_db, where)
    before = snapshot(demo_db, order["number"])
    ran = invoke(["orders", "tracking", order["number"], *args, "--db", db_url(demo_db), "--user", "wendy"], env)
    assert_handled_error(ran, says)
    assert snapshot(demo_db, order["number"]) == before


# --------------------------------------------------------------------------- addresses


def test_a_shipping_post_code_is_changed_and_the_rest_stays(demo_db, env):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    number, db = order["number"], ["--db", db_url(demo_db), "--user", "alice"]
    ran = invoke(["orders", "address", number, "--shipping", "--postcode", "LS2 9ZZ", "--line2", "Flat 3", *db], env)
    assert ran.code == 0 and ran.err == "", ran.explain()
    after = order_row(demo_db, number)
    assert after is not None
    assert (after["shipping_postcode"], after["shipping_line2"], after["shipping_line1"], after["shipping_city"]) == (
        "LS2 9ZZ", "Flat 3", order["shipping_line1"], order["shipping_city"])
    assert (after["billing_postcode"], after["version"]) == (order["billing_postcode"], order["version"] + 1)
    assert ran.out_lines[0].startswith(f"{number}: shipping address ") and "LS2 9ZZ" in ran.out_lines[0]
    (entry,) = [a for a in _new_activity(demo_db, order["id"], 0) if a["action"] == "edit"]
    assert entry["summary"] == "Edited shipping" and entry["user_name"] == "alice"


@pytest.mark.parametrize(("where", "args", "code", "says"), [
    ("status = 'SentToWarehouse'", ["--billing", "--city", "York"], 1, "can no longer be edited"),
    (INCOMPLETE_LOW_RISK, ["--shipping", "--line1", " "], 1, "Give the first line"),
    (INCOMPLETE_LOW_RISK, ["--billing", "--country", "E1"], 1, "two-letter code"),
    (INCOMPLETE_LOW_RISK, ["--city", "York"], 2, "--shipping or --billing"),
    (INCOMPLETE_LOW_RISK, ["--shipping", "--billing", "--city", "York"], 2, "--shipping or --billing"),
])
def test_an_address_change_that_cannot_be_made_changes_nothing(where, args, code, says, demo_db, env):
    order = pick_order(demo_db, where)
    before = snapshot(demo_db, order["number"])
    ran = invoke(["orders", "address", order["number"], *args, "--db", db_url(demo_db), "--user", "alice"], env)
    if code == 2:
        assert_usage_error(ran, says)
    else:
        assert_handled_error(ran, says)
    assert snapshot(demo_db, order["number"]) == before


# --------------------------------------------------------------------------- attachments


def test_attach_list_and_save_back_out(demo_db, env, tmp_path):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK + " AND id NOT IN (SELECT order_id FROM attachments)")
    number, db = order["number"], ["--db", db_url(demo_db), "--user", "alice"]
    pdf = tmp_path / "delivery note.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    ran = invoke(["orders", "attach", number, str(pdf), *db], env)
    assert ran.code == 0 and ran.err == "", ran.explain()
    (attachment_id,) = [row[0] for row in query(demo_db, "SELECT id FROM attachments WHERE order_id = ?", (order["id"],))]
    assert ran.out_lines == [f"Attached delivery note.pdf as attachment {attachment_id} (pdf, 15 bytes)."]
    listed = invoke(["orders", "attachments", number, "--json", *db], env).json()
    assert [(a["id"], a["label"], a["kind"], a["size"], a["added_by"]) for a in listed] == [
        (attachment_id, "delivery note.pdf", "pdf", 15, "alice")]
    copy = tmp_path / "copy.pdf"
    saved = invoke(["orders", "attachments", number, "--save", str(attachment_id), str(copy), *db], env)
    assert saved.code == 0 and copy.read_bytes() == pdf.read_bytes(), saved.explain()


@pytest.mark.parametrize(("make", "says"), [
    (lambda tmp: str(tmp), "is a folder"),
    (lambda tmp: str(tmp / "none.pdf"), "There is no file"),
    (lambda tmp: "/dev/zero", "not a regular file"),
])
def test_an_attachment_that_cannot_be_taken_is_one_line(make, says, demo_db, env, tmp_path):
    order = pick_order(demo_db, INCOMPLETE_LOW_RISK)
    before = snapshot(demo_db, order["number"])
    ran = invoke(["orders", "attach", order["number"], make(tmp_path), "--db", db_url(demo_db), "--user", "alice"],
                 env)
    assert_handled_error(ran, says)
    assert snapshot(demo_db, order["number"]) == before
