"""`hubtui pricematch report|apply|rules …` (issue 14): the report against the price board read
with SQL, applying suggestions (dry run, one, all; refused ones change nothing), the rules
added, changed, disabled and enabled, and every refused rule as one line naming the option."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import assert_usage_error, db_url, invoke, query, scalar

BOARD = ("SELECT b.stock_code, b.verdict, b.own_price, b.suggested_price, b.floor FROM price_board b "
         "JOIN organisations o ON o.id = b.org_id WHERE o.code = 'BTOOLS'")
RULES = "SELECT COUNT(*) FROM price_match_rules"


def _pm(env, db: Path, *args: str, user: str = "sam"):
    return invoke(["pricematch", *args, "--db", db_url(db), "--user", user], env)


def _board(db: Path, where: str = "1 = 1") -> list[tuple]:
    return [tuple(r) for r in query(db, f"{BOARD} AND {where} ORDER BY b.stock_code")]


def _price(db: Path, code: str) -> int:
    return scalar(db, "SELECT price FROM products WHERE stock_code = ?", (code,))


# ---------------------------------------------------------------------------- report


def test_the_json_report_is_the_board(env, demo_db: Path) -> None:
    rows = _pm(env, demo_db, "report", "--json").json()
    board = _board(demo_db)
    assert len(board) > 50
    assert [(r["stock_code"], r["verdict"]["kind"], r["own_price"], r["verdict"]["suggested_price"],
             r["verdict"]["floor"]) for r in rows] == board
    assert {r["verdict"]["kind"] for r in rows} == {"suggested", "flagged", "parity", "no_rule"}, \
        "the demo shows every verdict"
    assert all(set(r["prices"]) <= {"app", "amazon", "ebay", "flipkart", "myntra"} for r in rows)


@pytest.mark.parametrize("verdict", ["suggested", "flagged", "parity", "no_rule"])
def test_a_verdict_filter_gives_exactly_those_products(verdict: str, env, demo_db: Path) -> None:
    rows = _pm(env, demo_db, "report", "--verdict", verdict, "--json").json()
    assert [r["stock_code"] for r in rows] == [b[0] for b in _board(demo_db, f"b.verdict = '{verdict}'")]
    assert {r["verdict"]["kind"] for r in rows} <= {verdict}


def test_with_every_rule_disabled_no_product_has_a_rule(env, demo_db: Path) -> None:
    ids = [r["id"] for r in _pm(env, demo_db, "rules", "list", "--json").json() if r["active"]]
    assert ids
    assert [_pm(env, demo_db, "rules", "disable", str(i)).code for i in ids] == [0] * len(ids)
    rows = _pm(env, demo_db, "report", "--verdict", "no_rule", "--json").json()
    assert len(rows) == len(_board(demo_db)) > 0
    assert _pm(env, demo_db, "report", "--verdict", "parity", "--json").json() == []


def test_the_table_has_a_line_a_product_and_the_counts_on_stderr(env, demo_db: Path) -> None:
    ran = _pm(env, demo_db, "report", "--verdict", "suggested")
    assert ran.code == 0, ran.explain()
    header, rule, *lines = ran.out_lines
    assert header.split()[:4] == ["STOCK", "CODE", "NAME", "WEBSITE"] and "VERDICT" in header and set(rule) <= {"─", " "}
    suggested = _board(demo_db, "b.verdict = 'suggested'")
    assert [line.split()[0] for line in lines] == [b[0] for b in suggested]
    counts = {v: len(_board(demo_db, f"b.verdict = '{v}'")) for v in ("suggested", "flagged", "parity", "no_rule")}
    assert ran.err_lines == [f"{len(suggested)} product(s) shown; {counts['suggested']} suggested, "
                             f"{counts['flagged']} flagged, {counts['parity']} parity, {counts['no_rule']} no rule"]


def test_a_report_with_an_unknown_channel_or_verdict(env, demo_db: Path) -> None:
    ran = _pm(env, demo_db, "report", "--channel", "etsy")
    assert ran.code == 1 and ran.err_lines == ["hubtui: --channel: 'etsy' is not a compared channel "
                                               "(app, amazon, ebay, flipkart, myntra)"], ran.explain()
    assert_usage_error(_pm(env, demo_db, "report", "--verdict", "cheap"), "cheap")


# ---------------------------------------------------------------------------- apply


def test_apply_one_a_dry_run_first(env, demo_db: Path) -> None:
    code, _, before, after, floor = _board(demo_db, "b.verdict = 'suggested'")[0]
    dry = _pm(env, demo_db, "apply", "--stock-code", code, "--dry-run")
    assert dry.code == 0, dry.explain()
    parts = dry.out_lines[2].split()
    assert parts[0] == code and f"{before / 100:.2f} -> {after / 100:.2f} {floor / 100:.2f}" in " ".join(parts)
    assert dry.err_lines == ["1 price(s) would be changed."] and _price(demo_db, code) == before
    entries = scalar(demo_db, "SELECT COUNT(*) FROM activity")
    done = _pm(env, demo_db, "apply", "--stock-code", code.lower(), "--json").json()
    assert done == {"dry_run": False, "changes": [{"stock_code": code, "name": done["changes"][0]["name"],
                                                   "before": before, "after": after, "floor": floor,
                                                   "rule_name": done["changes"][0]["rule_name"]}]}
    assert _price(demo_db, code) == after >= floor
    assert scalar(demo_db, "SELECT COUNT(*) FROM activity") == entries + 1
    assert _board(demo_db, f"b.stock_code = '{code}'")[0][1] != "suggested", "the board was refreshed"
    again = _pm(env, demo_db, "apply", "--stock-code", code)
    assert again.code == 1 and len(again.err_lines) == 1, again.explain()
    assert again.err_lines[0].startswith(f"hubtui: --stock-code: {code} has no suggested price ("), again.explain()


def test_apply_all_suggested(env, demo_db: Path) -> None:
    suggested = _board(demo_db, "b.verdict = 'suggested'")
    assert suggested
    done = _pm(env, demo_db, "apply", "--all-suggested", "--json").json()
    assert [(c["stock_code"], c["before"], c["after"]) for c in done["changes"]] == [
        (code, before, after) for code, _, before, after, _ in suggested]
    assert [_price(demo_db, code) for code, *_ in suggested] == [after for _, _, _, after, _ in suggested]
    assert _board(demo_db, "b.verdict = 'suggested'") == []
    nothing = _pm(env, demo_db, "apply", "--all-suggested")
    assert nothing.code == 0 and nothing.out_lines == ["No suggested prices to apply."], nothing.explain()


def test_apply_needs_one_way_of_choosing(env, demo_db: Path) -> None:
    code = _board(demo_db, "b.verdict = 'suggested'")[0][0]
    assert_usage_error(_pm(env, demo_db, "apply"), "--all-suggested")
    assert_usage_error(_pm(env, demo_db, "apply", "--all-suggested", "--stock-code", code), "not both")


def test_an_agent_may_not_apply_and_nothing_changes(env, demo_db: Path) -> None:
    code, _, before, *_ = _board(demo_db, "b.verdict = 'suggested'")[0]
    ran = _pm(env, demo_db, "apply", "--stock-code", code, user="alice")
    assert ran.code == 1 and len(ran.err_lines) == 1 and ran.err_lines[0].startswith("hubtui: "), ran.explain()
    assert _price(demo_db, code) == before


# ---------------------------------------------------------------------------- rules


def test_rules_list_is_the_table_in_priority_order(env, demo_db: Path) -> None:
    listed = _pm(env, demo_db, "rules", "list", "--json").json()
    stored = query(demo_db, "SELECT r.id, r.priority, r.active FROM price_match_rules r JOIN organisations o "
                            "ON o.id = r.org_id WHERE o.code = 'BTOOLS'")
    assert sorted((r["id"], r["priority"], r["active"]) for r in listed) == sorted(
        (r[0], r[1], bool(r[2])) for r in stored)
    active = [r["priority"] for r in listed if r["active"]]
    assert active == sorted(active) and len(listed) >= 2
    table = _pm(env, demo_db, "rules", "list")
    assert table.code == 0 and len(table.out_lines) == len(listed) + 2, table.explain()


def test_a_rule_added_changed_disabled_and_enabled(env, demo_db: Path) -> None:
    code = _board(demo_db, "b.verdict <> 'no_rule'")[0][0]
    added = _pm(env, demo_db, "rules", "add", "--name", "Watch one", "--priority", "1", "--scope", "stock_codes",
                "--scope-value", code, "--channel", "amazon,ebay", "--tolerance", "2.5", "--min-margin", "15%",
                "--action", "flag", "--json").json()
    assert (added["name"], added["priority"], added["scope"], added["scope_values"], added["channels"],
            added["tolerance_kind"], added["tolerance_value"], added["min_margin_bp"], added["action"],
            added["active"]) == ("Watch one", 1, "stock_codes", [code], ["amazon", "ebay"], "percent", 250, 1500,
                                 "flag", True)
    rule_id = added["id"]
    assert scalar(demo_db, "SELECT rule_id FROM price_board WHERE stock_code = ?", (code,)) == rule_id, \
        "a rule change re-evaluates the board"
    changed = _pm(env, demo_db, "rules", "edit", str(rule_id), "--tolerance-kind", "amount", "--tolerance", "3.00")
    assert changed.code == 0 and changed.out_lines[0].startswith(f"Rule {rule_id} changed: Watch one"), \
        changed.explain()
    assert tuple(query(demo_db, "SELECT tolerance_kind, tolerance_value, min_margin_bp, name FROM price_match_rules "
                                "WHERE id = ?", (rule_id,))[0]) == ("amount", 300, 1500, "Watch one")
    assert _pm(env, demo_db, "rules", "disable", str(rule_id)).code == 0
    assert scalar(demo_db, "SELECT active FROM price_match_rules WHERE id = ?", (rule_id,)) == 0
    assert scalar(demo_db, "SELECT rule_id FROM price_board WHERE stock_code = ?", (code,)) != rule_id
    enabled = _pm(env, demo_db, "rules", "enable", str(rule_id))
    assert enabled.code == 0 and "active" in enabled.out_lines[0], enabled.explain()
    assert scalar(demo_db, "SELECT active FROM price_match_rules WHERE id = ?", (rule_id,)) == 1


GOOD_RULE = ("--name", "Fine", "--priority", "777", "--channel", "amazon")


@pytest.mark.parametrize(("change", "line"), [
    ({"--channel": None}, "--channel: Compare at least one channel"),
    ({"--channel": "etsy"}, "--channel: Unknown channel 'etsy'"),
    ({"--tolerance": "101"}, "--tolerance: A percent tolerance is from 0% to 100%."),
    ({"--tolerance": "abc"}, "--tolerance: 'abc' is not a percentage; write it like 5 or 2.5"),
    ({"--min-margin": "-5"}, "--min-margin: The minimum margin is from 0%"),
    ({"--name": " "}, "--name: Give the rule a name."),
    ({"--scope": "brand"}, "--scope-value: Name the brands the rule is for."),
    ({"--priority": "0"}, "--priority: The priority is a whole number from 1"),
])
def test_a_refused_rule_is_one_line_naming_the_option(change: dict[str, str | None], line: str, env,
                                                      demo_db: Path) -> None:
    options = dict(zip(GOOD_RULE[::2], GOOD_RULE[1::2]))
    options.update(change)
    args = [part for key, value in options.items() if value is not None for part in (key, value)]
    before = scalar(demo_db, RULES)
    ran = _pm(env, demo_db, "rules", "add", *args)
    assert ran.code == 1 and len(ran.err_lines) == 1 and ran.err_lines[0].startswith(f"hubtui: {line}"), \
        ran.explain()
    assert scalar(demo_db, RULES) == before


def test_two_active_rules_with_one_priority_and_overlapping_scopes(env, demo_db: Path) -> None:
    taken = scalar(demo_db, "SELECT priority FROM price_match_rules WHERE active AND scope = 'all' LIMIT 1")
    before = scalar(demo_db, RULES)
    ran = _pm(env, demo_db, "rules", "add", "--name", "Twin", "--priority", str(taken), "--channel", "ebay")
    assert ran.code == 1 and ran.err_lines[0].startswith("hubtui: --priority: Active rule ") and \
        len(ran.err_lines) == 1, ran.explain()
    assert scalar(demo_db, RULES) == before
    inactive = _pm(env, demo_db, "rules", "add", "--name", "Twin", "--priority", str(taken), "--channel", "ebay",
                   "--inactive", "--json").json()
    refused = _pm(env, demo_db, "rules", "enable", str(inactive["id"]))
    assert refused.code == 1 and "--priority: Active rule " in refused.err_lines[0], refused.explain()


def test_an_unknown_rule_and_an_agent(env, demo_db: Path) -> None:
    missing = _pm(env, demo_db, "rules", "edit", "999999", "--name", "X")
    assert missing.code == 1 and len(missing.err_lines) == 1 and "999999" in missing.err_lines[0], missing.explain()
    before = scalar(demo_db, RULES)
    agent = _pm(env, demo_db, "rules", "add", *GOOD_RULE, user="alice")
    assert agent.code == 1 and len(agent.err_lines) == 1, agent.explain()
    assert scalar(demo_db, RULES) == before


def test_a_hostile_product_name_is_shown_as_text_on_one_line(env, demo_db: Path) -> None:
    import sqlite3
    from contextlib import closing

    code = _board(demo_db)[0][0]
    with closing(sqlite3.connect(demo_db)) as con, con:
        con.execute("UPDATE products SET name = ? WHERE stock_code = ?", ("[bold]Evil\x1b[31m\nName", code))
    ran = _pm(env, demo_db, "report", "--search", code)
    assert ran.code == 0, ran.explain()
    line = next(line for line in ran.out_lines if line.startswith(code))
    assert "[bold]Evil" in line and "⏎ Name" in line and "\x1b" not in ran.out
    assert _pm(env, demo_db, "report", "--search", code, "--json").json()[0]["name"] == "[bold]Evil\x1b[31m\nName"


def test_a_rule_moved_down_swaps_priority_with_the_next(env, demo_db: Path) -> None:
    listed = _pm(env, demo_db, "rules", "list", "--json").json()
    first, second = listed[0], listed[1]
    moved = _pm(env, demo_db, "rules", "move", str(first["id"]), "--down", "--json").json()
    assert [r["id"] for r in moved[:2]] == [second["id"], first["id"]]
    priorities = {r["id"]: r["priority"] for r in query(demo_db, "SELECT id, priority FROM price_match_rules")}
    assert priorities[first["id"]] > priorities[second["id"]]
    switched = _pm(env, demo_db, "rules", "edit", str(second["id"]), "--tolerance-kind",
                   "percent" if second["tolerance_kind"] == "amount" else "amount")
    assert switched.code == 1 and switched.err_lines == ["hubtui: --tolerance: give the tolerance in its new kind "
                                                         "too"], switched.explain()
