"""Price match (SPEC 5): the screen's page and counts, a product's price history, suggestions
and applying them.

Reads come from the price board (store/price_board.py), which every write here and in
channel_prices.py, price_rules.py and the channel-prices import keeps current in its own
transaction through `refresh_board`; so a page never waits for the rules to be evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.money import format_money
from hubtui.domain.permissions import Permission
from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    PRICE_MATCH_CHANNELS,
    SORTS,
    PriceMatchQuery,
    Verdict,
    VerdictKind,
)
from hubtui.domain.text import printable
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput, NotFound
from hubtui.services.price_match_views import (
    ChannelPriceView,
    PriceChange,
    PriceHistory,
    PriceMatchCounts,
    PriceMatchRow,
)
from hubtui.services.refusals import refusals_recorded
from hubtui.services.views import Cursor, Page
from hubtui.store import price_board
from hubtui.store import price_match_queries as pq
from hubtui.store.price_tables import ChannelPrice
from hubtui.store.tables import Product

HISTORY_LIMIT = 200  # observations shown per channel
MAX_PAGE = 500


def refresh_board(session: Session, ctx: Context, product_ids: Iterable[int] | None) -> None:
    """Bring the price board up to date for these products (None: every product of the
    organisation), inside the caller's open write transaction: after writing channel_prices
    rows, changing products' prices or changing rules. Write the observations through the
    ChannelPrice table (its observed_at column type), as the board copies their stored times."""
    session.flush()  # the refresh reads with plain statements, which see only what was flushed
    price_board.refresh(session, ctx.operator.org_id, product_ids)


def _checked(query: PriceMatchQuery) -> PriceMatchQuery:
    if query.sort not in SORTS:
        raise InvalidInput(f"Sort by {' or '.join(SORTS)}, not {query.sort[:40]!r}.", "sort")
    if query.channel and query.channel not in COMPARED_CHANNELS:
        raise InvalidInput(f"Unknown channel {query.channel[:40]!r}: filter by {', '.join(COMPARED_CHANNELS)}.",
                           "channel")
    if query.verdict is not None and not isinstance(query.verdict, VerdictKind):
        try:
            query = replace(query, verdict=VerdictKind(str(query.verdict).strip().lower().replace("-", "_")))
        except ValueError:
            raise InvalidInput(f"Unknown verdict {str(query.verdict)[:40]!r}: one of "
                               f"{', '.join(v.value for v in VerdictKind)}.", "verdict") from None
    return query


def currency_of(session: Session, ctx: Context) -> str:
    return price_board.org_currency(session, ctx.operator.org_id)


def row_view(row: Any, currency: str) -> PriceMatchRow:
    """A board row (with name, cost and rule_name joined) as the screen's row."""
    prices = tuple(ChannelPriceView(ch, row._mapping[f"{ch}_price"], row._mapping[f"{ch}_at"])
                   for ch in COMPARED_CHANNELS if row._mapping[f"{ch}_price"] is not None)
    verdict = Verdict(VerdictKind(row.verdict), row.rule_id, row.rule_name or "", row.lowest_channel, row.rule_lowest,
                      row.floor, row.suggested_price, row.reason)
    return PriceMatchRow(row.product_id, row.stock_code, row.name, row.brand, row.category, row.own_price, row.cost,
                         currency, prices, row.spread, verdict)


def price_match_page(ctx: Context, query: PriceMatchQuery = PriceMatchQuery(), cursor: Cursor | None = None, *,
                     before: bool = False, limit: int = 50, from_end: bool = False) -> Page[PriceMatchRow]:
    """One keyset page of the board: after `cursor` (or before it with `before`), or the last
    page with `from_end`. A cursor is the edge row's key under the same query's sort."""
    ctx.require(Permission.view_orders)
    query = _checked(query)
    limit = max(1, min(limit, MAX_PAGE))
    org = ctx.operator.org_id
    with ctx.store.read() as session:
        key = tuple(cursor.key) if cursor is not None else None
        if key is not None and len(key) != len(pq.sort_columns(query)):
            raise InvalidInput("That page position belongs to another sort; start from the first page.", "sort")
        found, more = pq.page_rows(session, org, query, key=key, before=before and key is not None,
                                   from_end=from_end, limit=limit)
        if not found:
            return Page((), None, None, False, False)
        currency = currency_of(session, ctx)
        rows = tuple(row_view(r, currency) for r in found)
        first, last = Cursor(pq.sort_key(query, found[0])), Cursor(pq.sort_key(query, found[-1]))
        backwards = (before and key is not None) or from_end
        has_before = more if backwards else (key is not None and pq.exists_beyond(session, org, query, first.key,
                                                                                   after=False))
        has_after = more if not backwards else (not from_end and pq.exists_beyond(session, org, query, last.key,
                                                                                  after=True))
        return Page(rows, first, last, has_before, has_after)


def price_match_counts(ctx: Context, query: PriceMatchQuery = PriceMatchQuery()) -> PriceMatchCounts:
    """Products per verdict under the query's other filters (its verdict left out), and all."""
    ctx.require(Permission.view_orders)
    query = _checked(query)
    with ctx.store.read() as session:
        found = pq.counts_by_verdict(session, ctx.operator.org_id, query)
    by_verdict = {kind: found.get(kind.value, 0) for kind in VerdictKind}
    return PriceMatchCounts(by_verdict, sum(by_verdict.values()))


def find_product(session: Session, ctx: Context, stock_code: str, *, for_update: bool = False) -> Product:
    """The organisation's product with this stock code (as typed, else ignoring case)."""
    code = stock_code.strip()
    statement = select(Product).where(Product.org_id == ctx.operator.org_id)
    if for_update:
        statement = statement.with_for_update()
    found = session.scalars(statement.where(Product.stock_code == code)).first()
    if found is None and code:
        found = session.scalars(statement.where(func.upper(Product.stock_code) == code.upper())).first()
    if found is None:
        raise NotFound(f"No product with stock code {printable(code, one_line=True)[:40]!r}.")
    return found


def price_history(ctx: Context, stock_code: str) -> PriceHistory:
    """Every channel's observations of one product, newest first (the own-website price's
    changes under `website`), at most HISTORY_LIMIT a channel."""
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        product = find_product(session, ctx, stock_code)
        by_channel: dict[str, tuple[ChannelPriceView, ...]] = {}
        for channel in PRICE_MATCH_CHANNELS:
            statement = (select(ChannelPrice.price, ChannelPrice.observed_at)
                         .where(ChannelPrice.product_id == product.id, ChannelPrice.channel == channel)
                         .order_by(ChannelPrice.observed_at.desc(), ChannelPrice.id.desc()).limit(HISTORY_LIMIT))
            by_channel[channel] = tuple(ChannelPriceView(channel, p, at) for p, at in session.execute(statement))
        return PriceHistory(product.id, product.stock_code, product.name, currency_of(session, ctx), by_channel)


def _change(row: Any) -> PriceChange:
    return PriceChange(row.product_id, row.stock_code, row.name, row.own_price, row.suggested_price, row.floor,
                       row.rule_name or "")


def suggestions(ctx: Context, stock_codes: Sequence[str] | None = None, *,
                all_suggested: bool = False) -> tuple[PriceChange, ...]:
    """The changes applying would make, nothing written: of these products, or of every product
    with a suggested price. A stock code that is unknown or has no suggestion is refused."""
    ctx.require(Permission.view_orders)
    if not stock_codes and not all_suggested:
        raise InvalidInput("Name the stock codes to apply, or ask for all suggested prices.", "stock_codes")
    if all_suggested:
        with ctx.store.read() as session:
            return tuple(_change(r) for r in pq.suggested_rows(session, ctx.operator.org_id))
    changes, refusals = suggestions_among(ctx, stock_codes or ())
    if refusals:
        raise InvalidInput(refusals[0], "stock_codes")
    return changes


def suggestions_among(ctx: Context, stock_codes: Sequence[str]) -> tuple[tuple[PriceChange, ...], tuple[str, ...]]:
    """The changes applying would make to those of these products that have a suggested price,
    and why each of the others has none (a selection made across the verdicts), in one read; an
    unknown stock code is NotFound."""
    ctx.require(Permission.view_orders)
    org = ctx.operator.org_id
    refusals: list[str] = []
    with ctx.store.read() as session:
        codes = [find_product(session, ctx, typed).stock_code for typed in dict.fromkeys(stock_codes)]
        found = {r.stock_code: r for r in pq.rows_by_code(session, org, codes)}
        changes = []
        for code in codes:
            row = found.get(code)
            if row is None:
                refusals.append(f"{code} is not on the price board (an inactive product).")
            elif row.verdict != VerdictKind.suggested.value:
                refusals.append(f"{code} has no suggested price ({row.verdict.replace('_', ' ')}: {row.reason}).")
            else:
                changes.append(_change(row))
    return tuple(changes), tuple(refusals)


@refusals_recorded("apply price")
def apply_suggestions(ctx: Context, changes: Sequence[PriceChange]) -> tuple[PriceChange, ...]:
    """Set each product's own-website price to the suggestion, in one transaction: each is
    checked again (the price is still the one the suggestion was made from, the new price is not
    below the deciding rule's floor), else nothing is written. Records a `website` observation
    and an audit entry per product; returns the changes made."""
    ctx.require(Permission.set_prices)
    if not changes:
        raise InvalidInput("There is no suggestion to apply.", "stock_codes")
    if len({c.product_id for c in changes}) != len(changes):
        raise InvalidInput("A product is in the list twice.", "stock_codes")
    now = ctx.now()
    applied = []
    with ctx.store.write() as session:
        currency = currency_of(session, ctx)
        money = lambda minor: format_money(minor, currency or None)  # noqa: E731
        boards = {r.product_id: r for r in pq.rows_by_code(session, ctx.operator.org_id, [c.stock_code for c in changes])}
        for change in changes:
            product = find_product(session, ctx, change.stock_code, for_update=True)
            if product.id != change.product_id:
                raise NotFound(f"{change.stock_code} is not the product the suggestion was made for.")
            if product.price != change.before:
                raise InvalidInput(f"{product.stock_code} now costs {money(product.price)}, not "
                                   f"{money(change.before)}: look at its suggestion again.", "before")
            row = boards.get(product.id)
            floor = max(change.floor, row.floor if row is not None and row.floor is not None else 0)
            if change.after < floor:
                raise InvalidInput(f"{product.stock_code}: {money(change.after)} is below the floor "
                                   f"{money(floor)}.", "after")
            if change.after <= 0:
                raise InvalidInput(f"{product.stock_code}: the new price must be more than 0.", "after")
            product.price = change.after
            session.add(ChannelPrice(product_id=product.id, channel="website", price=change.after, observed_at=now,
                                     source="apply", recorded_by=ctx.operator.user_name))
            rule = f" ({change.rule_name})" if change.rule_name else ""
            audit.record(session, ctx, action="price",
                         summary=f"Price of {product.stock_code}: {money(change.before)} → {money(change.after)}{rule}",
                         before={"stock_code": product.stock_code, "price": change.before},
                         after={"stock_code": product.stock_code, "price": change.after, "floor": floor,
                                "rule": change.rule_name})
            applied.append(PriceChange(product.id, product.stock_code, product.name, change.before, change.after,
                                       floor, change.rule_name))
        session.flush()
        refresh_board(session, ctx, [c.product_id for c in applied])
    return tuple(applied)


def brands(ctx: Context) -> tuple[str, ...]:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return pq.distinct_values(session, ctx.operator.org_id, "brand")


def categories(ctx: Context) -> tuple[str, ...]:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return pq.distinct_values(session, ctx.operator.org_id, "category")


__all__ = ["apply_suggestions", "brands", "categories", "price_history", "price_match_counts", "price_match_page",
           "refresh_board", "suggestions"]
