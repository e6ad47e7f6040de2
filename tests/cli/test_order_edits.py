"""`orders lines` and `orders discount`: the same services as the TUI, one line out, the store checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import assert_handled_error, assert_usage_error, db_url, invoke, order_row, pick_order, query, snapshot

EDITABLE = "status IN ('Pending', 'Approved') AND currency = 'GBP' AND payment_status = 'Pending' AND discount_total = 0"


def _lines(path: Path, order_id: int) -> list[tuple[str, int]]:
    return [(r["stock_code"], r["quantity"])
            for r in query(path, "SELECT stock_code, quantity FROM order_lines WHERE order_id = ? ORDER BY line_no",
                           (order_id,))]


def _product(path: Path, org_id: int, pattern: str) -> tuple[str, int]:
    row = query(path, "SELECT stock_code, price FROM products WHERE org_id = ? AND active AND stock_code LIKE ? "
                      "ORDER BY id LIMIT 1", (org_id, pattern))[0]
    return row["stock_code"], row["price"]


def _cli(env, path: Path, *args: str):  # type: ignore[no-untyped-def]
    return invoke([*args, "--db", db_url(path), "--user", "alice"], env)


def test_a_dry_run_prints_the_preview_and_writes_nothing_then_the_change_is_made(demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    first, *_ = _lines(demo_db, order["id"])
    saw, price = _product(demo_db, order["org_id"], "%-SAW-%")
    before = snapshot(demo_db, order["number"])
    args = ("orders", "lines", order["number"], "--add", f"{saw}:2", "--set", f"{first[0]}:{first[1] + 1}")
    ran = _cli(env, demo_db, *args, "--dry-run")
    assert ran.code == 0, ran.explain()
    assert ran.out_lines[0] == f"{order['number']} (dry run, nothing written):"
    assert any(line.strip().startswith(f"line ") and f"{saw}  new → 2" in line for line in ran.out_lines)
    assert ran.out_lines[-1].strip().startswith("total £")
    assert snapshot(demo_db, order["number"]) == before
    data = _cli(env, demo_db, *args, "--dry-run", "--json").json()
    assert data["dry_run"] is True and data["after"]["total"] == order["order_total"] + 2 * price + data["lines"][0][
        "unit_price"] - 0  # one more of the first line's unit, two saws
    ran = _cli(env, demo_db, *args)
    assert ran.code == 0, ran.explain()
    assert ran.out_lines[0].startswith(f"{order['number']}: lines changed; {first[0]} {first[1]} → {first[1] + 1}; "
                                       f"+ {saw} ×2; total ")
    after = order_row(demo_db, order["number"])
    assert after is not None and after["order_total"] == data["after"]["total"] and after["updated_by"] == "alice"
    assert (saw, 2) in _lines(demo_db, order["id"])


@pytest.mark.parametrize(("args", "says"), [
    (("--set", "BT-NOT-THERE:2"), "has no line of 'BT-NOT-THERE'"),
    (("--add", "BT-NOT-THERE:2"), "No product on sale has the stock code 'BT-NOT-THERE'"),
    (("--add", "X:1.5"), "give STOCK_CODE:QUANTITY with a whole number"),
    (("--add", "X"), "give STOCK_CODE:QUANTITY"),
])
def test_bad_lines_get_one_line_and_nothing_is_written(args, says, demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    before = snapshot(demo_db, order["number"])
    assert_handled_error(_cli(env, demo_db, "orders", "lines", order["number"], *args), says)
    assert snapshot(demo_db, order["number"]) == before


def test_a_zero_quantity_and_a_locked_order_are_refused(demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    code, _ = _lines(demo_db, order["id"])[0]
    assert_handled_error(_cli(env, demo_db, "orders", "lines", order["number"], "--set", f"{code}:0"),
                         "Quantity must be at least 1")
    locked = pick_order(demo_db, "status = 'Dispatched'")
    code, _ = _lines(demo_db, locked["id"])[0]
    assert_handled_error(_cli(env, demo_db, "orders", "lines", locked["number"], "--set", f"{code}:2"),
                         "is Dispatched: lines, discounts and addresses are locked from SentToWarehouse on")


def test_no_edit_at_all_is_bad_usage(demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    assert_usage_error(_cli(env, demo_db, "orders", "lines", order["number"]), "--add")


def test_discounts_by_code_ad_hoc_and_removed(demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE + " AND lines_total >= 5000")
    number = order["number"]
    ran = _cli(env, demo_db, "orders", "discount", number, "--code", "fiveoff")
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == [f"{number}: Promotion FIVEOFF applied: −£5.00; total "
                             f"£{order['order_total'] / 100:.2f} → £{(order['order_total'] - 500) / 100:.2f}; "
                             f"£{(order['order_total'] - 500) / 100:.2f} to pay. Discounts now £5.00."]
    ran = _cli(env, demo_db, "orders", "discount", number, "--percent", "10", "--reason", "late delivery", "--json")
    assert ran.code == 0, ran.explain()
    data = ran.json()
    assert [d["description"] for d in data["discounts"]] == ["£5 off orders of £50 or more", "late delivery"]
    assert order_row(demo_db, number)["discount_total"] == data["discount_total"]  # type: ignore[index]
    ran = _cli(env, demo_db, "orders", "discount", number, "--remove", str(data["discounts"][0]["id"]))
    assert ran.code == 0, ran.explain()
    assert [r["description"] for r in query(demo_db, "SELECT description FROM order_discounts WHERE order_id = ?",
                                            (order["id"],))] == ["late delivery"]


@pytest.mark.parametrize(("args", "says"), [
    (("--code", "NEWYEAR25"), "NEWYEAR25 starts on"),
    (("--code", "NOPE"), "No promotion has the code 'NOPE'."),
    (("--percent", "101", "--reason", "x"), "at most 100"),
    (("--percent", "ten", "--reason", "x"), "'ten' is not a percentage."),
    (("--amount", "-1", "--reason", "x"), "is negative"),
    (("--amount", "0", "--reason", "x"), "more than 0.00"),
    (("--amount", "99999", "--reason", "x"), "more than the order's"),
    (("--remove", "999999"), "has no discount 999999"),
])
def test_bad_discounts_get_one_line_and_nothing_is_written(args, says, demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    before = snapshot(demo_db, order["number"])
    assert_handled_error(_cli(env, demo_db, "orders", "discount", order["number"], *args), says)
    assert snapshot(demo_db, order["number"]) == before


@pytest.mark.parametrize("args", [(), ("--code", "A", "--amount", "1", "--reason", "x"), ("--amount", "1")])
def test_discount_options_that_do_not_go_together_are_bad_usage(args, demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE)
    assert_usage_error(_cli(env, demo_db, "orders", "discount", order["number"], *args))


def test_two_processes_editing_the_lines_of_one_order_the_second_is_refused_and_nothing_is_lost(demo_db, env):
    """Two `hubtui orders lines` at once, both from the version they read: one saves, the other
    is refused naming who changed the order, and the stored lines are exactly the winner's."""
    from .helpers import finish, popen

    order = pick_order(demo_db, EDITABLE)
    code, quantity = _lines(demo_db, order["id"])[0]
    runs = {user: popen(["orders", "lines", order["number"], "--set", f"{code}:{quantity + n}", "--expected-version",
                         str(order["version"]), "--db", db_url(demo_db), "--user", user], env)
            for n, user in ((1, "alice"), (2, "pete"))}
    ran = {user: finish(process, ["orders", "lines"]) for user, process in runs.items()}
    codes = sorted(r.code for r in ran.values())
    assert codes == [0, 1], {user: r.explain() for user, r in ran.items()}
    winner = next(user for user, r in ran.items() if r.code == 0)
    loser = next(user for user, r in ran.items() if r.code == 1)
    assert_handled_error(ran[loser], f"was changed by {winner}")
    wanted = quantity + (1 if winner == "alice" else 2)
    assert _lines(demo_db, order["id"])[0] == (code, wanted)
    after = order_row(demo_db, order["number"])
    assert after is not None and after["version"] == order["version"] + 1 and after["updated_by"] == winner


def test_orders_show_lists_the_discounts_with_their_ids(demo_db, env) -> None:
    order = pick_order(demo_db, EDITABLE + " AND lines_total >= 5000")
    assert _cli(env, demo_db, "orders", "discount", order["number"], "--amount", "1.50", "--reason",
                "[red]goodwill[/red]").code == 0
    (discount_id,) = [r[0] for r in query(demo_db, "SELECT id FROM order_discounts WHERE order_id = ?", (order["id"],))]
    shown = _cli(env, demo_db, "orders", "show", order["number"])
    assert shown.code == 0, shown.explain()
    at = shown.out_lines.index("discounts (ids for orders discount --remove):")
    assert shown.out_lines[at + 1].split() == [str(discount_id), "[red]goodwill[/red]", "-£1.50", "by", "alice"]
