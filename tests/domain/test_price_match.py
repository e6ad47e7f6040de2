"""Price match rules as pure functions: the verdict table, the floor, the problems of a draft,
and the properties every verdict keeps whatever the prices and rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    Action,
    ProductPrices,
    Rule,
    RuleDraft,
    Scope,
    ToleranceKind,
    VerdictKind,
    evaluate,
    floor_price,
    in_order,
    percent_text,
    rule_problems,
    tolerance_of,
)


def rule(rule_id: int = 1, *, priority: int = 10, active: bool = True, scope: Scope = Scope.all,
         values: tuple[str, ...] = (), channels: tuple[str, ...] = ("amazon", "ebay"),
         kind: ToleranceKind = ToleranceKind.amount, tolerance: int = 0, margin: int = 0,
         action: Action = Action.flag, name: str = "") -> Rule:
    return Rule(rule_id, name or f"rule {rule_id}", priority, active, scope, values, channels, kind, tolerance,
                margin, action)


def product(own: int = 10_000, cost: int = 5_000, prices: dict[str, int] | None = None, *,
            brand: str = "Bosch", category: str = "Drills", code: str = "BT-DRI-1000") -> ProductPrices:
    return ProductPrices(1, code, brand, category, own, cost, prices if prices is not None else {}, "GBP")


def draft(**changes: object) -> RuleDraft:
    values: dict[str, object] = dict(name="Within 5%", priority=10, active=True, scope=Scope.all, scope_values=(),
                                     channels=("amazon",), tolerance_kind=ToleranceKind.percent, tolerance_value=500,
                                     min_margin_bp=1500, action=Action.flag)
    values.update(changes)
    return RuleDraft(**values)  # type: ignore[arg-type]


# own, cost, prices, the rule's tolerance (amount), margin bp, action -> verdict, suggested, reason
TABLE = [
    # within tolerance: parity, whatever the action
    (10_000, 5_000, {"amazon": 9_950}, 50, 0, Action.match_lowest, VerdictKind.parity, None,
     "within 0.50 of amazon (£99.50)"),
    (9_000, 5_000, {"amazon": 9_950}, 0, 0, Action.flag, VerdictKind.parity, None, "within 0.00 of amazon (£99.50)"),
    # above: flag only flags
    (10_000, 5_000, {"amazon": 9_700, "ebay": 9_800}, 100, 0, Action.flag, VerdictKind.flagged, None,
     "£3.00 above amazon (tolerance 1.00)"),
    # match-lowest suggests the lowest when it is at or above the floor
    (10_000, 5_000, {"amazon": 9_700, "ebay": 9_500}, 0, 1_000, Action.match_lowest, VerdictKind.suggested, 9_500,
     "£5.00 above ebay (tolerance 0.00): match ebay"),
    (10_000, 5_000, {"ebay": 5_500}, 0, 1_000, Action.match_lowest, VerdictKind.suggested, 5_500,
     "£45.00 above ebay (tolerance 0.00): match ebay"),
    # ... and flags when the lowest is below the floor
    (10_000, 5_000, {"amazon": 5_400}, 0, 1_000, Action.match_lowest, VerdictKind.flagged, None,
     "lowest £54.00 is below the floor £55.00"),
    # match-lowest-above-floor: the lowest, or the floor when the lowest is under it
    (10_000, 5_000, {"amazon": 9_000}, 0, 1_000, Action.match_lowest_above_floor, VerdictKind.suggested, 9_000,
     "£10.00 above amazon (tolerance 0.00): match amazon"),
    (10_000, 5_000, {"amazon": 4_000}, 0, 1_000, Action.match_lowest_above_floor, VerdictKind.suggested, 5_500,
     "£60.00 above amazon (tolerance 0.00): down to the floor £55.00"),
    # ... and flags when even the floor is not below the own price
    (5_500, 5_000, {"amazon": 4_000}, 0, 1_000, Action.match_lowest_above_floor, VerdictKind.flagged, None,
     "£15.00 above amazon (tolerance 0.00); the floor £55.00 is not below the own price"),
    (5_400, 5_000, {"amazon": 4_000}, 0, 1_000, Action.match_lowest_above_floor, VerdictKind.flagged, None,
     "£14.00 above amazon (tolerance 0.00); the floor £55.00 is not below the own price"),
]


@pytest.mark.parametrize(("own", "cost", "prices", "tolerance", "margin", "action", "kind", "suggested", "reason"),
                         TABLE)
def test_the_verdict_table(own, cost, prices, tolerance, margin, action, kind, suggested, reason) -> None:
    verdict = evaluate(product(own, cost, prices), [rule(tolerance=tolerance, margin=margin, action=action)])
    assert (verdict.kind, verdict.suggested_price, verdict.reason) == (kind, suggested, reason)
    assert verdict.rule_id == 1 and verdict.floor == floor_price(cost, margin)
    assert verdict.lowest_price == min(prices[c] for c in ("amazon", "ebay") if c in prices)


def test_the_lowest_is_of_the_rules_channels_only_and_a_tie_goes_to_the_first_channel() -> None:
    prices = {"app": 100, "amazon": 9_000, "ebay": 9_000, "myntra": 50}
    verdict = evaluate(product(10_000, 0, prices), [rule(channels=("ebay", "amazon"))])
    assert (verdict.lowest_channel, verdict.lowest_price) == ("amazon", 9_000)


def test_percent_tolerance_is_of_the_lowest_price() -> None:
    five = rule(kind=ToleranceKind.percent, tolerance=500)
    assert evaluate(product(10_500, 0, {"amazon": 10_000}), [five]).kind is VerdictKind.parity
    assert evaluate(product(10_501, 0, {"amazon": 10_000}), [five]).kind is VerdictKind.flagged
    assert evaluate(product(10_501, 0, {"amazon": 10_000}), [five]).reason == "£5.01 above amazon (tolerance 5%)"
    assert tolerance_of(rule(kind=ToleranceKind.percent, tolerance=250), 999) == 24  # 24.975 rounds down


@pytest.mark.parametrize(("cost", "bp", "floor"), [(0, 5000, 0), (1000, 0, 1000), (1000, 1500, 1150),
                                                   (999, 1500, 1149), (1, 1, 2), (3333, 3333, 4444)])
def test_the_floor_is_cost_plus_margin_rounded_up(cost: int, bp: int, floor: int) -> None:
    assert floor_price(cost, bp) == floor


def test_scope_decides_which_rule_matches_case_insensitively() -> None:
    rules = [rule(1, priority=1, scope=Scope.brand, values=("makita",), action=Action.flag),
             rule(2, priority=2, scope=Scope.category, values=("DRILLS",), action=Action.match_lowest),
             rule(3, priority=3, scope=Scope.stock_codes, values=("bt-saw-1",), action=Action.match_lowest_above_floor),
             rule(4, priority=4)]
    prices = {"amazon": 5_000}
    assert evaluate(product(9_000, 0, prices, brand="Makita"), rules).rule_id == 1
    assert evaluate(product(9_000, 0, prices, brand="Bosch"), rules).rule_id == 2
    assert evaluate(product(9_000, 0, prices, category="Saws", code="BT-SAW-1"), rules).rule_id == 3
    assert evaluate(product(9_000, 0, prices, category="Saws", code="BT-SAW-2"), rules).rule_id == 4


def test_a_rule_none_of_whose_channels_has_a_price_gives_way_to_the_next() -> None:
    rules = [rule(1, priority=1, channels=("flipkart",)), rule(2, priority=2, channels=("app",))]
    assert evaluate(product(prices={"app": 10_000}), rules).rule_id == 2
    none = evaluate(product(prices={"myntra": 10_000}), rules)
    assert none.kind is VerdictKind.no_rule and none.rule_id is None and none.suggested_price is None
    assert evaluate(product(prices={"amazon": 1}), []).kind is VerdictKind.no_rule


def test_inactive_rules_and_priority_order() -> None:
    rules = [rule(1, priority=5, active=False), rule(2, priority=20), rule(3, priority=7, action=Action.match_lowest)]
    assert evaluate(product(prices={"amazon": 9_000}), rules).rule_id == 3
    assert [r.id for r in in_order(rules)] == [3, 2]
    assert [r.id for r in in_order([rule(9, priority=1), rule(4, priority=1)])] == [4, 9]


@pytest.mark.parametrize(("bp", "text"), [(500, "5%"), (250, "2.5%"), (1, "0.01%"), (0, "0%"), (12_345, "123.45%")])
def test_percent_text(bp: int, text: str) -> None:
    assert percent_text(bp) == text


# -- a draft's problems --------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"name": "  "}, "name", "Give the rule a name."),
    ({"name": "x" * 81}, "name", "at most 80"),
    ({"priority": 0}, "priority", "from 1"),
    ({"channels": ()}, "channels", "at least one channel"),
    ({"channels": ("amazon", "walmart")}, "channels", "Unknown channel 'walmart'"),
    ({"channels": ("website",)}, "channels", "Unknown channel 'website'"),
    ({"channels": ("ebay", "ebay")}, "channels", "named twice"),
    ({"tolerance_value": -1}, "tolerance_value", "from 0% to 100%"),
    ({"tolerance_value": 10_001}, "tolerance_value", "from 0% to 100%"),
    ({"tolerance_kind": ToleranceKind.amount, "tolerance_value": -5}, "tolerance_value", "from 0.00"),
    ({"min_margin_bp": -1}, "min_margin_bp", "minimum margin"),
    ({"min_margin_bp": 100_001}, "min_margin_bp", "minimum margin"),
    ({"scope": Scope.brand}, "scope_values", "Name the brands"),
    ({"scope": Scope.stock_codes, "scope_values": (" ",)}, "scope_values", "Name the stock codes"),
    ({"scope": Scope.all, "scope_values": ("Bosch",)}, "scope_values", "takes no scope values"),
    ({"scope": Scope.category, "scope_values": ("x" * 401,)}, "scope_values", "at most 400"),
])
def test_a_draft_out_of_bounds_says_which_field(changes: dict[str, object], field: str, says: str) -> None:
    problems = rule_problems(draft(**changes), [])
    assert list(problems) == [field] and says in problems[field]


def test_a_good_draft_has_no_problems() -> None:
    assert rule_problems(draft(), []) == {}
    assert rule_problems(draft(tolerance_kind=ToleranceKind.amount, tolerance_value=10_000_000), []) == {}


@pytest.mark.parametrize(("mine", "theirs", "clash"), [
    ({}, {}, True),                                                            # all and all
    ({"scope": Scope.brand, "scope_values": ("Bosch",)}, {}, True),             # brand within all
    ({"scope": Scope.brand, "scope_values": ("Bosch",)}, {"scope": Scope.brand, "scope_values": ("BOSCH",)}, True),
    ({"scope": Scope.brand, "scope_values": ("Bosch",)}, {"scope": Scope.brand, "scope_values": ("Makita",)}, False),
    ({"scope": Scope.brand, "scope_values": ("Bosch",)}, {"scope": Scope.category, "scope_values": ("Saws",)}, True),
    ({}, {"active": False}, False),                                             # an inactive rule takes no priority
    ({"active": False}, {}, False),
    ({"priority": 11}, {}, False),
])
def test_two_active_rules_with_one_priority_and_overlapping_scopes_are_refused(mine, theirs, clash) -> None:
    other = draft(name="Other", **theirs).as_rule(7)
    problems = rule_problems(draft(**mine), [other])
    assert ("priority" in problems) is clash
    if clash:
        assert problems["priority"].startswith("Active rule 'Other' has priority 10")


def test_a_draft_and_its_rule_carry_the_same_fields() -> None:
    made = draft(scope=Scope.brand, scope_values=("Bosch",)).as_rule(3)
    assert made.id == 3 and RuleDraft.of(made) == draft(scope=Scope.brand, scope_values=("Bosch",))


# -- properties ------------------------------------------------------------------------------------

channels = st.lists(st.sampled_from(COMPARED_CHANNELS), min_size=1, max_size=5, unique=True).map(tuple)
money = st.integers(min_value=0, max_value=1_000_000)
prices_st = st.dictionaries(st.sampled_from(COMPARED_CHANNELS), st.integers(min_value=1, max_value=1_000_000))


@st.composite
def rules_st(draw: st.DrawFn) -> list[Rule]:
    count = draw(st.integers(min_value=0, max_value=5))
    made = []
    for i in range(count):
        kind = draw(st.sampled_from(ToleranceKind))
        tolerance = draw(st.integers(0, 10_000 if kind is ToleranceKind.percent else 50_000))
        scope = draw(st.sampled_from(Scope))
        values = () if scope is Scope.all else tuple(draw(st.lists(st.sampled_from(
            ["bosch", "Makita", "DRILLS", "saws", "bt-dri-1000", "BT-SAW-1"]), min_size=1, max_size=2)))
        made.append(Rule(i + 1, f"r{i}", draw(st.integers(1, 4)), draw(st.booleans()), scope, values, draw(channels),
                         kind, tolerance, draw(st.integers(0, 20_000)), draw(st.sampled_from(Action))))
    return made


products_st = st.builds(
    ProductPrices, product_id=st.just(1), stock_code=st.sampled_from(["BT-DRI-1000", "bt-saw-1"]),
    brand=st.sampled_from(["Bosch", "makita"]), category=st.sampled_from(["Drills", "Saws"]), own_price=money,
    cost=money, channel_prices=prices_st, currency=st.sampled_from(["GBP", "EUR", ""]))


@given(products_st, rules_st())
def test_a_suggestion_is_never_below_the_floor_nor_at_or_above_the_own_price(p: ProductPrices,
                                                                             rules: list[Rule]) -> None:
    verdict = evaluate(p, rules)
    if verdict.kind is VerdictKind.suggested:
        assert verdict.suggested_price is not None and verdict.floor is not None
        assert verdict.floor <= verdict.suggested_price < p.own_price
    else:
        assert verdict.suggested_price is None


@given(products_st, rules_st())
def test_within_tolerance_is_never_flagged_or_suggested(p: ProductPrices, rules: list[Rule]) -> None:
    verdict = evaluate(p, rules)
    deciding = next((r for r in rules if r.id == verdict.rule_id), None)
    lowest = min((p.channel_prices[c] for c in deciding.channels if c in p.channel_prices), default=None) \
        if deciding else None
    assert verdict.lowest_price == lowest
    within = deciding is not None and lowest is not None and p.own_price <= lowest + tolerance_of(deciding, lowest)
    assert within == (verdict.kind is VerdictKind.parity)


@given(products_st, rules_st())
def test_the_first_matching_active_rule_by_priority_decides(p: ProductPrices, rules: list[Rule]) -> None:
    verdict = evaluate(p, rules)
    matching = [r for r in sorted(rules, key=lambda r: (r.priority, r.id))
                if r.active and any(c in p.channel_prices for c in r.channels)
                and (r.scope is Scope.all or any(v.lower() == {Scope.brand: p.brand, Scope.category: p.category,
                                                               Scope.stock_codes: p.stock_code}[r.scope].lower()
                                                 for v in r.scope_values))]
    assert verdict.rule_id == (matching[0].id if matching else None)
    assert (verdict.kind is VerdictKind.no_rule) == (not matching)


@given(products_st, rules_st())
def test_inactive_rules_never_decide(p: ProductPrices, rules: list[Rule]) -> None:
    verdict = evaluate(p, rules)
    active = [r for r in rules if r.active]
    assert verdict.rule_id is None or verdict.rule_id in {r.id for r in active}
    assert evaluate(p, active) == verdict


@given(st.integers(0, 10_000_000), st.integers(0, 100_000))
def test_the_floor_is_the_least_whole_price_at_the_margin(cost: int, bp: int) -> None:
    floor = floor_price(cost, bp)
    assert (floor - cost) * 10_000 >= cost * bp > (floor - cost - 1) * 10_000
