"""Price-match rules through the services: each change is checked, audited, and re-evaluates
the board in its transaction (the board then equals the oracle read from the tables)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.price_match import Action, PriceMatchQuery, RuleDraft, Scope, ToleranceKind, VerdictKind
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput, NotFound
from hubtui.services.price_match import price_match_counts
from hubtui.services.price_rules import (
    add_rule,
    edit_rule,
    get_rule,
    list_rules,
    move_rule,
    next_priority,
    set_rule_active,
)

from .price_oracle import as_expected, as_seen, expected, selected, walk
from .support import Sql

FLAG_APP = RuleDraft("Flag over 1% of the app", 1, True, Scope.all, (), ("app",), ToleranceKind.percent, 100, 1000,
                     Action.flag)


@pytest.fixture
def sam(context_for: Callable[..., Context]) -> Context:
    return context_for("sam")


def _board_is_the_oracle(sql: Sql, ctx: Context) -> None:
    org = sql.org_id("BTOOLS")
    assert [as_seen(r) for r in walk(ctx, PriceMatchQuery(), limit=200)] == [
        as_expected(r) for r in selected(expected(sql, org), PriceMatchQuery())]


def _entries(sql: Sql) -> list:  # type: ignore[type-arg]
    return sql.rows("SELECT * FROM activity WHERE action = 'price rule' ORDER BY id")


def test_a_new_first_rule_decides_for_every_product_it_matches(sam: Context, sql: Sql) -> None:
    rule = add_rule(sam, replace(FLAG_APP, name="  Flag over 1% of the app ", channels=(" APP",)))
    assert (rule.name, rule.channels) == ("Flag over 1% of the app", ("app",))
    assert list_rules(sam)[0].rule == rule == get_rule(sam, rule.id)
    assert list_rules(sam)[0].products_in_scope == sql.scalar(
        "SELECT COUNT(*) FROM products WHERE org_id = ? AND active", (sql.org_id("BTOOLS"),))
    # First, and only flagging: every product with an app price is now its, and none of them is suggested.
    with_app = walk(sam, PriceMatchQuery(channel="app"), limit=500)
    assert with_app and {r.verdict.rule_id for r in with_app} == {rule.id}
    assert price_match_counts(sam, PriceMatchQuery(channel="app")).by_verdict[VerdictKind.suggested] == 0
    _board_is_the_oracle(sql, sam)
    entry = _entries(sql)[-1]
    assert (entry["summary"], entry["user_name"], entry["order_id"]) == (
        "Price rule 'Flag over 1% of the app' added", "sam", None)
    assert json.loads(entry["after"])["channels"] == ["app"]


def test_editing_deactivating_and_moving_re_evaluate_and_are_audited(sam: Context, sql: Sql) -> None:
    rule = add_rule(sam, FLAG_APP)
    edited = edit_rule(sam, rule.id, replace(FLAG_APP, scope=Scope.brand, scope_values=("bosch", "MAKITA"),
                                             action=Action.match_lowest))
    assert edited.scope_values == ("bosch", "MAKITA") and edited.action is Action.match_lowest
    assert next(v for v in list_rules(sam) if v.rule.id == rule.id).products_in_scope == sql.scalar(
        "SELECT COUNT(*) FROM products WHERE org_id = ? AND active AND brand IN ('Bosch', 'Makita')",
        (sql.org_id("BTOOLS"),))
    _board_is_the_oracle(sql, sam)
    entry = _entries(sql)[-1]
    assert json.loads(entry["before"])["scope"] == "all" and json.loads(entry["after"])["scope_values"] == [
        "bosch", "MAKITA"]
    assert edit_rule(sam, rule.id, RuleDraft.of(edited)) == edited and len(_entries(sql)) == 2  # no change

    off = set_rule_active(sam, rule.id, False)
    assert not off.active and _entries(sql)[-1]["summary"] == f"Price rule {rule.name!r} deactivated"
    _board_is_the_oracle(sql, sam)

    order = [v.rule.id for v in list_rules(sam)]
    moved = move_rule(sam, order[0], up=False)
    assert [v.rule.id for v in moved] == [order[1], order[0], *order[2:]]
    assert move_rule(sam, order[1], up=True)[0].rule.id == order[1]  # already first: unchanged
    _board_is_the_oracle(sql, sam)


def test_a_rule_with_problems_is_refused_whole_and_nothing_written(sam: Context, sql: Sql) -> None:
    before = sql.rows("SELECT * FROM price_match_rules ORDER BY id"), len(_entries(sql))
    bad = replace(FLAG_APP, name="", channels=("walmart",), tolerance_value=20_000)
    with pytest.raises(InvalidInput) as refused:
        add_rule(sam, bad)
    assert set(refused.value.problems) == {"name", "channels", "tolerance_value"}
    taken = list_rules(sam)[0].rule
    with pytest.raises(InvalidInput, match=re.escape(f"Active rule {taken.name!r} has priority {taken.priority}")):
        add_rule(sam, replace(FLAG_APP, priority=taken.priority))
    with pytest.raises(NotFound):
        edit_rule(sam, 9999, FLAG_APP)
    assert (sql.rows("SELECT * FROM price_match_rules ORDER BY id"), len(_entries(sql))) == before


def test_activating_into_a_taken_priority_is_refused(sam: Context) -> None:
    taken = list_rules(sam)[0].rule
    idle = add_rule(sam, replace(FLAG_APP, priority=taken.priority, active=False))
    with pytest.raises(InvalidInput, match="overlapping scope"):
        set_rule_active(sam, idle.id, True)
    assert next_priority(sam) > max(v.rule.priority for v in list_rules(sam))


def test_only_a_supervisor_changes_rules(context_for: Callable[..., Context], sql: Sql) -> None:
    alice = context_for("alice")
    assert list_rules(alice)
    with pytest.raises(PermissionDenied):
        add_rule(alice, FLAG_APP)
    with pytest.raises(PermissionDenied):
        move_rule(alice, list_rules(alice)[0].rule.id, up=False)
    assert sql.scalar("SELECT COUNT(*) FROM refusals WHERE action = 'price rule'") == 2


def test_rules_are_of_their_organisation(context_for: Callable[..., Context]) -> None:
    bfix_rule = list_rules(context_for("sam", "BFIX"))[0].rule
    with pytest.raises(NotFound):
        set_rule_active(context_for("sam"), bfix_rule.id, False)
