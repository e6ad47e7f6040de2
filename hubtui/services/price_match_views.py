"""Plain, frozen values the price-match services hand out (screens and CLI never see a session).

CONTRACT written before the code: services/price_match.py, services/price_rules.py and
services/channel_prices.py return these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubtui.domain.price_match import Rule, Verdict, VerdictKind


@dataclass(frozen=True)
class ChannelPriceView:
    channel: str
    price: int
    observed_at: datetime


@dataclass(frozen=True)
class PriceMatchRow:
    """One row of the Price Match screen: a product, its latest channel prices, the verdict."""

    product_id: int
    stock_code: str
    name: str
    brand: str
    category: str
    own_price: int
    cost: int
    currency: str
    prices: tuple[ChannelPriceView, ...]   # latest per compared channel that has one, in COMPARED_CHANNELS order
    spread: int | None                     # own_price - lowest compared price; None without prices
    verdict: Verdict


@dataclass(frozen=True)
class PriceMatchCounts:
    by_verdict: dict[VerdictKind, int]
    all: int


@dataclass(frozen=True)
class PriceHistory:
    """One product's observations, newest first per channel (own-website changes included)."""

    product_id: int
    stock_code: str
    name: str
    currency: str
    by_channel: dict[str, tuple[ChannelPriceView, ...]]


@dataclass(frozen=True)
class PriceChange:
    """A suggestion to apply: before -> after, checked against the floor."""

    product_id: int
    stock_code: str
    name: str
    before: int
    after: int
    floor: int
    rule_name: str


@dataclass(frozen=True)
class RuleView:
    rule: Rule
    products_in_scope: int | None = None
