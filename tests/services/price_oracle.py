"""An oracle of the Price Match screen read straight from the tables with sqlite3: each active
product's latest compared prices, its verdict by the domain's evaluate, its spread, and the
filters and sorts of a PriceMatchQuery written out here, so a wrong board row, index, filter or
keyset in the code under test cannot hide behind the same mistake in the check."""

from __future__ import annotations

from dataclasses import dataclass

from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    Action,
    PriceMatchQuery,
    ProductPrices,
    Rule,
    Scope,
    ToleranceKind,
    Verdict,
    evaluate,
)
from hubtui.services.context import Context
from hubtui.services.price_match import price_match_page
from hubtui.services.price_match_views import PriceMatchRow

from .support import Sql, parse_ts


@dataclass(frozen=True)
class Expected:
    product_id: int
    stock_code: str
    name: str
    brand: str
    category: str
    own_price: int
    prices: dict[str, int]
    spread: int | None
    verdict: Verdict


def rules(sql: Sql, org_id: int) -> list[Rule]:
    return [Rule(r["id"], r["name"], r["priority"], bool(r["active"]), Scope(r["scope"]),
                 tuple(v for v in r["scope_value"].split("\n") if v), tuple(c for c in r["channels"].split(",") if c),
                 ToleranceKind(r["tolerance_kind"]), r["tolerance_value"], r["min_margin_bp"], Action(r["action"]))
            for r in sql.rows("SELECT * FROM price_match_rules WHERE org_id = ?", (org_id,))]


def expected(sql: Sql, org_id: int) -> list[Expected]:
    currency = sql.scalar("SELECT currency FROM microsites WHERE org_id = ? ORDER BY is_default DESC, id LIMIT 1",
                          (org_id,))
    latest: dict[int, dict[str, tuple[str, int, int]]] = {}
    for r in sql.rows("SELECT cp.id, cp.product_id, cp.channel, cp.price, cp.observed_at FROM channel_prices cp "
                      "JOIN products p ON p.id = cp.product_id WHERE p.org_id = ?", (org_id,)):
        if r["channel"] not in COMPARED_CHANNELS:
            continue
        seen = latest.setdefault(r["product_id"], {})
        mine = (parse_ts(r["observed_at"]).isoformat(), r["id"], r["price"])
        if r["channel"] not in seen or seen[r["channel"]] < mine:
            seen[r["channel"]] = mine
    all_rules = rules(sql, org_id)
    found = []
    for p in sql.rows("SELECT * FROM products WHERE org_id = ? AND active ORDER BY id", (org_id,)):
        prices = {ch: v[2] for ch, v in latest.get(p["id"], {}).items()}
        verdict = evaluate(ProductPrices(p["id"], p["stock_code"], p["brand"], p["category"], p["price"], p["cost"],
                                         prices, currency), all_rules)
        spread = p["price"] - min(prices.values()) if prices else None
        found.append(Expected(p["id"], p["stock_code"], p["name"], p["brand"], p["category"], p["price"], prices,
                              spread, verdict))
    return found


def selected(rows: list[Expected], query: PriceMatchQuery) -> list[Expected]:
    text = query.text.strip().lower()
    kept = [r for r in rows
            if (query.verdict is None or r.verdict.kind is query.verdict)
            and (not query.brand or r.brand == query.brand)
            and (not query.category or r.category == query.category)
            and (not query.channel or query.channel in r.prices)
            and (not text or text in r.stock_code.lower() or text in r.name.lower())]
    if query.sort == "spread":
        return sorted(kept, key=lambda r: (r.spread is None, -(r.spread or 0), r.stock_code))
    return sorted(kept, key=lambda r: r.stock_code)


def walk(ctx: Context, query: PriceMatchQuery, limit: int = 7) -> list[PriceMatchRow]:
    """Every row of the query, page by page forwards, checking each page's flags; then backwards
    from the end, which must give the same rows."""
    rows: list[PriceMatchRow] = []
    page = price_match_page(ctx, query, limit=limit)
    assert not page.has_before
    while True:
        rows.extend(page.rows)
        if not page.has_after:
            break
        page = price_match_page(ctx, query, page.last, limit=limit)
        assert page.has_before and page.rows
    back: list[PriceMatchRow] = []
    page = price_match_page(ctx, query, limit=limit, from_end=True)
    assert not page.has_after
    while True:
        back[:0] = page.rows
        if not page.has_before:
            break
        page = price_match_page(ctx, query, page.first, before=True, limit=limit)
        assert page.has_after and page.rows
    assert [r.product_id for r in back] == [r.product_id for r in rows]
    return rows


def as_seen(row: PriceMatchRow) -> tuple:  # type: ignore[type-arg]
    return (row.product_id, row.stock_code, row.name, row.brand, row.category, row.own_price,
            {p.channel: p.price for p in row.prices}, row.spread, row.verdict)


def as_expected(row: Expected) -> tuple:  # type: ignore[type-arg]
    return (row.product_id, row.stock_code, row.name, row.brand, row.category, row.own_price, row.prices, row.spread,
            row.verdict)
