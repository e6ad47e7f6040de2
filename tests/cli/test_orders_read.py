"""`hubtui orders list` and `hubtui orders show` (SPEC 3 quick filters and search, SPEC 6).

The expected results are worked out here, from SPEC 3's wording and the rows in the
database, independently of hubtui's own filter code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from .helpers import assert_handled_error, assert_usage_error, db_url, invoke, org_id, pick_order, query, without_rules

QUICK_FILTERS = (
    "all", "today", "yesterday", "unfulfilled", "unpaid", "awaiting-approval", "high-risk", "pre-orders",
    "awaiting-feedback", "returned-from-warehouse", "on-hold", "exchange-on-hold",
)
DATE_FILTERS = {"today", "yesterday"}
LIST_HEADER = ("NUMBER", "PLACED", "CUSTOMER", "EMAIL", "CHANNEL", "TYPE", "STATUS", "PAYMENT", "TOTAL")


def satisfies(quick: str, *, status: str, payment_status: str, order_type: str, fraud_score: int,
              placed_on: date, today: date) -> bool:
    """SPEC 3's quick filters, written out again."""
    return {
        "all": True,
        "today": placed_on == today,
        "yesterday": placed_on == today - timedelta(days=1),
        "unfulfilled": status not in ("Dispatched", "Delivered", "Cancelled"),
        "unpaid": payment_status in ("Pending", "Declined") and status != "Cancelled",
        "awaiting-approval": status == "AwaitingApproval",
        "high-risk": fraud_score >= 70,
        "pre-orders": order_type == "PreOrder",
        "awaiting-feedback": status == "AwaitingCustomerFeedback",
        "returned-from-warehouse": status == "ReturnedByWarehouse",
        "on-hold": status == "OnHold",
        "exchange-on-hold": order_type == "Exchange" and status == "OnHold",
    }[quick]


def _stored_time(text: str) -> datetime:
    """placed_at as SQLite holds it (UTC, no offset)."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def stored_orders(path: Path, org: str = "BTOOLS") -> list[dict[str, Any]]:
    """Every order of `org`, newest first (the list's default order)."""
    rows = query(path, "SELECT * FROM orders WHERE org_id = ?", (org_id(path, org),))
    orders = [dict(r) | {"placed": _stored_time(r["placed_at"])} for r in rows]
    orders.sort(key=lambda o: (o["placed"], o["id"]), reverse=True)
    return orders


def expected_numbers(path: Path, quick: str, today: date, org: str = "BTOOLS") -> list[str]:
    return [
        o["number"]
        for o in stored_orders(path, org)
        if satisfies(quick, status=o["status"], payment_status=o["payment_status"], order_type=o["order_type"],
                     fraud_score=o["fraud_score"], placed_on=o["placed"].date(), today=today)
    ]


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def list_json(args: list[str], env: dict[str, str]) -> list[dict[str, Any]]:
    ran = invoke(["orders", "list", "--json", *args], env)
    assert ran.code == 0, ran.explain()
    assert ran.err == "", ran.explain()
    data = ran.json()
    assert isinstance(data, list)
    return data


# --------------------------------------------------------------------------- quick filters


@pytest.mark.parametrize("quick", QUICK_FILTERS)
def test_quick_filter_returns_exactly_the_matching_orders(quick, cli_demo_db, env):
    """On the CLI-built demo (orders placed relative to now, time zone UTC): all and only matches, newest first."""
    url = db_url(cli_demo_db)
    for _attempt in range(2):  # a run that straddles midnight UTC is repeated once
        today = utc_today()
        rows = list_json(["--filter", quick, "--limit", "10000", "--db", url, "--user", "alice"], env)
        if utc_today() == today:
            break
    for row in rows:
        placed = datetime.fromisoformat(row["placed_at"])
        assert placed.utcoffset() == timedelta(0)
        assert satisfies(quick, status=row["status"], payment_status=row["payment_status"],
                         order_type=row["order_type"], fraud_score=row["fraud_score"],
                         placed_on=placed.date(), today=today), row
        assert row["microsite"].startswith("bt-"), row  # BTOOLS, alice's organisation
    expected = expected_numbers(cli_demo_db, quick, today)
    assert [row["number"] for row in rows] == expected
    if quick not in DATE_FILTERS:  # the seed puts members in every other filter
        assert rows


def test_quick_filter_is_scoped_to_the_chosen_organisation(cli_demo_db, env):
    rows = list_json(["--filter", "on-hold", "--limit", "10000", "--org", "BFIX", "--db", db_url(cli_demo_db),
                      "--user", "alice"], env)
    assert rows
    assert [r["number"] for r in rows] == expected_numbers(cli_demo_db, "on-hold", utc_today(), org="BFIX")
    assert {r["microsite"] for r in rows} <= {"bf-uk", "bf-de"}


def test_unpaid_with_a_limit_in_a_child_process(demo_db, hubtui):
    ran = hubtui("orders", "list", "--limit", "50", "--filter", "unpaid", "--json", "--db", db_url(demo_db),
                 "--user", "alice")
    rows = ran.json()
    assert "Traceback" not in ran.err
    assert 0 < len(rows) <= 50
    for row in rows:
        assert row["payment_status"] in ("Pending", "Declined"), row
        assert row["status"] != "Cancelled", row
    every_unpaid = expected_numbers(demo_db, "unpaid", date(2026, 11, 28))
    assert len(every_unpaid) > 50  # so the limit is what stopped the list
    assert [r["number"] for r in rows] == every_unpaid[:50]


def test_text_list_has_a_header_and_one_row_per_order(demo_db, hubtui):
    ran = hubtui("orders", "list", "--filter", "awaiting-feedback", "--db", db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    assert "Traceback" not in ran.err
    header, *body = without_rules(ran.out_lines)
    assert tuple(header.split()) == LIST_HEADER
    expected = expected_numbers(demo_db, "awaiting-feedback", date(2026, 11, 28))
    assert 0 < len(expected) < 50
    assert [line.split()[0] for line in body] == expected
    for line in body:
        assert " AwaitingCustomerFeedback " in line
    by_number = {o["number"]: o for o in stored_orders(demo_db)}
    first = by_number[expected[0]]
    assert f"{first['order_total'] // 100}.{first['order_total'] % 100:02d}" in body[0]


def test_text_list_says_how_many_when_the_limit_cuts_it(demo_db, env):
    ran = invoke(["orders", "list", "--limit", "5", "--db", db_url(demo_db), "--user", "alice"], env)
    assert ran.code == 0, ran.explain()
    assert len(without_rules(ran.out_lines)) == 1 + 5
    total = len(stored_orders(demo_db))
    assert ran.err_lines == [f"5 of {total:,} orders"]


def test_an_empty_result_names_the_active_filters(demo_db, hubtui):
    ran = hubtui("orders", "list", "--filter", "exchange-on-hold", "--email", "Nobody.Here@", "--db",
                 db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    assert len(ran.out_lines) == 1, ran.explain()
    line = ran.out_lines[0]
    assert line.startswith("No orders match")
    assert "exchange-on-hold" in line
    assert "Nobody.Here@" in line
    assert "NUMBER" not in ran.out


def test_an_empty_json_result_is_an_empty_list(demo_db, env):
    assert list_json(["--email", "nobody.here@", "--db", db_url(demo_db), "--user", "alice"], env) == []


@pytest.mark.parametrize(
    "option, value",
    [("--filter", "bogus"), ("--filter", "on_hold"), ("--status", "Shipped"), ("--type", "Gift"),
     ("--period", "fortnight"), ("--sort", "colour"), ("--payment-method", "Barter")],
)
def test_a_value_outside_a_choice_is_bad_usage(option, value, demo_db, env):
    ran = invoke(["orders", "list", option, value, "--db", db_url(demo_db), "--user", "alice"], env)
    assert_usage_error(ran, option, value)


@pytest.mark.parametrize("option, value", [("--from", "2026-13-01"), ("--number", "ABC123")])
def test_unknown_option_values_are_one_clear_line(option, value, demo_db, env):
    ran = invoke(["orders", "list", option, value, "--db", db_url(demo_db), "--user", "alice"], env)
    assert_handled_error(ran, value)
    assert ran.out == ""


def test_unknown_filter_in_a_child_process(demo_db, hubtui):
    ran = hubtui("orders", "list", "--filter", "not-a-filter", "--json", "--db", db_url(demo_db), "--user", "alice")
    assert_usage_error(ran, "--filter", "not-a-filter")
    assert "unpaid" in ran.err  # it says what would have been accepted


# --------------------------------------------------------------------------- search options


@pytest.mark.parametrize("value", ["ReadyToDispatch", "readytodispatch", "OnHold"])
def test_status_option(value, demo_db, env):
    rows = list_json(["--status", value, "--limit", "10000", "--db", db_url(demo_db), "--user", "alice"], env)
    wanted = value.lower()
    expected = [o["number"] for o in stored_orders(demo_db) if o["status"].lower() == wanted]
    assert expected
    assert [r["number"] for r in rows] == expected
    assert {r["status"].lower() for r in rows} == {wanted}


def _email_prefixes(path: Path) -> list[str]:
    emails = sorted({o["customer_email"] for o in stored_orders(path)})
    ascii_one = emails[len(emails) // 2]
    company_one = next(e for e in emails if not e.endswith("@example.co.uk"))  # another domain
    return [ascii_one[:7].upper(), company_one[:6].upper(), ascii_one.upper()]


def test_email_option_is_a_case_insensitive_prefix(demo_db, env):
    assert _email_prefixes(demo_db)
    for prefix in _email_prefixes(demo_db):
        rows = list_json(["--email", prefix, "--limit", "10000", "--db", db_url(demo_db), "--user", "alice"], env)
        expected = [o["number"] for o in stored_orders(demo_db) if o["customer_email"].lower().startswith(prefix.lower())]
        assert expected, prefix
        assert [r["number"] for r in rows] == expected, prefix
        assert all(r["customer_email"].lower().startswith(prefix.lower()) for r in rows)


POSTCODE_TYPINGS = {
    "outward and one more, lower case": lambda pc: pc.lower()[: pc.index(" ") + 2],
    "spaces anywhere": lambda pc: " " + " ".join(pc.replace(" ", "")[:3]) + "  " + pc.replace(" ", "")[3:-1] + " ",
    "whole, no space": lambda pc: pc.replace(" ", ""),
    "outward only, with a trailing space": lambda pc: pc.split()[0].lower() + " ",
}


@pytest.mark.parametrize("typing", POSTCODE_TYPINGS, ids=list(POSTCODE_TYPINGS))
def test_postcode_option_ignores_spaces_and_case(typing, demo_db, env):
    postcode = pick_order(demo_db, "shipping_postcode LIKE 'SW1A %'")["shipping_postcode"]
    typed = POSTCODE_TYPINGS[typing](postcode)
    rows = list_json(["--postcode", typed, "--limit", "10000", "--db", db_url(demo_db), "--user", "alice"], env)
    key = "".join(typed.split()).upper()
    expected = [
        o["number"] for o in stored_orders(demo_db)
        if "".join(o["shipping_postcode"].split()).upper().startswith(key)
    ]
    assert postcode in {o["shipping_postcode"] for o in stored_orders(demo_db) if o["number"] in expected}
    assert [r["number"] for r in rows] == expected, typed


def test_number_option_with_and_without_the_prefix(demo_db, env):
    order = pick_order(demo_db, "status = 'Delivered'")
    number = order["number"]
    digits = str(int(number[2:]))
    for typed in (number, digits, number.lower(), number[2:]):
        rows = list_json(["--number", typed, "--db", db_url(demo_db), "--user", "alice"], env)
        assert [r["number"] for r in rows] == [number], typed
    other_org = pick_order(demo_db, "1 = 1", org="BFIX")["number"]
    assert list_json(["--number", other_org, "--db", db_url(demo_db), "--user", "alice"], env) == []


def test_from_and_to_are_inclusive_calendar_days(demo_db, env):
    first, last = date(2026, 11, 1), date(2026, 11, 7)
    rows = list_json(["--from", first.isoformat(), "--to", last.isoformat(), "--limit", "10000",
                      "--db", db_url(demo_db), "--user", "alice"], env)
    expected = [o["number"] for o in stored_orders(demo_db) if first <= o["placed"].date() <= last]
    assert [r["number"] for r in rows] == expected
    days = {datetime.fromisoformat(r["placed_at"]).date() for r in rows}
    assert first in days and last in days
    only_from = list_json(["--from", "2026-11-27", "--limit", "10000", "--db", db_url(demo_db), "--user", "alice"], env)
    assert [r["number"] for r in only_from] == [
        o["number"] for o in stored_orders(demo_db) if o["placed"].date() >= date(2026, 11, 27)
    ]


def test_filter_and_search_combine(demo_db, env):
    rows = list_json(["--filter", "unpaid", "--postcode", "m1", "--limit", "10000", "--db", db_url(demo_db),
                      "--user", "alice"], env)
    postcode_of = {o["number"]: "".join(o["shipping_postcode"].split()) for o in stored_orders(demo_db)}
    expected = [n for n in expected_numbers(demo_db, "unpaid", date(2026, 11, 28)) if postcode_of[n].startswith("M1")]
    assert expected
    assert [r["number"] for r in rows] == expected


def test_default_limit_is_one_page_of_50(demo_db, env):
    rows = list_json(["--db", db_url(demo_db), "--user", "alice"], env)
    assert [r["number"] for r in rows] == [o["number"] for o in stored_orders(demo_db)][:50]


# --------------------------------------------------------------------------- orders show


def _rich_order(path: Path) -> dict[str, Any]:
    return pick_order(
        path,
        "(SELECT COUNT(*) FROM payments p WHERE p.order_id = orders.id) >= 1 "
        "AND (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = orders.id) >= 2 "
        "AND (SELECT COUNT(*) FROM activity a WHERE a.order_id = orders.id) >= 3",
    )


def test_show_json_has_lines_payments_and_activity(demo_db, hubtui):
    order = _rich_order(demo_db)
    ran = hubtui("orders", "show", order["number"], "--json", "--db", db_url(demo_db), "--user", "alice")
    data = ran.json()
    assert ran.err == ""
    assert data["number"] == order["number"]
    assert data["status"] == order["status"]
    assert data["order_total"] == order["order_total"]
    assert data["version"] == order["version"]
    lines = query(demo_db, "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", (order["id"],))
    assert [(l["stock_code"], l["quantity"], l["unit_price"], l["line_total"]) for l in data["lines"]] == [
        (l["stock_code"], l["quantity"], l["unit_price"], l["line_total"]) for l in lines
    ]
    payments = query(demo_db, "SELECT * FROM payments WHERE order_id = ? ORDER BY id", (order["id"],))
    assert [(p["method"], p["status"], p["amount"]) for p in data["payments"]] == [
        (p["method"], p["status"], p["amount"]) for p in payments
    ]
    activity = query(demo_db, "SELECT * FROM activity WHERE order_id = ? ORDER BY id DESC", (order["id"],))
    assert [(a["user_name"], a["action"], a["summary"]) for a in data["activity"]] == [
        (a["user_name"], a["action"], a["summary"]) for a in activity
    ]


def test_show_text_without_the_bt_prefix(demo_db, hubtui):
    order = _rich_order(demo_db)
    ran = hubtui("orders", "show", str(int(order["number"][2:])), "--db", db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    assert ran.err == ""
    text = ran.out
    assert ran.out_lines[0].startswith(f"{order['number']} ")
    for heading in ("lines:", "payments:", "activity (newest first):"):
        assert heading in ran.out_lines, heading
    for line in query(demo_db, "SELECT stock_code FROM order_lines WHERE order_id = ?", (order["id"],)):
        assert line["stock_code"] in text
    for payment in query(demo_db, "SELECT method FROM payments WHERE order_id = ?", (order["id"],)):
        assert payment["method"] in text
    for entry in query(demo_db, "SELECT summary FROM activity WHERE order_id = ?", (order["id"],)):
        assert entry["summary"] in text


def test_show_unknown_number_is_one_line(demo_db, hubtui):
    ran = hubtui("orders", "show", "BT9999999", "--db", db_url(demo_db), "--user", "alice")
    assert_handled_error(ran, "BT9999999")
    assert ran.out == ""


@pytest.mark.parametrize("typed", ["xyz", "BT12345678", "0"])
def test_show_malformed_number_is_one_line(typed, demo_db, env):
    ran = invoke(["orders", "show", typed, "--db", db_url(demo_db), "--user", "alice"], env)
    assert_handled_error(ran, typed)
    assert ran.out == ""


def test_show_refuses_an_order_of_another_organisation(demo_db, env):
    number = pick_order(demo_db, "1 = 1", org="BFIX")["number"]
    ran = invoke(["orders", "show", number, "--db", db_url(demo_db), "--user", "alice"], env)
    assert_handled_error(ran, number, "BTOOLS")
    shown = invoke(["orders", "show", number, "--json", "--org", "BFIX", "--db", db_url(demo_db), "--user", "alice"], env)
    assert shown.json()["number"] == number


def test_show_prints_hostile_notes_as_text_on_one_line(demo_db, hubtui):
    """A note holding an escape sequence and a newline can neither drive the terminal nor forge a log line."""
    order = pick_order(demo_db, "status = 'Approved'")
    note = "called \x1b]0;pwned\x07back\n2026-11-28 12:00 admin      Refund approved [/]"
    hubtui("orders", "note", order["number"], note, "--db", db_url(demo_db), "--user", "alice")
    ran = hubtui("orders", "show", order["number"], "--db", db_url(demo_db), "--user", "alice")
    assert ran.code == 0, ran.explain()
    shown = ran.out
    assert "\x1b" not in shown and "\x07" not in shown
    lines = [line for line in shown.splitlines() if "called" in line]
    assert len(lines) == 1 and "⏎ 2026-11-28 12:00 admin" in lines[0] and "[/]" in lines[0], shown
    assert not any(line.lstrip().startswith("2026-11-28 12:00 admin") for line in shown.splitlines())
