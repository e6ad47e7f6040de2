"""The demo's channel prices and price-match rules (SPEC 5, issue 14): a few months of
observations per product, some products never observed, and rules of every scope and action at
distinct priorities, so that the Price Match screen shows every verdict and every action
decides some product:

- a watch list (stock codes) and "stay within 5% of Amazon and eBay" (all) only flag;
- Makita's marketplace prices are matched (brand, match-lowest), and where Amazon sells a
  Makita product below its floor the rule flags it instead;
- drills and saws are matched down to their floor at most (category, match-lowest-above-floor);
  two clearance drills (stock codes) have a floor above their own price, so they are flagged;
- a paused rule (inactive) decides nothing.

Built from the organisation's products as demo.py made them, with a random generator of its
own: the draws demo.py makes for the orders stay the same whatever is built here.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hubtui.domain.price_match import COMPARED_CHANNELS, OWN_CHANNEL
from hubtui.store import price_board
from hubtui.store.price_tables import ChannelPrice, PriceMatchRule

NO_PRICES_EVERY = 11  # every 11th product has never been observed anywhere: no rule decides it
HISTORY_DAYS = (70, 35)  # the older observations; the latest is 0-4 days old


@dataclass(frozen=True)
class DemoProduct:
    id: int
    stock_code: str
    brand: str
    category: str
    price: int
    active: bool
    deltas: tuple[int, ...]  # percent off the own price, one per compared channel, drawn by demo.py


def _rules(org_id: int, watch: Sequence[str], clearance: Sequence[str]) -> list[PriceMatchRule]:
    def rule(name: str, priority: int, scope: str, values: Sequence[str], channels: str, kind: str, tolerance: int,
             margin: int, action: str, active: bool = True) -> PriceMatchRule:
        return PriceMatchRule(org_id=org_id, name=name, priority=priority, scope=scope,
                              scope_value=price_board.join_values(values), channels=channels, tolerance_kind=kind,
                              tolerance_value=tolerance, min_margin_bp=margin, action=action, active=active)

    return [
        rule("Clearance drills: floor at cost + 80%", 5, "stock_codes", clearance, "amazon,ebay", "amount", 0, 8000,
             "match-lowest-above-floor"),
        rule("Match Makita on Amazon and eBay", 10, "brand", ("Makita",), "amazon,ebay", "amount", 50, 1500,
             "match-lowest"),
        rule("Drills and saws: lowest, not below the floor", 20, "category", ("Drills", "Saws"),
             "amazon,ebay,flipkart", "percent", 200, 2500, "match-lowest-above-floor"),
        rule("Watch list: any channel below us", 30, "stock_codes", watch, ",".join(COMPARED_CHANNELS), "amount", 0,
             1000, "flag"),
        rule("Stay within 5% of Amazon and eBay", 40, "all", (), "amazon,ebay", "percent", 500, 1500, "flag"),
        rule("Match the app (paused)", 50, "all", (), "app", "amount", 0, 1000, "match-lowest", active=False),
    ]


def _observations(rng: random.Random, product: DemoProduct, k: int, now: datetime,
                  clearance: Sequence[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def seen(channel: str, price: int, days: float) -> None:
        rows.append({"product_id": product.id, "channel": channel, "price": max(1, price),
                     "observed_at": now - timedelta(days=days), "source": "demo", "recorded_by": "system"})

    # The own-website price's history: a little higher two months ago, the price since.
    seen(OWN_CHANNEL, product.price + product.price // 20, HISTORY_DAYS[0])
    seen(OWN_CHANNEL, product.price, HISTORY_DAYS[1])
    if k % NO_PRICES_EVERY == 5:
        return rows
    latest_age = k % 5 + rng.random()
    for j, channel in enumerate(COMPARED_CHANNELS):
        if (k + j) % 7 == 0:  # not sold on every channel
            continue
        latest = product.price * (100 + product.deltas[j]) // 100
        if channel == "amazon" and product.brand == "Makita" and k % 20 == 3:
            latest = product.price // 2  # below the floor: match-lowest flags it
        if channel == "ebay" and product.category == "Saws" and k % 30 == 1:
            latest = product.price * 6 // 10  # below the floor: suggested down to the floor
        if channel == "amazon" and product.stock_code in clearance:
            latest = product.price * 8 // 10
        for days in HISTORY_DAYS:
            seen(channel, latest * (100 + rng.randrange(-6, 10)) // 100, days + rng.random())
        seen(channel, latest, latest_age)
    return rows


def add_prices(session: Session, org_id: int, now: datetime, products: Sequence[DemoProduct]) -> None:
    """The organisation's observations and rules, and its price board."""
    rng = random.Random(7919 * org_id)
    active = [p for p in products if p.active]
    watch = [p.stock_code for p in active if p.category in ("Hand tools", "Measuring")][:4]
    clearance = [p.stock_code for p in active if p.category == "Drills" and p.brand != "Makita"][:2]
    rows = []
    for k, product in enumerate(products):
        rows.extend(_observations(rng, product, k, now, clearance))
    session.execute(insert(ChannelPrice), rows)  # one statement, not thousands of objects
    session.add_all(_rules(org_id, watch, clearance))
    session.flush()
    price_board.refresh(session, org_id, None)


__all__ = ["DemoProduct", "add_prices"]
