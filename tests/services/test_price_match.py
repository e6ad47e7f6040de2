"""The Price Match services on the demo database: the board against an oracle read from the
tables, keyset pages and counts under every filter, history, suggestions and applying them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.price_match import PriceMatchQuery, VerdictKind
from hubtui.services.channel_prices import record_channel_price
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput, NotFound
from hubtui.services.price_match import (
    apply_suggestions,
    brands,
    categories,
    price_history,
    price_match_counts,
    price_match_page,
    suggestions,
)
from hubtui.services.price_match_views import PriceChange
from hubtui.services.views import Cursor

from .price_oracle import as_expected, as_seen, expected, selected, walk
from .support import FIXED_NOW, Sql

QUERIES = [
    PriceMatchQuery(),
    PriceMatchQuery(sort="spread"),
    PriceMatchQuery(verdict=VerdictKind.suggested),
    PriceMatchQuery(verdict=VerdictKind.flagged, sort="spread"),
    PriceMatchQuery(verdict=VerdictKind.parity, brand="Bosch"),
    PriceMatchQuery(category="Drills", sort="spread"),
    PriceMatchQuery(channel="flipkart"),
    PriceMatchQuery(text="dri"),
    PriceMatchQuery(text="COMBI", verdict=VerdictKind.suggested),
    PriceMatchQuery(text="100%_"),
    PriceMatchQuery(text="a", sort="spread", brand="Makita"),
    PriceMatchQuery(text="-", category="Saws", channel="ebay", verdict=VerdictKind.flagged),
]


@pytest.fixture
def sam(context_for: Callable[..., Context]) -> Context:
    return context_for("sam")


def _org(sql: Sql) -> int:
    return sql.org_id("BTOOLS")


def _board_is_the_oracle(sql: Sql, ctx: Context, query: PriceMatchQuery = PriceMatchQuery()) -> None:
    seen = [as_seen(r) for r in walk(ctx, query, limit=97)]
    assert seen == [as_expected(r) for r in selected(expected(sql, _org(sql)), query)]


@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_pages_and_counts_are_the_oracles(shared_demo, query: PriceMatchQuery) -> None:  # type: ignore[no-untyped-def]
    from hubtui.services.context import open_context

    from .support import fixed_clock

    ctx = open_context(shared_demo.store, "alice", clock=fixed_clock)
    everything = expected(shared_demo.sql, _org(shared_demo.sql))
    want = selected(everything, query)
    assert [as_seen(r) for r in walk(ctx, query)] == [as_expected(r) for r in want]
    counts = price_match_counts(ctx, query)
    others = selected(everything, PriceMatchQuery(brand=query.brand, category=query.category, channel=query.channel,
                                                  text=query.text))
    assert counts.by_verdict == {k: Counter(r.verdict.kind for r in others)[k] for k in VerdictKind}
    assert counts.all == len(others)


def test_a_cursor_of_another_sort_and_a_bad_filter_are_refused(alice: Context) -> None:
    page = price_match_page(alice, PriceMatchQuery(), limit=3)
    with pytest.raises(InvalidInput, match="another sort"):
        price_match_page(alice, PriceMatchQuery(sort="spread"), page.last)
    with pytest.raises(InvalidInput, match="Unknown channel 'website'"):
        price_match_counts(alice, PriceMatchQuery(channel="website"))
    with pytest.raises(InvalidInput, match="Sort by stock_code or spread"):
        price_match_page(alice, PriceMatchQuery(sort="price"))
    assert price_match_page(alice, PriceMatchQuery(text="no such product")).rows == ()
    assert price_match_page(alice, PriceMatchQuery(), Cursor(("ZZZ",))).has_after is False


def test_brands_and_categories(alice: Context, sql: Sql) -> None:
    org = _org(sql)
    assert brands(alice) == tuple(r[0] for r in sql.rows(
        "SELECT DISTINCT brand FROM products WHERE org_id = ? AND active AND brand != '' ORDER BY brand", (org,)))
    assert "Drills" in categories(alice) and list(categories(alice)) == sorted(categories(alice))


def test_recording_a_price_adds_an_observation_and_moves_the_row(sam: Context, sql: Sql) -> None:
    code = sql.scalar("SELECT stock_code FROM products WHERE org_id = ? AND active ORDER BY id LIMIT 1", (_org(sql),))
    before = sql.scalar("SELECT COUNT(*) FROM channel_prices")
    row = record_channel_price(sam, code.lower(), "Amazon", 1234)
    assert {p.channel: p.price for p in row.prices}["amazon"] == 1234 and row.stock_code == code
    older = record_channel_price(sam, code, "amazon", 999, FIXED_NOW - timedelta(days=30))
    assert {p.channel: p.price for p in older.prices}["amazon"] == 1234  # the latest stays the latest
    assert sql.scalar("SELECT COUNT(*) FROM channel_prices") == before + 2
    history = price_history(sam, code).by_channel["amazon"]
    assert (history[0].price, history[0].observed_at) == (1234, FIXED_NOW)
    assert [p.price for p in history if p.observed_at == FIXED_NOW - timedelta(days=30)] == [999]
    assert [p.observed_at for p in history] == sorted((p.observed_at for p in history), reverse=True)
    entries = sql.rows("SELECT * FROM activity WHERE action = 'price' AND order_id IS NULL ORDER BY id")
    assert [e["summary"] for e in entries[-2:]] == [f"amazon price of {code}: £12.34", f"amazon price of {code}: £9.99"]
    assert entries[-1]["user_name"] == "sam"
    _board_is_the_oracle(sql, sam)


@pytest.mark.parametrize(("args", "error", "says"), [
    (("BT-NOPE", "amazon", 100), NotFound, "No product with stock code 'BT-NOPE'"),
    (("{code}", "walmart", 100), InvalidInput, "Unknown channel 'walmart'"),
    (("{code}", "website", 100), InvalidInput, "own-website price is the product's price"),
    (("{code}", "ebay", -1), InvalidInput, "more than 0"),
    (("{code}", "ebay", 0), InvalidInput, "more than 0"),
    (("{code}", "ebay", "12.50"), InvalidInput, "not a number"),
    (("{code}", "ebay", 10**12), InvalidInput, "at most 1000000.00"),
])
def test_a_bad_price_is_refused_and_nothing_written(sam: Context, sql: Sql, args, error, says) -> None:  # type: ignore[no-untyped-def]
    code = sql.scalar("SELECT stock_code FROM products WHERE org_id = ? AND active ORDER BY id LIMIT 1", (_org(sql),))
    before = sql.scalar("SELECT COUNT(*) FROM channel_prices"), sql.scalar("SELECT COUNT(*) FROM activity")
    with pytest.raises(error, match=says):
        record_channel_price(sam, args[0].format(code=code), args[1], args[2])
    assert (sql.scalar("SELECT COUNT(*) FROM channel_prices"), sql.scalar("SELECT COUNT(*) FROM activity")) == before


def test_a_future_observation_is_refused(sam: Context, sql: Sql) -> None:
    code = sql.scalar("SELECT stock_code FROM products WHERE org_id = ? AND active ORDER BY id LIMIT 1", (_org(sql),))
    with pytest.raises(InvalidInput, match="in the future"):
        record_channel_price(sam, code, "ebay", 100, FIXED_NOW + timedelta(days=2))


def test_an_agent_may_read_but_not_record_or_apply(alice: Context, sql: Sql) -> None:
    code = sql.scalar("SELECT stock_code FROM products WHERE org_id = ? AND active ORDER BY id LIMIT 1", (_org(sql),))
    refusals = sql.scalar("SELECT COUNT(*) FROM refusals")
    with pytest.raises(PermissionDenied):
        record_channel_price(alice, code, "ebay", 100)
    changes = suggestions(alice, all_suggested=True)
    assert changes
    with pytest.raises(PermissionDenied):
        apply_suggestions(alice, changes[:1])
    assert sql.scalar("SELECT COUNT(*) FROM refusals") == refusals + 2


def test_suggestions_name_every_suggested_product_and_refuse_others(sam: Context, sql: Sql) -> None:
    board = selected(expected(sql, _org(sql)), PriceMatchQuery(verdict=VerdictKind.suggested))
    every = suggestions(sam, all_suggested=True)
    assert [(c.stock_code, c.before, c.after, c.floor, c.rule_name) for c in every] == [
        (r.stock_code, r.own_price, r.verdict.suggested_price, r.verdict.floor, r.verdict.rule_name) for r in board]
    assert suggestions(sam, [every[1].stock_code.lower(), every[0].stock_code]) == (every[1], every[0])
    other = next(r for r in expected(sql, _org(sql)) if r.verdict.kind is not VerdictKind.suggested)
    with pytest.raises(InvalidInput, match=f"{other.stock_code} has no suggested price"):
        suggestions(sam, [every[0].stock_code, other.stock_code])
    with pytest.raises(InvalidInput, match="Name the stock codes"):
        suggestions(sam)


def test_applying_changes_the_prices_records_and_audits_each(sam: Context, sql: Sql) -> None:
    changes = suggestions(sam, all_suggested=True)[:3]
    applied = apply_suggestions(sam, changes)
    assert [(c.stock_code, c.after) for c in applied] == [(c.stock_code, c.after) for c in changes]
    for change in changes:
        assert sql.scalar("SELECT price FROM products WHERE id = ?", (change.product_id,)) == change.after
        website = sql.one("SELECT * FROM channel_prices WHERE product_id = ? AND channel = 'website' "
                          "ORDER BY id DESC LIMIT 1", (change.product_id,))
        assert (website["price"], website["source"], website["recorded_by"]) == (change.after, "apply", "sam")
        assert price_history(sam, change.stock_code).by_channel["website"][0].price == change.after
    entries = sql.rows("SELECT * FROM activity WHERE action = 'price' ORDER BY id DESC LIMIT 3")
    assert [e["summary"] for e in reversed(entries)] == [
        f"Price of {c.stock_code}: £{c.before / 100:.2f} → £{c.after / 100:.2f} ({c.rule_name})" for c in changes]
    assert '"price": %d' % changes[-1].before in entries[0]["before"]
    _board_is_the_oracle(sql, sam)
    assert not {c.stock_code for c in changes} & {c.stock_code for c in suggestions(sam, all_suggested=True)}


def test_a_stale_or_below_floor_change_writes_nothing(sam: Context, sql: Sql) -> None:
    first, second = suggestions(sam, all_suggested=True)[:2]
    snapshot = lambda: (sql.rows("SELECT id, price FROM products ORDER BY id"),  # noqa: E731
                        sql.scalar("SELECT COUNT(*) FROM channel_prices"), sql.scalar("SELECT COUNT(*) FROM activity"))
    before = snapshot()
    stale = PriceChange(**{**second.__dict__, "before": second.before + 1})
    with pytest.raises(InvalidInput, match=f"{second.stock_code} now costs"):
        apply_suggestions(sam, [first, stale])
    low = PriceChange(**{**second.__dict__, "after": second.floor - 1})
    with pytest.raises(InvalidInput, match="is below the floor"):
        apply_suggestions(sam, [first, low])
    with pytest.raises(InvalidInput, match="no suggestion"):
        apply_suggestions(sam, [])
    assert snapshot() == before
    apply_suggestions(sam, [first])
    with pytest.raises(InvalidInput, match="now costs"):  # applied once already
        apply_suggestions(sam, [first])


def test_refresh_board_after_rows_written_in_the_callers_transaction(sam: Context, sql: Sql) -> None:
    """As the channel-prices importer does: write observations, then refresh those products."""
    from sqlalchemy import insert

    from hubtui.services.price_match import refresh_board
    from hubtui.store.price_tables import ChannelPrice

    ids = [r[0] for r in sql.rows("SELECT id FROM products WHERE org_id = ? AND active ORDER BY id LIMIT 3",
                                  (_org(sql),))]
    with sam.store.write() as session:
        session.execute(insert(ChannelPrice), [
            {"product_id": pid, "channel": "myntra", "price": 100 + pid, "observed_at": FIXED_NOW,
             "source": "import", "recorded_by": "sam"} for pid in ids])
        refresh_board(session, sam, ids)
    rows = {r.product_id: r for r in walk(sam, PriceMatchQuery(channel="myntra"), limit=500)}
    assert [{p.channel: p.price for p in rows[pid].prices}["myntra"] for pid in ids] == [100 + pid for pid in ids]
    as_text = price_match_page(sam, PriceMatchQuery(verdict="Suggested"))  # type: ignore[arg-type]
    assert as_text == price_match_page(sam, PriceMatchQuery(verdict=VerdictKind.suggested)) and as_text.rows
    with pytest.raises(InvalidInput, match="Unknown verdict 'cheap'"):
        price_match_page(sam, PriceMatchQuery(verdict="cheap"))  # type: ignore[arg-type]
    _board_is_the_oracle(sql, sam)
