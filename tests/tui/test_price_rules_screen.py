"""The price-match rules screen by keys (issue 14): `R` from the Price Match screen lists the rules
in priority order, `e` edits one (ctrl+s saves, a problem shows under its field and nothing is
saved), `n` adds one, `K` moves one earlier, `t` deactivates one and the Price Match screen
evaluates again on the way back; an agent's changes are greyed and say why."""

from __future__ import annotations

from hubtui.domain.permissions import Permission, why_not
from hubtui.domain.price_match import PriceMatchQuery, VerdictKind
from hubtui.screens.price_rules import PriceRulesScreen
from hubtui.screens.rule_dialog import RuleDialog
from hubtui.services.price_match import price_match_counts
from hubtui.services.price_rules import get_rule, list_rules
from hubtui.widgets.commands import PriceMatchFilter
from hubtui.widgets.form_field import FormField
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import SIZE, SMALL, burst, notifications, type_text, visible_text, wait_for
from .price_match_support import bar_ready, open_price_match


def rule_ids(views) -> list[int]:  # type: ignore[no-untyped-def]
    return [view.rule.id for view in views]


async def open_rules(pilot) -> PriceRulesScreen:  # type: ignore[no-untyped-def]
    await open_price_match(pilot)
    await pilot.press("R")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PriceRulesScreen) and pilot.app.screen.loads > 0,
                   "the rules")
    return pilot.app.screen


async def test_r_lists_the_rules_in_priority_order(make_app, context_for):
    sam = context_for("sam")
    rules = list_rules(sam)
    assert len(rules) >= 2, "the demo has rules"
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(pilot)
        assert rule_ids(screen.rules) == rule_ids(rules)
        priorities = [view.rule.priority for view in screen.rules]
        assert priorities == sorted(priorities)
        assert rules[0].rule.name[:15] in visible_text(app)  # the column cuts a long name


async def test_e_edits_a_rule_and_a_problem_stays_under_its_field(make_app, context_for):
    sam = context_for("sam")
    rule = list_rules(sam)[0].rule
    app = make_app("sam")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_rules(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, RuleDialog), "the rule form")
        dialog = app.screen
        await pilot.press("end", "ctrl+u", "ctrl+s")  # no name
        await wait_for(pilot, lambda: dialog.query_one("#field-name", FormField).error != "", "the name's problem")
        assert get_rule(sam, rule.id).name == rule.name
        await type_text(pilot, "Renamed rule")
        await pilot.press("enter", "end", "ctrl+u")
        await type_text(pilot, "x")  # a priority that is not a number: refused before anything is sent
        await pilot.press("ctrl+s")
        assert dialog.query_one("#field-priority", FormField).error
        assert isinstance(app.screen, RuleDialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, str(rule.priority))
        loads = screen.loads
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.loads > loads, "the rules after the save")
        saved = get_rule(sam, rule.id)
        assert saved.name == "Renamed rule"
        assert (saved.priority, saved.channels, saved.action) == (rule.priority, rule.channels, rule.action)
        assert "Renamed rule" in visible_text(app)


async def test_n_adds_a_rule(make_app, context_for):
    sam = context_for("sam")
    before = rule_ids(list_rules(sam))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, RuleDialog), "the rule form")
        await type_text(pilot, "Flag eBay only")
        # priority (the next free one), active, action, scope, scope values, then the channels
        await pilot.press("enter", "enter", "enter", "enter", "enter", "enter", "ctrl+u")
        await type_text(pilot, "ebay")
        loads = screen.loads
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.loads > loads, "the rules after the save")
        added = [view.rule for view in list_rules(sam) if view.rule.id not in before]
        assert [(r.name, r.channels, r.active) for r in added] == [("Flag eBay only", ("ebay",), True)]


async def test_k_moves_a_rule_earlier_in_a_burst(make_app, context_for):
    sam = context_for("sam")
    ids = rule_ids(list_rules(sam))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(pilot)
        loads = screen.loads
        burst(app, ["j", "K"])
        await wait_for(pilot, lambda: screen.loads > loads, "the rules after the move")
        moved = rule_ids(list_rules(sam))
        assert moved[:2] == [ids[1], ids[0]]
        assert rule_ids(screen.rules) == moved
        assert screen.table.highlighted_key() == str(ids[1])


async def test_t_deactivates_a_rule_and_the_price_match_screen_evaluates_again(make_app, context_for):
    sam = context_for("sam")
    rule = list_rules(sam)[0].rule
    before = price_match_counts(sam, PriceMatchQuery()).by_verdict
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(pilot)
        match = app.screen_stack[-2]
        loads = screen.loads
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.loads > loads, "the rules after deactivating")
        assert get_rule(sam, rule.id).active is (not rule.active)
        after = {k: price_match_counts(sam, PriceMatchQuery()).by_verdict.get(k, 0) for k in VerdictKind}
        assert after != {k: before.get(k, 0) for k in VerdictKind}, "the first rule decides some verdicts"

        def shown() -> dict[VerdictKind, int]:
            counts = match.query_one(QuickFilterBar).counts or {}
            return {k: counts.get(PriceMatchFilter(k.value), 0) for k in VerdictKind}

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is match and bar_ready(match) and shown() == after,
                       "the Price Match counts under the rules as they are now")


async def test_an_agent_may_read_the_rules_but_not_change_them(make_app, context_for):
    alice = context_for("alice")
    ids = rule_ids(list_rules(alice))
    why = why_not("agent", Permission.manage_price_rules)
    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_rules(pilot)
        assert rule_ids(screen.rules) == ids
        assert screen.check_action("new_rule", ()) is None
        await pilot.press("n")
        await wait_for(pilot, lambda: any(why in str(n.message) for n in notifications(app)), "why n does nothing")
        await pilot.press("t")
        assert not any(isinstance(s, RuleDialog) for s in app.screen_stack)
        assert [view.rule.active for view in list_rules(alice)] == [view.rule.active for view in screen.rules]
