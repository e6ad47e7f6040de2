"""The demo's price-match data (services/demo_prices.py) meets every verdict, action and scope."""

from __future__ import annotations

from collections import Counter

import pytest

from hubtui.domain.price_match import Action, Scope, VerdictKind

from .price_oracle import expected, rules


@pytest.mark.parametrize("org", ["BTOOLS", "BFIX"])
def test_the_demo_meets_every_verdict_action_and_scope(shared_demo, org: str) -> None:  # type: ignore[no-untyped-def]
    sql = shared_demo.sql
    org_id = sql.org_id(org)
    board = expected(sql, org_id)
    by_id = {r.id: r for r in rules(sql, org_id)}
    assert set(Counter(r.verdict.kind for r in board)) == set(VerdictKind)
    deciding = [by_id[r.verdict.rule_id] for r in board if r.verdict.rule_id is not None]
    assert {r.action for r in deciding} == set(Action)
    assert {r.scope for r in deciding} == set(Scope)
    assert all(r.active for r in deciding) and any(not r.active for r in by_id.values())
    active = [r for r in by_id.values() if r.active]
    assert len({r.priority for r in active}) == len(active)
    reasons = [r.verdict.reason for r in board]
    assert any("is below the floor" in why for why in reasons)  # match-lowest refusing
    assert any("down to the floor" in why for why in reasons)  # above-floor suggesting the floor
    assert any("is not below the own price" in why for why in reasons)  # above-floor refusing
    # What the screen shows is what the tables say (the board was filled by the demo).
    stored = {r["product_id"]: (r["verdict"], r["suggested_price"]) for r in sql.rows(
        "SELECT product_id, verdict, suggested_price FROM price_board WHERE org_id = ?", (org_id,))}
    assert stored == {r.product_id: (r.verdict.kind.value, r.verdict.suggested_price) for r in board}


def test_the_demo_keeps_a_history_per_channel(shared_demo) -> None:  # type: ignore[no-untyped-def]
    sql = shared_demo.sql
    histories = sql.rows("SELECT product_id, channel, COUNT(*) AS n, COUNT(DISTINCT observed_at) AS times "
                         "FROM channel_prices GROUP BY product_id, channel")
    assert {r["channel"] for r in histories} == {"website", "app", "amazon", "ebay", "flipkart", "myntra"}
    assert all(r["n"] >= 2 and r["times"] == r["n"] for r in histories)
    own = sql.rows("SELECT p.price, cp.price AS seen FROM products p JOIN channel_prices cp ON cp.product_id = p.id "
                   "AND cp.channel = 'website' WHERE cp.observed_at = (SELECT MAX(observed_at) FROM channel_prices "
                   "WHERE product_id = p.id AND channel = 'website')")
    assert own and all(r["price"] == r["seen"] for r in own)  # the latest own-website observation is the price
