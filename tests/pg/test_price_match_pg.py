"""Price match on PostgreSQL: the board the demo fills, recording prices (a history, not an
overwrite), applying suggestions all or nothing, and rule changes re-evaluating the board;
the page's keyset (row values, NULL-free spread rank) walks the same rows both ways."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

import pytest
from sqlalchemy import text

from hubtui.domain.price_match import (
    Action,
    PriceMatchQuery,
    ProductPrices,
    RuleDraft,
    Scope,
    ToleranceKind,
    VerdictKind,
    evaluate,
)
from hubtui.services.channel_prices import record_channel_price
from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.errors import InvalidInput
from hubtui.services.price_match import (
    apply_suggestions,
    price_history,
    price_match_counts,
    price_match_page,
    suggestions,
)
from hubtui.services.price_match_views import PriceChange
from hubtui.services.price_rules import add_rule, list_rules, move_rule, set_rule_active
from hubtui.store import price_board
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, fixed_clock


@pytest.fixture
def store(pg_url: str):  # type: ignore[no-untyped-def]
    store = Store(pg_url)
    load_demo(store, orders=50, seed=3, now=FIXED_NOW)
    yield store
    store.dispose()


def _walk(ctx, query: PriceMatchQuery) -> list[int]:  # type: ignore[no-untyped-def]
    ids, page = [], price_match_page(ctx, query, limit=13)
    while True:
        ids.extend(r.product_id for r in page.rows)
        if not page.has_after:
            break
        page = price_match_page(ctx, query, page.last, limit=13)
    back, page = [], price_match_page(ctx, query, limit=13, from_end=True)
    while True:
        back[:0] = [r.product_id for r in page.rows]
        if not page.has_before:
            break
        page = price_match_page(ctx, query, page.first, before=True, limit=13)
    assert back == ids
    return ids


def _oracle(store: Store, org_id: int) -> dict[int, tuple[str, int | None]]:
    """product id -> (verdict, spread) from the tables and the domain, in plain SQL."""
    with store.read() as session:
        rules = price_board.rules_of(session, org_id)
        latest: dict[int, dict[str, int]] = {}
        for pid, channel, price in session.execute(text(
                "SELECT DISTINCT ON (cp.product_id, cp.channel) cp.product_id, cp.channel, cp.price "
                "FROM channel_prices cp JOIN products p ON p.id = cp.product_id "
                "WHERE p.org_id = :org AND cp.channel <> 'website' "
                "ORDER BY cp.product_id, cp.channel, cp.observed_at DESC, cp.id DESC"), {"org": org_id}):
            latest.setdefault(pid, {})[channel] = price
        found = {}
        for p in session.execute(text("SELECT * FROM products WHERE org_id = :org AND active"), {"org": org_id}):
            prices = latest.get(p.id, {})
            verdict = evaluate(ProductPrices(p.id, p.stock_code, p.brand, p.category, p.price, p.cost, prices), rules)
            found[p.id] = (verdict.kind.value, p.price - min(prices.values()) if prices else None)
        return found


def _board(ctx) -> dict[int, tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    rows = []
    page = price_match_page(ctx, PriceMatchQuery(), limit=500)
    while True:
        rows.extend(page.rows)
        if not page.has_after:
            break
        page = price_match_page(ctx, PriceMatchQuery(), page.last, limit=500)
    return {r.product_id: (r.verdict.kind.value, r.spread) for r in rows}


def test_board_pages_and_counts_on_postgres(store: Store) -> None:
    ctx = open_context(store, "sam", clock=fixed_clock, tz=timezone.utc)
    oracle = _oracle(store, ctx.operator.org_id)
    assert _board(ctx) == oracle
    by_spread = _walk(ctx, PriceMatchQuery(sort="spread"))
    spreads = [oracle[i][1] for i in by_spread]
    with_spread = [s for s in spreads if s is not None]
    assert with_spread == sorted(with_spread, reverse=True) and spreads[len(with_spread):] == [None] * (
        len(spreads) - len(with_spread))
    drills = _walk(ctx, PriceMatchQuery(text="-dri-", verdict=VerdictKind.suggested))
    assert drills == sorted((i for i, (v, _) in oracle.items() if v == "suggested" and "-DRI-" in _code(store, i)),
                            key=lambda i: _code(store, i))
    assert drills
    counts = price_match_counts(ctx)
    assert {k.value: n for k, n in counts.by_verdict.items() if n} == {
        v: sum(1 for w, _ in oracle.values() if w == v) for v in {w for w, _ in oracle.values()}}


def _code(store: Store, product_id: int) -> str:
    with store.read() as session:
        return session.execute(text("SELECT stock_code FROM products WHERE id = :id"), {"id": product_id}).scalar()


def test_records_applies_and_rules_on_postgres(store: Store) -> None:
    ctx = open_context(store, "sam", clock=fixed_clock, tz=timezone.utc)
    change = suggestions(ctx, all_suggested=True)[0]
    code = change.stock_code

    row = record_channel_price(ctx, code, "ebay", change.after + 1)
    record_channel_price(ctx, code, "ebay", 1, FIXED_NOW - timedelta(days=9))
    assert {p.channel: p.price for p in row.prices}["ebay"] == change.after + 1
    assert [p.price for p in price_history(ctx, code).by_channel["ebay"][:1]] == [change.after + 1]
    assert [p.price for p in price_history(ctx, code).by_channel["ebay"]
            if p.observed_at == FIXED_NOW - timedelta(days=9)] == [1]

    fresh = suggestions(ctx, [code])[0]
    with pytest.raises(InvalidInput, match="below the floor"):
        apply_suggestions(ctx, [replace(fresh, after=fresh.floor - 1)])
    stale = PriceChange(**{**fresh.__dict__, "before": fresh.before - 1})
    with pytest.raises(InvalidInput, match="now costs"):
        apply_suggestions(ctx, [stale])
    assert apply_suggestions(ctx, [fresh])[0].after == fresh.after
    with store.read() as session:
        assert session.execute(text("SELECT price FROM products WHERE stock_code = :c"), {"c": code}).scalar() == \
            fresh.after
        assert session.execute(text("SELECT COUNT(*) FROM activity WHERE action = 'price' AND order_id IS NULL")
                               ).scalar() == 3

    draft = RuleDraft("Flag on the app", 1, True, Scope.all, (), ("app",), ToleranceKind.amount, 0, 0, Action.flag)
    rule = add_rule(ctx, draft)
    assert price_match_counts(ctx, PriceMatchQuery(channel="app")).by_verdict[VerdictKind.suggested] == 0
    assert _board(ctx) == _oracle(store, ctx.operator.org_id)
    moved = move_rule(ctx, rule.id, up=False)
    assert moved[1].rule.id == rule.id
    set_rule_active(ctx, rule.id, False)
    assert _board(ctx) == _oracle(store, ctx.operator.org_id)
    assert [v.rule.id for v in list_rules(ctx)][1] == rule.id


def test_refreshes_of_one_board_wait_for_each_other_on_postgres(store: Store) -> None:
    """A refresh holds the organisation's board until its transaction ends: a price recorded
    meanwhile waits (else each could write rows from what it read before the other committed)."""
    import threading
    import time

    ctx = open_context(store, "sam", clock=fixed_clock, tz=timezone.utc)
    code = suggestions(ctx, all_suggested=True)[0].stock_code
    done = threading.Event()

    def record() -> None:
        record_channel_price(ctx, code, "myntra", 4321)
        done.set()

    def waiting() -> int:
        with store.read() as session:
            return session.execute(text("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                        "AND NOT granted")).scalar()

    with store.write() as session:
        price_board.refresh(session, ctx.operator.org_id, [])
        other = threading.Thread(target=record)
        other.start()
        for _ in range(2000):  # until the other transaction is seen waiting for the lock
            if waiting() or done.is_set():
                break
            time.sleep(0.005)
        assert waiting() == 1 and not done.is_set()
    other.join()
    assert done.is_set()
    assert {p.channel: p.price for p in price_match_page(ctx, PriceMatchQuery(text=code)).rows[0].prices}[
        "myntra"] == 4321
