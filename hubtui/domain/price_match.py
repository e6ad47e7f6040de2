"""Price match (SPEC 5): which rule decides a product's verdict and what price it suggests.

Pure rules, no I/O. Money in integer minor units; tolerances and margins in basis points
(1 % = 100 bp) or minor units.

CONTRACT written before the code: the names below are what the services, the CLI and the
screens use. The evaluation itself is to be written (helper "pm-core").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

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
