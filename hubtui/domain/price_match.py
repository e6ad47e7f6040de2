"""Price match (SPEC 5): which rule decides a product's verdict and what price it suggests.

Pure rules, no I/O. Money in integer minor units; tolerances and margins in basis points
(1 % = 100 bp) or minor units.

The names of the contract (Scope ... Verdict) are what the services, the CLI and the screens
use. A product's verdict comes from the first active rule, by priority, whose scope takes it and
one of whose channels has a price: the own price is compared with the lowest of those prices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hubtui.domain.money import format_money

# The own-website price is the product's price; the other five are compared against it.
OWN_CHANNEL = "website"
PRICE_MATCH_CHANNELS = ("website", "app", "amazon", "ebay", "flipkart", "myntra")
COMPARED_CHANNELS = PRICE_MATCH_CHANNELS[1:]


class Scope(StrEnum):
    all = "all"
    brand = "brand"
    category = "category"
    stock_codes = "stock_codes"


class Action(StrEnum):
    flag = "flag"
    match_lowest = "match-lowest"
    match_lowest_above_floor = "match-lowest-above-floor"


class ToleranceKind(StrEnum):
    amount = "amount"    # minor units
    percent = "percent"  # basis points of the lowest compared price


class VerdictKind(StrEnum):
    """The quick filters of the Price Match screen, in this order."""

    suggested = "suggested"    # a rule suggests a new own-website price
    flagged = "flagged"        # outside tolerance, and the rule only flags (or cannot match above its floor)
    parity = "parity"          # within the first matching rule's tolerance
    no_rule = "no_rule"        # no active rule's scope takes the product, or none of its channels has a price


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    priority: int              # lower runs first; ties are refused among active rules with overlapping scope
    active: bool
    scope: Scope
    scope_values: tuple[str, ...]   # brands, categories or stock codes; empty for Scope.all
    channels: tuple[str, ...]       # from COMPARED_CHANNELS, at least one
    tolerance_kind: ToleranceKind
    tolerance_value: int
    min_margin_bp: int              # floor = cost + cost * min_margin_bp / 10000, rounded up
    action: Action


@dataclass(frozen=True)
class ProductPrices:
    product_id: int
    stock_code: str
    brand: str
    category: str
    own_price: int                  # the product's own-website price
    cost: int
    channel_prices: Mapping[str, int]   # latest price per compared channel that has one
    currency: str = ""              # for the verdict's reason ("£3.00 above amazon"); "" writes 3.00


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    rule_id: int | None = None
    rule_name: str = ""
    lowest_channel: str | None = None   # of the deciding rule's channels
    lowest_price: int | None = None
    floor: int | None = None
    suggested_price: int | None = None  # set only for VerdictKind.suggested; never below floor
    reason: str = ""                    # one line a person reads: "£3.00 above amazon (tolerance 5%)"


# Bounds a rule's numbers must keep (rule_problems); a draft outside them is refused.
NAME_LIMIT = 80
SCOPE_VALUES_LIMIT = 400      # the values joined one per line, as the store keeps them
MAX_PERCENT_BP = 10_000       # a tolerance of at most 100 % of the lowest price
MAX_TOLERANCE_AMOUNT = 10_000_000   # 100,000.00
MAX_MARGIN_BP = 100_000       # a floor of at most cost plus 1,000 %
MAX_PRIORITY = 1_000_000
REASON_LIMIT = 200
SORTS = ("stock_code", "spread")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # a rule's name and values are one line each


@dataclass(frozen=True)
class PriceMatchQuery:
    """What the Price Match screen (or `pricematch report`) asks for; every filter is ANDed."""

    verdict: VerdictKind | None = None
    brand: str = ""
    category: str = ""
    channel: str = ""          # products that have a price on this compared channel
    text: str = ""             # any part of the stock code or the name, case-insensitive
    sort: str = "stock_code"   # "stock_code" | "spread" (widest spread first)


@dataclass(frozen=True)
class RuleDraft:
    """A rule as a form or the CLI gives it: Rule's fields without the id."""

    name: str
    priority: int
    active: bool
    scope: Scope
    scope_values: tuple[str, ...]
    channels: tuple[str, ...]
    tolerance_kind: ToleranceKind
    tolerance_value: int
    min_margin_bp: int
    action: Action

    def as_rule(self, rule_id: int) -> Rule:
        return Rule(rule_id, self.name, self.priority, self.active, self.scope, tuple(self.scope_values),
                    tuple(self.channels), self.tolerance_kind, self.tolerance_value, self.min_margin_bp,
                    self.action)

    @classmethod
    def of(cls, rule: Rule) -> RuleDraft:
        return cls(rule.name, rule.priority, rule.active, rule.scope, rule.scope_values, rule.channels,
                   rule.tolerance_kind, rule.tolerance_value, rule.min_margin_bp, rule.action)


def floor_price(cost: int, min_margin_bp: int) -> int:
    """Cost plus the minimum margin, rounded up to a whole minor unit: the lowest price a rule
    may suggest."""
    return cost + -(-cost * min_margin_bp // 10_000)


def tolerance_of(rule: Rule, lowest: int) -> int:
    """How far above the lowest price the own price may be and still be in parity."""
    if rule.tolerance_kind is ToleranceKind.percent:
        return lowest * rule.tolerance_value // 10_000
    return rule.tolerance_value


def percent_text(bp: int) -> str:
    """Basis points as a person writes the percentage: 500 -> "5%", 250 -> "2.5%"."""
    units, rest = divmod(bp, 100)
    return f"{units}.{rest:02d}".rstrip("0").rstrip(".") + "%"


def _money(minor: int, currency: str) -> str:
    return format_money(minor, currency or None)


_SCOPE_FIELD = {Scope.brand: "brand", Scope.category: "category", Scope.stock_codes: "stock_code"}
_NO_RULE = "no active rule compares a channel with a price for it"


def takes(rule: Rule, product: ProductPrices) -> bool:
    """Whether the rule's scope covers the product (scope values compared case-insensitively)."""
    if rule.scope is Scope.all:
        return True
    value = getattr(product, _SCOPE_FIELD[rule.scope]).casefold()
    return any(value == v.casefold() for v in rule.scope_values)


@dataclass(frozen=True)
class PreparedRule:
    """A rule made ready to be tried on many products: its scope values case-folded into a set,
    its channels in COMPARED_CHANNELS order (the first of a tie is the lowest)."""

    rule: Rule
    field: str                 # the product's field the scope looks at; "" for Scope.all
    values: frozenset[str]
    channels: tuple[str, ...]


def prepare(rules: Sequence[Rule]) -> tuple[PreparedRule, ...]:
    """The active rules in the order they are tried (in_order), prepared."""
    return tuple(PreparedRule(r, _SCOPE_FIELD.get(r.scope, ""), frozenset(v.casefold() for v in r.scope_values),
                              tuple(c for c in COMPARED_CHANNELS if c in r.channels))
                 for r in in_order(rules))


def in_order(rules: Sequence[Rule]) -> list[Rule]:
    """Active rules in the order they are tried: priority, then the older rule."""
    return sorted((r for r in rules if r.active), key=lambda r: (r.priority, r.id))


def evaluate(product: ProductPrices, rules: Sequence[Rule]) -> Verdict:
    """The verdict of the first active rule, by priority, that matches the product: its scope
    takes the product and at least one of its channels has a price."""
    return evaluate_prepared(product, prepare(rules))


def evaluate_prepared(product: ProductPrices, prepared: Sequence[PreparedRule]) -> Verdict:
    """evaluate() with the rules prepared once (the board's refresh tries them on 50,000 products)."""
    prices = product.channel_prices
    for p in prepared:
        if p.field and getattr(product, p.field).casefold() not in p.values:
            continue
        lowest, channel = None, ""
        for c in p.channels:
            price = prices.get(c)
            if price is not None and (lowest is None or price < lowest):
                lowest, channel = price, c
        if lowest is not None:
            return _decide(product, p.rule, channel, lowest)
    return Verdict(VerdictKind.no_rule, reason=_NO_RULE)


def _tolerance_text(rule: Rule) -> str:
    if rule.tolerance_kind is ToleranceKind.percent:
        return percent_text(rule.tolerance_value)
    return _money(rule.tolerance_value, "")


def _decide(product: ProductPrices, rule: Rule, channel: str, lowest: int) -> Verdict:
    cur = product.currency
    floor = floor_price(product.cost, rule.min_margin_bp)
    own = product.own_price
    common = {"rule_id": rule.id, "rule_name": rule.name, "lowest_channel": channel, "lowest_price": lowest,
              "floor": floor}
    if own <= lowest + tolerance_of(rule, lowest):
        return Verdict(VerdictKind.parity, reason=f"within {_tolerance_text(rule)} of {channel} "
                       f"({_money(lowest, cur)})", **common)
    above = f"{_money(own - lowest, cur)} above {channel} (tolerance {_tolerance_text(rule)})"
    if rule.action is Action.flag:
        return Verdict(VerdictKind.flagged, reason=above, **common)
    if rule.action is Action.match_lowest:
        if lowest >= floor:
            return Verdict(VerdictKind.suggested, suggested_price=lowest, reason=f"{above}: match {channel}",
                           **common)
        return Verdict(VerdictKind.flagged, reason=f"lowest {_money(lowest, cur)} is below the floor "
                       f"{_money(floor, cur)}", **common)
    target = max(lowest, floor)
    if target < own:
        how = f"match {channel}" if target == lowest else f"down to the floor {_money(floor, cur)}"
        return Verdict(VerdictKind.suggested, suggested_price=target, reason=f"{above}: {how}", **common)
    return Verdict(VerdictKind.flagged, reason=f"{above}; the floor {_money(floor, cur)} is not below the "
                   "own price", **common)


def scopes_overlap(a: Rule | RuleDraft, b: Rule | RuleDraft) -> bool:
    """Whether some product could fall in both scopes. Only two scopes of the same kind with no
    value in common are surely apart (a brand and a category can meet in one product)."""
    if a.scope is not b.scope or a.scope is Scope.all:
        return True
    return bool({v.casefold() for v in a.scope_values} & {v.casefold() for v in b.scope_values})


def rule_problems(draft: RuleDraft, other_rules: Sequence[Rule]) -> dict[str, str]:
    """Every field's problem (field -> one line), empty when the draft can be saved.
    `other_rules` are the organisation's rules besides the one being edited."""
    problems: dict[str, str] = {}
    name = draft.name.strip()
    if not name:
        problems["name"] = "Give the rule a name."
    elif len(name) > NAME_LIMIT:
        problems["name"] = f"The name is at most {NAME_LIMIT} characters ({len(name):,} given)."
    elif _CONTROL.search(name):
        problems["name"] = "The name cannot hold control characters or line breaks."
    if not isinstance(draft.priority, int) or not 1 <= draft.priority <= MAX_PRIORITY:
        problems["priority"] = f"The priority is a whole number from 1 to {MAX_PRIORITY:,}."
    values = [v.strip() for v in draft.scope_values]
    if draft.scope is not Scope.all and not any(values):
        what = {Scope.brand: "brands", Scope.category: "categories", Scope.stock_codes: "stock codes"}[draft.scope]
        problems["scope_values"] = f"Name the {what} the rule is for."
    elif draft.scope is Scope.all and any(values):
        problems["scope_values"] = "A rule for all products takes no scope values."
    elif len("\n".join(values)) > SCOPE_VALUES_LIMIT:
        problems["scope_values"] = f"The scope values are at most {SCOPE_VALUES_LIMIT} characters together."
    elif any(_CONTROL.search(v) for v in values):
        problems["scope_values"] = "A scope value cannot hold control characters or line breaks."
    if not draft.channels:
        problems["channels"] = f"Compare at least one channel ({', '.join(COMPARED_CHANNELS)})."
    else:
        unknown = [c for c in draft.channels if c not in COMPARED_CHANNELS]
        if unknown:
            problems["channels"] = (f"Unknown channel {unknown[0][:40]!r}: compare "
                                    f"{', '.join(COMPARED_CHANNELS)}.")
        elif len(set(draft.channels)) != len(draft.channels):
            problems["channels"] = "A channel is named twice."
    if draft.tolerance_kind is ToleranceKind.percent:
        if not 0 <= draft.tolerance_value <= MAX_PERCENT_BP:
            problems["tolerance_value"] = "A percent tolerance is from 0% to 100%."
    elif not 0 <= draft.tolerance_value <= MAX_TOLERANCE_AMOUNT:
        problems["tolerance_value"] = (f"An amount tolerance is from 0.00 to "
                                       f"{_money(MAX_TOLERANCE_AMOUNT, '')}.")
    if not 0 <= draft.min_margin_bp <= MAX_MARGIN_BP:
        problems["min_margin_bp"] = f"The minimum margin is from 0% to {percent_text(MAX_MARGIN_BP)}."
    if draft.active and "priority" not in problems:
        for other in other_rules:
            if other.active and other.priority == draft.priority and scopes_overlap(draft, other):
                problems["priority"] = (f"Active rule {other.name[:NAME_LIMIT]!r} has priority {draft.priority} "
                                        "and an overlapping scope: choose another priority.")
                break
    return problems


MAX_PRICE = 100_000_000  # 1,000,000.00: more is a typo (and stays clear of the 32-bit columns)


def channel_price_problem(channel: str, price: object) -> str | None:
    """What is wrong with a price observed on a compared channel (entered or imported); None
    when it can be recorded. Prices are whole minor units, more than 0."""
    if channel not in COMPARED_CHANNELS:
        return f"Unknown channel {channel[:40]!r}: one of {', '.join(COMPARED_CHANNELS)}."
    if isinstance(price, bool) or not isinstance(price, int):
        return "The price is not a number of minor units."
    if price <= 0:
        return "The price must be more than 0."
    if price > MAX_PRICE:
        return f"The price is at most {_money(MAX_PRICE, '')}."
    return None
