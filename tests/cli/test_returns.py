"""`hubtui returns …`: the returns services from the command line (SPEC 4, 6, 8). Each test runs
on its own copy of the demo database (2,000 orders); commands run in-process (`invoke`) except
one that runs the real program, and every write is checked in the store with plain SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    Ran,
    assert_handled_error,
    assert_usage_error,
    db_url,
    invoke,
    order_row,
    org_id,
    query,
    scalar,
    snapshot,
    without_rules,
)

# A dispatched or delivered BTOOLS order in pounds, paid in full, nothing refunded, no return yet.
RETURNABLE = ("status IN ('Dispatched', 'Delivered') AND currency = 'GBP' AND paid_total = order_total "
              "AND refunded_total = 0 AND order_total > 0 "
              "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = orders.id)")


def _cli(env: dict[str, str], path: Path, user: str, *args: str) -> Ran:
    return invoke([*args, "--db", db_url(path), "--user", user], env)


def _ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran.explain()
    assert ran.err == "", ran.explain()
    return ran


def _order(path: Path, where: str = "", lines: int = 2) -> dict[str, Any]:
    """The oldest RETURNABLE order with at least `lines` dispatched lines of distinct stock codes."""
    rows = query(path, f"SELECT * FROM orders WHERE org_id = ? AND {RETURNABLE} {where} "
                       "AND (SELECT COUNT(DISTINCT l.stock_code) FROM order_lines l WHERE l.order_id = orders.id "
                       "     AND l.dispatched_quantity > 0) >= ? ORDER BY id LIMIT 1", (org_id(path), lines))
    assert rows, "the demo has no such order"
    return dict(rows[0])


def _lines(path: Path, order_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in query(path, "SELECT * FROM order_lines WHERE order_id = ? AND dispatched_quantity > 0 "
                                         "ORDER BY line_no", (order_id,))]


def _return(path: Path, number: str) -> dict[str, Any]:
    rows = query(path, "SELECT * FROM returns WHERE number = ?", (number,))
    assert rows, f"no return {number}"
    return dict(rows[0])


def _return_lines(path: Path, number: str) -> dict[str, tuple[int, int | None]]:
    """stock code -> (asked, received) of the return's lines."""
    return {r["stock_code"]: (r["quantity"], r["received_quantity"]) for r in query(
        path, "SELECT l.stock_code, rl.quantity, rl.received_quantity FROM return_lines rl "
              "JOIN order_lines l ON l.id = rl.order_line_id JOIN returns r ON r.id = rl.rma_id WHERE r.number = ?",
        (number,))}


def _state(path: Path, number: str) -> dict[str, Any]:
    """Everything a returns command could write: the tables, the order, each return as it is."""
    state = snapshot(path, number)
    for table in ("return_lines", "refunds"):
        state[f"{table}.count"] = scalar(path, f"SELECT COUNT(*) FROM {table}")
    state["returns"] = [tuple(r) for r in query(path, "SELECT * FROM returns ORDER BY id")]
    state["return_lines"] = [tuple(r) for r in query(path, "SELECT * FROM return_lines ORDER BY id")]
    return state


def _create(env: dict[str, str], path: Path, number: str, *lines: str, action: str = "Refund") -> str:
    args = [arg for line in lines for arg in ("--line", line)]
    data = _ok(_cli(env, path, "alice", "returns", "create", number, *args, "--action", action, "--reason",
                    "Damaged", "--json")).json()
    return data["number"]


def _to_qc(env: dict[str, str], path: Path, number: str, *lines: str, action: str = "Refund") -> str:
    rma = _create(env, path, number, *lines, action=action)
    _ok(_cli(env, path, "sam", "returns", "status", rma, "ApproveRequest"))
    _ok(_cli(env, path, "wendy", "returns", "receive", rma))
    _ok(_cli(env, path, "wendy", "returns", "qc", rma))
    return rma


def _all_lines(path: Path, order: dict[str, Any]) -> list[str]:
    return [f"{line['stock_code']}:{line['dispatched_quantity']}" for line in _lines(path, order["id"])]


# --------------------------------------------------------------------------- the whole way


def test_create_approve_receive_qc_refund_with_json_and_the_store_follows(demo_db: Path, env) -> None:
    order = _order(demo_db)
    lines = _lines(demo_db, order["id"])
    args = [a for line in lines for a in ("--line", f"{line['stock_code']}:{line['dispatched_quantity']}")]
    created = _ok(_cli(env, demo_db, "alice", "returns", "create", order["number"], *args, "--action", "refund",
                       "--reason", "FAULTY", "--comment", "buzzes", "--json")).json()
    rma = created["number"]
    assert created["order_number"] == order["number"] and created["status"] == "ReturnRequested"
    assert created["moves"] == ["ApproveRequest", "RejectRequest"]
    row = _return(demo_db, rma)
    assert (row["status"], row["action"], row["reason"], row["raised_from"], row["note"], row["created_by"]) == (
        "ReturnRequested", "Refund", "Faulty", "CustomerSupport", "buzzes", "alice")
    assert _return_lines(demo_db, rma) == {l["stock_code"]: (l["dispatched_quantity"], None) for l in lines}
    assert created["amount"] == order["lines_total"] - order["discount_total"], "every unit: all paid for them"

    approved = _ok(_cli(env, demo_db, "sam", "returns", "status", rma, "ApproveRequest", "--comment", "photos seen",
                        "--json")).json()
    assert approved["status"] == _return(demo_db, rma)["status"] == "ApproveRequest"
    assert approved["history"][0]["summary"].endswith("ReturnRequested → ApproveRequest: photos seen")

    received = _ok(_cli(env, demo_db, "wendy", "returns", "receive", order["number"], "--json")).json()
    assert received["number"] == rma, "an order number finds its return waiting for goods"
    assert received["status"] == _return(demo_db, rma)["status"] == "ReturnReceived"
    assert _return_lines(demo_db, rma) == {l["stock_code"]: (l["dispatched_quantity"],) * 2 for l in lines}

    checked = _ok(_cli(env, demo_db, "wendy", "returns", "qc", rma, "--note", "all there", "--json")).json()
    assert checked["status"] == _return(demo_db, rma)["status"] == "RMAQCcomplete"
    assert checked["refund_cap"] == created["amount"]

    refunded = _ok(_cli(env, demo_db, "sam", "returns", "refund", rma, "--method", "bacs", "--reference", "R-1",
                        "--json")).json()
    assert refunded["status"] == "RefundProcessed" and refunded["refunded"] == created["amount"]
    assert refunded["final"] is True and refunded["moves"] == []
    row = _return(demo_db, rma)
    assert (row["status"], row["updated_by"]) == ("RefundProcessed", "sam")
    (refund,) = query(demo_db, "SELECT * FROM refunds WHERE rma_id = ?", (row["id"],))
    assert (refund["amount"], refund["method"], refund["reference"], refund["status"], refund["created_by"]) == (
        created["amount"], "Bacs", "R-1", "Processed", "sam")
    after = order_row(demo_db, order["number"])
    assert after is not None and after["refunded_total"] == created["amount"]
    assert after["payment_status"] == ("Refunded" if created["amount"] >= order["paid_total"] else "PartiallyRefunded")
    summaries = [r["summary"] for r in query(demo_db, "SELECT summary FROM activity WHERE rma_id = ? ORDER BY id",
                                             (row["id"],))]
    assert len(summaries) == 6 and "RMAQCcomplete → ProcessReturn" in summaries[4]
    assert summaries[5].startswith("Refund of £") and "by Bacs ref R-1" in summaries[5]


def test_create_maps_stock_codes_to_lines_in_any_case_and_adds_repeats_up(demo_db: Path, env) -> None:
    order = _order(demo_db, "AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id "
                            "AND l.dispatched_quantity >= 2)")
    lines = _lines(demo_db, order["id"])
    big = next(l for l in lines if l["dispatched_quantity"] >= 2)
    ran = _ok(_cli(env, demo_db, "alice", "returns", "create", order["number"], "--line",
                   f"{big['stock_code'].lower()}:1", "--line", f"{big['stock_code']}:1", "--action", "Replacement",
                   "--reason", "WrongItem", "--via", "instore"))
    rma = _return(demo_db, scalar(demo_db, "SELECT number FROM returns ORDER BY id DESC LIMIT 1"))
    assert ran.out_lines == [f"{rma['number']} raised on {order['number']}: 2 unit(s) on 1 line(s) for Replacement "
                             "(WrongItem) via InStore; status ReturnRequested."]
    assert (rma["action"], rma["reason"], rma["raised_from"]) == ("Replacement", "WrongItem", "InStore")
    assert _return_lines(demo_db, rma["number"]) == {big["stock_code"]: (2, None)}
    assert scalar(demo_db, "SELECT order_line_id FROM return_lines WHERE rma_id = ?", (rma["id"],)) == big["id"]


@pytest.mark.parametrize("line", ["BT-DRI-1000", "BT-DRI-1000:", ":2", "BT-DRI-1000:1.5", "BT-DRI-1000:-1",
                                  "BT-DRI-1000:two", "BT-DRI-1000:" + "9" * 40])
def test_a_malformed_line_is_bad_usage(line: str, demo_db: Path, env) -> None:
    order = _order(demo_db)
    before = _state(demo_db, order["number"])
    ran = _cli(env, demo_db, "alice", "returns", "create", order["number"], "--line", line, "--action", "Refund",
               "--reason", "Damaged")
    assert_usage_error(ran, "--line", "SKU:QTY")
    assert _state(demo_db, order["number"]) == before


def test_create_without_a_line_or_with_an_unknown_action_is_bad_usage(demo_db: Path, env) -> None:
    order = _order(demo_db)
    assert_usage_error(_cli(env, demo_db, "alice", "returns", "create", order["number"], "--action", "Refund",
                            "--reason", "Damaged"), "--line")
    code = _lines(demo_db, order["id"])[0]["stock_code"]
    assert_usage_error(_cli(env, demo_db, "alice", "returns", "create", order["number"], "--line", f"{code}:1",
                            "--action", "Swap", "--reason", "Damaged"), "--action")


# --------------------------------------------------------------------------- reading


def test_list_filters_and_shows_the_columns(demo_db: Path, env) -> None:
    order = _order(demo_db)
    rma = _create(env, demo_db, order["number"], _all_lines(demo_db, order)[0])
    org = org_id(demo_db)
    waiting = scalar(demo_db, "SELECT COUNT(*) FROM returns WHERE org_id = ? AND status IN ('ReturnRequested', "
                              "'ExchangeRequested')", (org,))
    rows = _ok(_cli(env, demo_db, "alice", "returns", "list", "--filter", "awaiting-approval", "--json",
                    "--limit", "1000")).json()
    assert len(rows) == waiting and {r["status"] for r in rows} <= {"ReturnRequested", "ExchangeRequested"}
    assert rows[0]["number"] == rma, "newest first"
    assert set(rows[0]) >= {"number", "order_number", "customer_name", "status", "action", "lines", "units", "amount",
                            "currency", "raised_from", "created_at"}
    found = _ok(_cli(env, demo_db, "alice", "returns", "list", "--text", order["number"], "--json")).json()
    assert [r["number"] for r in found] == [rma]
    assert _ok(_cli(env, demo_db, "alice", "returns", "list", "--status", "refundprocessed", "--text", rma,
                    "--json")).json() == []
    table = without_rules(_ok(_cli(env, demo_db, "alice", "returns", "list", "--text", rma)).out_lines)
    assert table[0].split() == ["RMA", "ORDER", "CUSTOMER", "STATUS", "ACTION", "LINES", "AMOUNT", "VIA", "RAISED"]
    assert table[1].startswith(f"{rma}   {order['number']}   ") and "ReturnRequested" in table[1]
    total = scalar(demo_db, "SELECT COUNT(*) FROM returns WHERE org_id = ?", (org,))
    ran = _cli(env, demo_db, "alice", "returns", "list", "--limit", "2")
    assert ran.code == 0 and ran.err_lines == [f"2 of {total:,} returns"], ran.explain()
    none = _ok(_cli(env, demo_db, "alice", "returns", "list", "--text", "nobody-at-all@nowhere"))
    assert none.out_lines == ["No returns match (all, text nobody-at-all@nowhere)."]


def test_show_prints_lines_money_moves_and_history_and_user_text_as_typed(demo_db: Path, env) -> None:
    order = _order(demo_db)
    first = _lines(demo_db, order["id"])[0]
    ran = _ok(_cli(env, demo_db, "alice", "returns", "create", order["number"], "--line",
                   f"{first['stock_code']}:1", "--action", "Refund", "--reason", "Late", "--comment",
                   "[red]late[/red] \x1b[2Jagain\nforged", "--json"))
    rma = ran.json()["number"]
    _ok(_cli(env, demo_db, "sam", "returns", "status", rma, "ApproveRequest"))
    shown = _ok(_cli(env, demo_db, "sam", "returns", "show", rma.removeprefix("RMA")))
    out = shown.out_lines
    assert out[0].startswith(f"{rma}  order {order['number']} ({order['status']})  ApproveRequest  Refund  Late")
    assert "\x1b" not in shown.out and "[red]late[/red]" in shown.out
    assert any(line.startswith("note: [red]late[/red]") and "⏎ forged" in line for line in out)
    at = out.index("lines:")
    assert out[at + 1].split()[:2] == ["1.", first["stock_code"]] and "requested   1  received   -" in out[at + 1]
    amounts = next(line for line in out if line.startswith("amount £"))
    assert "refunded £0.00" in amounts and "still refundable on order £" in amounts and "refund cap £" in amounts
    assert "moves: ReturnReceived, ReturnNotReceived, ReturnOutforPickup" in out
    history = out[out.index("history (newest first):") + 1:]
    assert len(history) == 2 and "ReturnRequested → ApproveRequest" in history[0] and "raised" in history[1]
    data = _ok(_cli(env, demo_db, "sam", "returns", "show", rma, "--json")).json()
    assert data["note"] == "[red]late[/red] \x1b[2Jagain\nforged" == _return(demo_db, rma)["note"]
    assert [l["quantity"] for l in data["lines"]] == [1] and data["version"] == _return(demo_db, rma)["version"]


# --------------------------------------------------------------------------- the other steps and outcomes


def test_receive_counts_the_lines_given_and_nothing_for_the_rest(demo_db: Path, env) -> None:
    order = _order(demo_db)
    lines = _all_lines(demo_db, order)
    rma = _create(env, demo_db, order["number"], *lines)
    _ok(_cli(env, demo_db, "sam", "returns", "status", rma, "ApproveRequest"))
    code = lines[0].split(":")[0]
    ran = _ok(_cli(env, demo_db, "wendy", "returns", "receive", rma, "--line", f"{code.lower()}:1", "--comment",
                   "one box"))
    expected = sum(int(line.split(":")[1]) for line in lines)
    assert ran.out_lines == [f"{rma}: 1 of {expected} unit(s) received; status ReturnReceived."]
    got = _return_lines(demo_db, rma)
    assert got[code][1] == 1 and all(received == 0 for c, (_, received) in got.items() if c != code)


def test_nothing_received_and_qc_failed(demo_db: Path, env) -> None:
    order = _order(demo_db)
    first, second = _all_lines(demo_db, order)[:2]
    rma = _create(env, demo_db, order["number"], first)
    _ok(_cli(env, demo_db, "sam", "returns", "status", rma, "ApproveRequest"))
    _ok(_cli(env, demo_db, "wendy", "returns", "receive", rma, "--line", first.split(":")[0] + ":0"))
    assert _return(demo_db, rma)["status"] == "ReturnNotReceived"
    other = _create(env, demo_db, order["number"], second)
    _ok(_cli(env, demo_db, "sam", "returns", "status", other, "ApproveRequest"))
    _ok(_cli(env, demo_db, "wendy", "returns", "receive", other))
    ran = _ok(_cli(env, demo_db, "wendy", "returns", "qc", other, "--failed", "--note", "water damage"))
    assert ran.out_lines == [f"{other}: QC complete (failed); status ReturnCantBeProcessed."]
    assert _return(demo_db, other)["status"] == "ReturnCantBeProcessed"


def test_a_replacement_is_a_linked_order_at_no_charge(demo_db: Path, env) -> None:
    order = _order(demo_db)
    lines = _all_lines(demo_db, order)
    rma = _to_qc(env, demo_db, order["number"], *lines, action="Replacement")
    ran = _ok(_cli(env, demo_db, "sam", "returns", "replace", rma))
    row = _return(demo_db, rma)
    new = dict(query(demo_db, "SELECT * FROM orders WHERE id = ?", (row["replacement_order_id"],))[0])
    assert ran.out_lines == [f"{rma}: replacement order {new['number']} created at no charge; "
                             "status ReplacementOrderCreated."]
    assert row["status"] == "ReplacementOrderCreated"
    assert (new["order_type"], new["status"], new["order_total"], new["customer_reference"]) == (
        "Replacement", "Approved", 0, rma)
    assert scalar(demo_db, "SELECT SUM(quantity) FROM order_lines WHERE order_id = ? AND unit_price = 0",
                  (new["id"],)) == sum(int(line.split(":")[1]) for line in lines)
    assert order_row(demo_db, order["number"])["refunded_total"] == 0  # type: ignore[index]
    shown = _ok(_cli(env, demo_db, "sam", "returns", "show", rma)).out_lines
    assert f"replacement order: {new['number']}" in shown and "closed: ReplacementOrderCreated is final" in shown


def test_an_exchange_sends_the_products_given(demo_db: Path, env) -> None:
    order = _order(demo_db)
    lines = _all_lines(demo_db, order)
    rma = _to_qc(env, demo_db, order["number"], lines[0], action="Exchange")
    code = _lines(demo_db, order["id"])[-1]["stock_code"]
    _ok(_cli(env, demo_db, "sam", "returns", "replace", rma, "--line", f"{code.lower()}:3"))
    new_id = _return(demo_db, rma)["replacement_order_id"]
    assert [tuple(r) for r in query(demo_db, "SELECT stock_code, quantity, unit_price FROM order_lines "
                                             "WHERE order_id = ?", (new_id,))] == [(code, 3, 0)]


def test_a_credit_note_of_an_amount_in_the_orders_currency(demo_db: Path, env) -> None:
    order = _order(demo_db)
    rma = _to_qc(env, demo_db, order["number"], _all_lines(demo_db, order)[0], action="CreditNote")
    ran = _ok(_cli(env, demo_db, "sam", "returns", "credit", rma, "--number", "CN-0042", "--amount", "£1.50"))
    assert ran.out_lines == [f"{rma}: credit note CN-0042 of £1.50 recorded; status CreditNoteCreated."]
    row = _return(demo_db, rma)
    assert (row["status"], row["credit_note_number"], row["credit_note_amount"]) == ("CreditNoteCreated", "CN-0042",
                                                                                    150)
    assert order_row(demo_db, order["number"])["refunded_total"] == 0  # type: ignore[index]
    assert "credit note: CN-0042 £1.50" in _ok(_cli(env, demo_db, "sam", "returns", "show", rma)).out_lines


def test_a_failed_refund_waits_and_is_tried_again(demo_db: Path, env) -> None:
    order = _order(demo_db)
    rma = _to_qc(env, demo_db, order["number"], _all_lines(demo_db, order)[0])
    ran = _ok(_cli(env, demo_db, "sam", "returns", "refund", rma, "--amount", "1", "--method", "Cheque", "--failed"))
    assert ran.out_lines == [f"{rma}: refund of £1.00 by Cheque failed; status RefundPaymentProblems, ready for "
                             "another try."]
    assert order_row(demo_db, order["number"])["refunded_total"] == 0  # type: ignore[index]
    ran = _ok(_cli(env, demo_db, "sam", "returns", "refund", rma, "--amount", "1.00"))
    assert ran.out_lines[0].startswith(f"{rma}: refund of £1.00 by ") and "status RefundProcessed" in ran.out_lines[0]
    assert [tuple(r) for r in query(demo_db, "SELECT amount, status FROM refunds WHERE rma_id = ? ORDER BY id",
                                    (_return(demo_db, rma)["id"],))] == [(100, "Failed"), (100, "Processed")]
    assert order_row(demo_db, order["number"])["refunded_total"] == 100  # type: ignore[index]


# --------------------------------------------------------------------------- refusals: one line, nothing written


def test_refusals_before_and_around_the_request(demo_db: Path, env) -> None:
    order = _order(demo_db)
    first = _lines(demo_db, order["id"])[0]
    rma = _create(env, demo_db, order["number"], f"{first['stock_code']}:1")
    before = _state(demo_db, order["number"])
    refusals = scalar(demo_db, "SELECT COUNT(*) FROM refusals")
    create = ("returns", "create", order["number"], "--action", "Refund", "--reason", "Damaged", "--line")
    cases = [
        ("alice", ("returns", "show", "RMA0999999"), "No return RMA0999999 in BTOOLS."),
        ("sam", ("returns", "status", "RMA0999999", "ApproveRequest"), "No return RMA0999999 in BTOOLS."),
        ("sam", ("returns", "refund", "RMA0999999"), "No return RMA0999999 in BTOOLS."),
        ("alice", ("returns", "show", "bogus"), "'bogus' is not a RMA number"),
        ("alice", ("returns", "create", "BT9999999", "--line", "X:1", "--action", "Refund", "--reason", "Damaged"),
         "No order BT9999999"),
        ("wendy", ("returns", "receive", "BT9999999"), "No order BT9999999"),
        ("alice", (*create, f"{first['stock_code']}:{first['dispatched_quantity']}"),
         f"{first['dispatched_quantity']} to return, but only {first['dispatched_quantity'] - 1} of "
         f"{first['dispatched_quantity']} dispatched can come back."),
        ("alice", (*create, "BT-NO-SUCH:1"), "has no line for BT-NO-SUCH"),
        ("alice", ("returns", "status", rma, "ApproveRequest"), "An agent may not approve or reject returns"),
        ("sam", ("returns", "status", rma, "RMAQCcomplete"),
         "Cannot move a return from ReturnRequested to RMAQCcomplete; allowed: ApproveRequest, RejectRequest"),
        ("sam", ("returns", "status", rma, "RefundProcessed"), "reached by `hubtui returns refund`"),
        ("sam", ("returns", "refund", rma), "a return is refunded, replaced or credited after QC"),
        ("wendy", ("returns", "receive", rma), "goods are received only while a return waits"),
        ("wendy", ("returns", "receive", order["number"]), f"{order['number']} has no return waiting for its goods"),
        ("alice", ("returns", "status", rma, "ApproveRequest", "--expected-version", "99"), "may not approve"),
        ("sam", ("returns", "status", rma, "ApproveRequest", "--expected-version", "99"), "was changed by alice"),
    ]
    for user, args, says in cases:
        line = assert_handled_error(_cli(env, demo_db, user, *args), says)
        assert "Traceback" not in line
        assert _state(demo_db, order["number"]) == before, args
    assert scalar(demo_db, "SELECT COUNT(*) FROM refusals") == refusals + 2, "the agent's two tries are written down"


def test_refusals_of_receiving_and_refunding(demo_db: Path, env) -> None:
    order = _order(demo_db)
    code = _lines(demo_db, order["id"])[0]["stock_code"]
    rma = _create(env, demo_db, order["number"], f"{code}:1")
    _ok(_cli(env, demo_db, "sam", "returns", "status", rma, "ApproveRequest"))
    for args, says in ((("--line", "BT-NO-SUCH:1"), f"{rma} has no line for BT-NO-SUCH; its lines are {code}."),
                       (("--line", f"{code}:2"), "2 received, but 1 were expected")):
        before = _state(demo_db, order["number"])
        assert_handled_error(_cli(env, demo_db, "wendy", "returns", "receive", rma, *args), says)
        assert _state(demo_db, order["number"]) == before
    _ok(_cli(env, demo_db, "wendy", "returns", "receive", rma))
    _ok(_cli(env, demo_db, "wendy", "returns", "qc", rma))
    cap = _ok(_cli(env, demo_db, "sam", "returns", "show", rma, "--json")).json()["refund_cap"]
    over = f"{(cap + 1) / 100:.2f}"
    before = _state(demo_db, order["number"])
    refusals = scalar(demo_db, "SELECT COUNT(*) FROM refusals WHERE action = 'refund return'")
    for user, args, says in (
            ("sam", ("--amount", over), f"£{over} is more than the returned units cost (£{cap / 100:.2f}"),
            ("sam", ("--amount", "0"), "A refund is more than 0.00."),
            ("sam", ("--amount", "-1"), "--amount: '-1' is negative"),
            ("sam", ("--amount", "ten"), "--amount: 'ten' is not an amount"),
            ("sam", ("--amount", "$1.00"), "$ is not this order's currency; give the amount in £"),
            ("sam", ("--method", "FOC"), "A refund goes back by Bacs"),
            ("wendy", (), "A warehouse user may not issue refunds"),
            ("wendy", ("--amount", "1"), "A warehouse user may not issue refunds"),
    ):
        assert_handled_error(_cli(env, demo_db, user, "returns", "refund", rma, *args), says)
        assert _state(demo_db, order["number"]) == before, args
    assert_handled_error(_cli(env, demo_db, "sam", "returns", "credit", rma, "--number", "CN-1", "--amount", over),
                         "more than the returned units cost")
    assert_handled_error(_cli(env, demo_db, "sam", "returns", "credit", rma, "--number", " "),
                         "Give the credit note's number.")
    assert _state(demo_db, order["number"]) == before
    assert scalar(demo_db, "SELECT COUNT(*) FROM refusals WHERE action = 'refund return'") == refusals + 2


def test_a_refund_above_what_the_order_still_has_is_refused(demo_db: Path, env) -> None:
    """An order partly refunded already (the demo has such orders, refunded without a return):
    its returned units may cost more than is left to refund on it."""
    rows = query(demo_db, "SELECT o.number, o.paid_total - o.refunded_total AS left_to_refund, l.stock_code, "
                          "l.dispatched_quantity FROM orders o JOIN order_lines l ON l.order_id = o.id "
                          "WHERE o.org_id = ? AND o.status IN ('Dispatched', 'Delivered') AND o.currency = 'GBP' "
                          "AND o.payment_status = 'PartiallyRefunded' AND o.discount_total = 0 "
                          "AND o.paid_total > o.refunded_total AND l.dispatched_quantity = l.quantity "
                          "AND l.line_total > o.paid_total - o.refunded_total + 100 "
                          "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id) ORDER BY o.id LIMIT 1",
                  (org_id(demo_db),))
    assert rows, "the demo has no such order"
    number, left, code, units = rows[0]
    rma = _to_qc(env, demo_db, number, f"{code}:{units}")
    shown = _ok(_cli(env, demo_db, "sam", "returns", "show", rma, "--json")).json()
    assert shown["still_refundable"] == left and shown["refund_cap"] == left < shown["amount"]
    before = _state(demo_db, number)
    over = f"{(left + 1) / 100:.2f}"
    assert_handled_error(_cli(env, demo_db, "sam", "returns", "refund", rma, "--amount", over),
                         f"£{over} is more than is still refundable on the order (£{left / 100:.2f}).")
    assert _state(demo_db, number) == before
    done = _ok(_cli(env, demo_db, "sam", "returns", "refund", rma, "--json")).json()
    after = order_row(demo_db, number)
    assert done["refunded"] == left and after is not None and after["refunded_total"] == after["paid_total"]


def test_the_real_program_refuses_with_one_line(demo_db: Path, hubtui) -> None:
    """Once through main() in a child process, as a script would run it."""
    order = _order(demo_db)
    code = _lines(demo_db, order["id"])[0]["stock_code"]
    before = _state(demo_db, order["number"])
    assert_handled_error(hubtui("returns", "create", order["number"], "--line", f"{code}:999", "--action", "Refund",
                                "--reason", "Damaged", "--db", db_url(demo_db), "--user", "alice"),
                         "999 to return, but only")
    assert _state(demo_db, order["number"]) == before
